"""EuclideanLoss: loss = sum((a - b)^2) / (2 N), N = a.shape[0].

Backward: da = +loss_weight * (a - b) / N, db = -loss_weight * (a - b) / N
(loss_weight is top[0].diff's first element, where the net keeps it). Both
bottoms may receive gradients. The bottoms need the same first dimension and
the same count per item; they are compared element by element in memory order.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.util import count


@register
class EuclideanLossLayer(Layer):
    type = "EuclideanLoss"
    exact_num_bottom = 2
    exact_num_top = 1
    is_loss = True
    auto_top_blobs = True

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        a, b = bottom[0].shape, bottom[1].shape
        if not a or not b or a[0] != b[0]:
            raise self.error(f"gets bottoms of shapes {a} and {b}; the data and label should have the same first "
                             "dimension.")
        if count(a, 1) != count(b, 1):
            raise self.error(f"gets bottoms of shapes {a} and {b}; inputs must have the same dimension.")
        top[0].reshape(())

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        a = bottom[0].data
        self.diff = a.reshape(-1) - bottom[1].data.reshape(-1)
        dt = a.dtype.type
        # Caffe: dot / num / Dtype(2), each step in Dtype.
        top[0].data[...] = np.dot(self.diff, self.diff) / dt(a.shape[0]) / dt(2)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        weight = top[0].diff.reshape(-1)[0]
        for i, sign in ((0, 1), (1, -1)):
            if propagate_down[i]:
                b = bottom[i]
                alpha = weight.dtype.type(sign) * weight / weight.dtype.type(b.shape[0])
                np.copyto(b.diff, (alpha * self.diff).reshape(b.shape))
