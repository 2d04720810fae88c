"""Split (inserted by the net where one top feeds several bottoms).

Forward: every top gets the bottom's data. Backward: dx = dy_0 + dy_1 + ...,
summed in top order as Caffe does (add the first two, then accumulate).

Caffe shares the bottom's data with every top; copying costs little and keeps
each top independent whatever a consumer later does with its own blob.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register


@register
class SplitLayer(Layer):
    type = "Split"
    exact_num_bottom = 1
    min_top = 1

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        for i, t in enumerate(top):
            if t is bottom[0]:
                raise self.error("does not allow in-place computation.", "Give each top a name of its own.", "top", i)
            t.reshape(bottom[0].shape, channels_last=bottom[0].channels_last)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        for t in top:
            np.copyto(t.data, bottom[0].data)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        dx = bottom[0].diff
        if len(top) == 1:
            np.copyto(dx, top[0].diff)
            return
        np.add(top[0].diff, top[1].diff, out=dx)
        for t in top[2:]:
            dx += t.diff
