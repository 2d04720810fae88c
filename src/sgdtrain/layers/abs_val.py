"""AbsVal: y = |x|; dx = sign(x) * dy with sign(0) = 0. Not in place (Caffe's rule)."""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register


@register
class AbsValLayer(Layer):
    type = "AbsVal"
    exact_num_bottom = 1
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        if top[0] is bottom[0]:
            raise self.error("does not allow in-place computation.", "Give it a top different from its bottom.")

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        top[0].reshape(bottom[0].shape, channels_last=bottom[0].channels_last)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        np.abs(bottom[0].data, out=top[0].data)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if propagate_down[0]:
            np.multiply(np.sign(bottom[0].data), top[0].diff, out=bottom[0].diff)
