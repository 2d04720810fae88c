"""ELU: y = x if x > 0 else alpha * (exp(x) - 1).

Backward: dx = dy if x > 0 else dy * (y + alpha). Works in place: with alpha >= 0
the stored y is > 0 exactly where x was.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import NeuronLayer, register


@register
class ELULayer(NeuronLayer):
    type = "ELU"

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        self.alpha = self.param.elu_param.alpha

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data
        dt = x.dtype.type
        # Caffe: max(x, 0) + alpha * (exp(min(x, 0)) - 1); exp never overflows.
        neg = dt(self.alpha) * (np.exp(np.minimum(x, dt(0))) - dt(1))
        np.copyto(top[0].data, np.maximum(x, dt(0)) + neg)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        x, y, dy = bottom[0].data, top[0].data, top[0].diff
        dt = x.dtype.type
        np.copyto(bottom[0].diff, np.where(x > 0, dy, dy * (y + dt(self.alpha))))
