"""Slice: cut the bottom along one axis into consecutive tops.

Axis: slice_param.axis (default 1, negative counts from the end) or the
deprecated slice_dim (not both). With slice_point p_1 < ... < p_{K-1} (one
fewer than the tops) top k gets [p_k, p_{k+1}) with p_0 = 0, p_K = the axis
size; without, the axis is split into K equal parts (it must divide evenly).
Forward copies the pieces; backward copies the top diffs back into place. A
single top shares the bottom's data and diff (Caffe does the same).
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.util import canonical_axis


@register
class SliceLayer(Layer):
    type = "Slice"
    exact_num_bottom = 1
    min_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        self.slice_points = [int(p) for p in self.param.slice_param.slice_point]

    def _axis(self, ndim: int) -> int:
        p = self.param.slice_param
        if p.HasField("slice_dim"):
            if p.HasField("axis"):
                raise self.error("sets both axis and slice_dim.", "Either axis or slice_dim should be specified; "
                                 "not both.", "slice_param")
            if p.slice_dim >= ndim:
                raise self.error(f"has slice_dim {p.slice_dim} out of range for a {ndim}-axis bottom.", None,
                                 "slice_param", "slice_dim")
            return int(p.slice_dim)
        try:
            return canonical_axis(p.axis, ndim)
        except ValueError as exc:
            raise self.error(f"has an invalid axis: {exc}.", None, "slice_param", "axis") from None

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        shape = bottom[0].shape
        self.axis = self._axis(len(shape))
        size = shape[self.axis]
        k = len(top)
        if self.slice_points:
            if len(self.slice_points) != k - 1:
                raise self.error(f"has {len(self.slice_points)} slice_point(s) for {k} tops; it needs one fewer "
                                 "than the tops.", None, "slice_param", "slice_point")
            if k > size:
                raise self.error(f"has {k} tops for an axis of size {size}.", None, "slice_param")
            bounds = [0, *self.slice_points, size]
            if any(hi <= lo for lo, hi in zip(bounds[:-2], bounds[1:-1])) or bounds[-2] > size:
                raise self.error(f"has slice points {self.slice_points}; they must increase strictly and not "
                                 f"exceed the axis size {size}.", None, "slice_param", "slice_point")
        else:
            if size % k:
                raise self.error(f"has {k} top blobs, which do not evenly divide the input slice axis ({size}).",
                                 "Give slice_point values, or a number of tops that divides the axis.")
            bounds = [i * (size // k) for i in range(k + 1)]
        self.bounds = bounds
        for i, t in enumerate(top):
            t.reshape(shape[: self.axis] + (bounds[i + 1] - bounds[i],) + shape[self.axis + 1:])
        if k == 1:
            top[0].share_data(bottom[0])
            top[0].share_diff(bottom[0])

    def _piece(self, a: np.ndarray, i: int) -> np.ndarray:
        index = (slice(None),) * self.axis + (slice(self.bounds[i], self.bounds[i + 1]),)
        return a[index]

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        if len(top) == 1:
            return
        for i, t in enumerate(top):
            np.copyto(t.data, self._piece(bottom[0].data, i))

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0] or len(top) == 1:
            return
        for i, t in enumerate(top):
            np.copyto(self._piece(bottom[0].diff, i), t.diff)
