"""ReLU: y = max(x, 0) + negative_slope * min(x, 0); works in place."""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import NeuronLayer, register


@register
class ReLULayer(NeuronLayer):
    type = "ReLU"

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        self.slope = self.param.relu_param.negative_slope

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x, y = bottom[0].data, top[0].data
        if self.slope == 0:
            np.maximum(x, 0, out=y)
        else:
            np.copyto(y, np.where(x > 0, x, x * x.dtype.type(self.slope)))

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        # In place, bottom data already holds y; y > 0 exactly where x > 0 (slope >= 0).
        x, dy, dx = bottom[0].data, top[0].diff, bottom[0].diff
        if self.slope == 0:
            np.multiply(dy, x > 0, out=dx)
        else:
            np.copyto(dx, np.where(x > 0, dy, dy * dy.dtype.type(self.slope)))
