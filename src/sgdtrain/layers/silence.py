"""Silence: consumes bottoms (so they are not net outputs) and produces no top.

Forward does nothing; backward writes zero gradients to the bottoms asked for.
"""

from __future__ import annotations

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register


@register
class SilenceLayer(Layer):
    type = "Silence"
    min_bottom = 1
    exact_num_top = 0

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        pass

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        pass

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        for b, down in zip(bottom, propagate_down):
            if down:
                b.diff[...] = 0
