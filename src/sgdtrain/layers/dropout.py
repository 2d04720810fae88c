"""Dropout ("inverted"): TRAIN y = x * mask * scale, TEST y = x.

mask ~ Bernoulli(1 - dropout_ratio), drawn per element from the net's generator
at every TRAIN forward; scale = 1 / (1 - dropout_ratio), stored in the blobs'
dtype (Caffe keeps `scale_` as a Dtype, so nets use the float32-rounded value).
Backward: dx = dy * mask * scale (TRAIN), dx = dy (TEST). Works in place: the
mask, not the data, carries what backward needs.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import TRAIN, NeuronLayer, register


@register
class DropoutLayer(NeuronLayer):
    type = "Dropout"

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        # The proto float, as Caffe's float `threshold_` holds it.
        self.ratio = float(np.float32(self.param.dropout_param.dropout_ratio))
        if not 0.0 <= self.ratio < 1.0:
            raise self.error(f"has dropout_ratio {self.ratio:g}; it must lie in [0, 1).",
                             "Set dropout_param { dropout_ratio: r } with 0 <= r < 1.",
                             "dropout_param", "dropout_ratio")
        self.mask: np.ndarray | None = None

    def _scale(self, a: np.ndarray):
        # `scale_ = 1. / (1. - threshold_)` is evaluated in double and stored as Dtype.
        return a.dtype.type(1.0 / (1.0 - self.ratio))

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x, y = bottom[0].data, top[0].data
        if self.phase != TRAIN:
            if y is not x:
                np.copyto(y, x)
            return
        self.mask = self.ctx.rng.random(x.shape) < (1.0 - self.ratio)
        np.multiply(x * self.mask, self._scale(x), out=y)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        dy, dx = top[0].diff, bottom[0].diff
        if self.phase != TRAIN:
            if dx is not dy:
                np.copyto(dx, dy)
            return
        np.multiply(dy * self.mask, self._scale(dy), out=dx)
