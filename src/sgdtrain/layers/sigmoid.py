"""Sigmoid: y = 1 / (1 + e^-x), computed as Caffe master does: 0.5 tanh(0.5 x) + 0.5.

Backward: dx = dy * y * (1 - y), from the top data, so it works in place.

Caffe's C++ evaluates both with double literals (`0.5 * tanh(0.5 * x) + 0.5`,
`top_diff * y * (1. - y)`), i.e. in double, rounding to Dtype only on the
store; we do the same, so float32 results carry Caffe's single rounding.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import NeuronLayer, register


@register
class SigmoidLayer(NeuronLayer):
    type = "Sigmoid"

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data.astype(np.float64)  # Caffe's double promotion (a no-op copy for float64)
        np.copyto(top[0].data, 0.5 * np.tanh(0.5 * x) + 0.5, casting="same_kind")

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        y, dy = top[0].data, top[0].diff
        # (dy * y) is a Dtype product; the factor (1. - y) is double in Caffe.
        dx = (dy * y).astype(np.float64) * (1.0 - y.astype(np.float64))
        np.copyto(bottom[0].diff, dx, casting="same_kind")
