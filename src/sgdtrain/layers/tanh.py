"""TanH: y = tanh(x); backward dx = dy * (1 - y^2) from the top data (works in place)."""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import NeuronLayer, register


@register
class TanHLayer(NeuronLayer):
    type = "TanH"

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        np.tanh(bottom[0].data, out=top[0].data)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        y, dy = top[0].data, top[0].diff
        # Caffe: top_diff * (1 - tanhx * tanhx), all in Dtype.
        np.multiply(dy, 1 - y * y, out=bottom[0].diff)
