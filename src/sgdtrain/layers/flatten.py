"""Flatten: merges axes flatten_param.axis .. end_axis (inclusive) into one.

top shape = shape[:axis] + (prod(shape[axis:end_axis + 1]),) + shape[end_axis + 1:].
Caffe shares the bottom's data and diff; here the bottom may be a channels-last
view (see blob.py), so forward copies the values in NCHW order and backward
copies the gradient back, which gives the same numbers.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.util import canonical_axis, count


def copy_forward(bottom: Blob, top: Blob) -> None:
    """top.data = bottom.data in NCHW (row-major) order; top is a plain C-contiguous blob."""
    np.copyto(top.data.reshape(bottom.shape), bottom.data)


def copy_backward(top: Blob, bottom: Blob) -> None:
    """bottom.diff = top.diff, element for element in row-major order (overwrites, as Caffe)."""
    np.copyto(bottom.diff, top.diff.reshape(bottom.shape))


def refuse_in_place(layer: Layer, bottom: list[Blob], top: list[Blob]) -> None:
    if top[0] is bottom[0]:
        raise layer.error("does not allow in-place computation.", "Give the top a name of its own.", "top")


@register
class FlattenLayer(Layer):
    type = "Flatten"
    exact_num_bottom = 1
    exact_num_top = 1

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        refuse_in_place(self, bottom, top)
        p, shape = self.param.flatten_param, bottom[0].shape
        try:
            start = canonical_axis(p.axis, len(shape))
            end = canonical_axis(p.end_axis, len(shape))
        except ValueError as exc:
            raise self.error(f"has an invalid flatten_param axis: {exc}.", None, "flatten_param") from None
        # Caffe's count(start, end + 1) CHECKs start <= end + 1; end == start - 1 inserts an axis of size 1.
        if end + 1 < start:
            raise self.error(f"has end_axis {p.end_axis} before axis {p.axis} for a {len(shape)}-axis bottom.",
                             "Set end_axis at or after axis.", "flatten_param")
        top[0].reshape(shape[:start] + (count(shape, start, end + 1),) + shape[end + 1:])

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        copy_forward(bottom[0], top[0])

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if propagate_down[0]:
            copy_backward(top[0], bottom[0])
