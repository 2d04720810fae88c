"""Power: y = (shift + scale * x)^power.

When power * scale == 0 the input is ignored: y = 1 if power == 0, else shift^power,
and the gradient is 0. Otherwise dy/dx = power * scale * (shift + scale x)^(power - 1),
computed as Caffe does:
    power == 1:  power * scale (a constant)
    power == 2:  2 scale (shift + scale x)
    shift == 0:  power * y / x
    otherwise:   power * scale * y / (shift + scale x)
(so x == 0 with shift == 0 gives Caffe's inf/nan too).
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import NeuronLayer, register


@register
class PowerLayer(NeuronLayer):
    type = "Power"

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.power_param
        self.power, self.scale, self.shift = p.power, p.scale, p.shift
        self.diff_scale = self.power * self.scale

    def _base(self, x: np.ndarray) -> np.ndarray:
        dt = x.dtype.type
        base = x * dt(self.scale) if self.scale != 1 else x.copy(order="K")
        if self.shift != 0:
            base += dt(self.shift)
        return base

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x, y = bottom[0].data, top[0].data
        dt = x.dtype.type
        if self.diff_scale == 0:
            y[...] = dt(1) if self.power == 0 else dt(self.shift) ** dt(self.power)
            return
        base = self._base(x)
        with np.errstate(all="ignore"):  # Caffe lets negative bases with fractional powers give nan
            np.copyto(y, base if self.power == 1 else base ** dt(self.power))

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        x, y, dy, dx = bottom[0].data, top[0].data, top[0].diff, bottom[0].diff
        dt = x.dtype.type
        if self.diff_scale == 0:
            dx[...] = 0
            return
        diff_scale = dt(self.power) * dt(self.scale)  # Caffe's diff_scale_, in the layer's precision
        with np.errstate(all="ignore"):
            if self.power == 1:
                grad = np.full_like(x, diff_scale)
            elif self.power == 2:
                grad = x * (diff_scale * dt(self.scale))
                if self.shift != 0:
                    grad += diff_scale * dt(self.shift)
            elif self.shift == 0:
                grad = y / x * dt(self.power)
            else:
                grad = y / self._base(x)
                if diff_scale != 1:
                    grad *= diff_scale
            np.multiply(dy, grad, out=dx)
