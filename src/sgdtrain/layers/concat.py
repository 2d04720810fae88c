"""Concat: joins the bottoms along concat_param.axis (or the deprecated concat_dim).

All bottoms need the same number of axes and the same dims except on the
concat axis. Backward hands each bottom its slice of the top gradient.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.util import canonical_axis


@register
class ConcatLayer(Layer):
    type = "Concat"
    min_bottom = 1
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.concat_param
        if p.HasField("axis") and p.HasField("concat_dim"):
            raise self.error("sets both axis and concat_dim; either axis or concat_dim should be specified, not both.",
                             "Keep `axis` (concat_dim is deprecated).", "concat_param")

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        p, first = self.param.concat_param, bottom[0].shape
        n = len(first)
        if p.HasField("concat_dim"):
            if p.concat_dim >= n:
                raise self.error(f"has concat_dim {p.concat_dim}: concat_dim out of range for a {n}-axis bottom.",
                                 None, "concat_param", "concat_dim")
            self.axis = p.concat_dim
        else:
            try:
                self.axis = canonical_axis(p.axis, n)
            except ValueError as exc:
                raise self.error(f"has an invalid concat_param axis: {exc}.", None, "concat_param", "axis") from None
        for i, b in enumerate(bottom[1:], 1):
            if b.data.ndim != n:
                raise self.error(f"gets bottoms with {n} and {b.data.ndim} axes (bottom {i}); all inputs must have "
                                 "the same #axes.")
            if any(d != e for j, (d, e) in enumerate(zip(first, b.shape)) if j != self.axis):
                raise self.error(f"gets bottom shapes {first} and {b.shape} (bottom {i}); all inputs must have the "
                                 f"same shape, except at concat_axis ({self.axis}).")
        self.sizes = [b.shape[self.axis] for b in bottom]
        top[0].reshape(first[: self.axis] + (sum(self.sizes),) + first[self.axis + 1:])

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        np.concatenate([b.data for b in bottom], axis=self.axis, out=top[0].data)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        pieces = np.split(top[0].diff, np.cumsum(self.sizes)[:-1], axis=self.axis)
        for b, piece, down in zip(bottom, pieces, propagate_down):
            if down:
                np.copyto(b.diff, piece)
