"""Bias: y = x + b, b broadcast over the bottom's axes [axis, axis + b.ndim).

b is a learned blob (one bottom; shape bottom.shape[axis : axis + num_axes],
num_axes -1 meaning "to the end"; filler default constant 0) or bottom[1] (two
bottoms; its shape must match the same axes of bottom[0]). A scalar b (0 axes)
ignores `axis`. Backward: dx = dy; db = sum of dy over the other axes
(accumulated into the blob's diff, written into bottom[1]'s diff). Works in place.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.util import canonical_axis


def operand_shape(layer: Layer, bottom_shape: tuple[int, ...], axis: int, num_axes: int, what: str) -> tuple[int, ...]:
    """The shape of a learned operand blob: bottom_shape[axis : axis + num_axes] (-1: to the end)."""
    try:
        axis = canonical_axis(axis, len(bottom_shape))
    except ValueError as exc:
        raise layer.error(f"has an invalid axis: {exc}.") from None
    if num_axes < -1:
        raise layer.error(f"has num_axes {num_axes}; num_axes must be non-negative, or -1 to extend to the end "
                          "of bottom[0].")
    if num_axes >= 0 and len(bottom_shape) < axis + num_axes:
        raise layer.error(f"{what} blob's shape extends past bottom[0]'s shape {bottom_shape} when applied "
                          f"starting with bottom[0] axis = {axis}.")
    return tuple(bottom_shape[axis:] if num_axes == -1 else bottom_shape[axis: axis + num_axes])


def broadcast_geometry(layer: Layer, bottom_shape: tuple[int, ...], operand: tuple[int, ...], axis: int,
                       what: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(shape broadcasting the operand against the bottom, the bottom axes it does not cover)."""
    k = len(operand)
    try:
        # A scalar operand is applied at axis 0 whatever `axis` says (Caffe's special case).
        axis = 0 if k == 0 else canonical_axis(axis, len(bottom_shape))
    except ValueError as exc:
        raise layer.error(f"has an invalid axis: {exc}.") from None
    if len(bottom_shape) < axis + k:
        raise layer.error(f"{what} blob's shape extends past bottom[0]'s shape {bottom_shape} when applied "
                          f"starting with bottom[0] axis = {axis}.")
    for i in range(k):
        if bottom_shape[axis + i] != operand[i]:
            raise layer.error(f"has a dimension mismatch between bottom[0]->shape({axis + i}) = "
                              f"{bottom_shape[axis + i]} and {what}->shape({i}) = {operand[i]}.")
    rest = len(bottom_shape) - axis - k
    bshape = (1,) * axis + tuple(operand) + (1,) * rest
    others = tuple(range(axis)) + tuple(range(axis + k, len(bottom_shape)))
    return bshape, others


@register
class BiasLayer(Layer):
    type = "Bias"
    min_bottom = 1
    max_bottom = 2
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.bias_param
        if len(bottom) == 1:
            shape = operand_shape(self, bottom[0].shape, p.axis, p.num_axes, "bias")
            if not self.check_stored_blobs([shape]):
                filler = p.filler if p.HasField("filler") else None
                self.blobs = [self.new_param_blob(shape, filler, "bias_param", "filler")]

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        b = bottom[1] if len(bottom) > 1 else self.blobs[0]
        self.bshape, self.others = broadcast_geometry(self, bottom[0].shape, b.shape, self.param.bias_param.axis,
                                                      "bias")
        if top[0] is not bottom[0]:
            top[0].reshape(bottom[0].shape, channels_last=bottom[0].channels_last)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        b = bottom[1] if len(bottom) > 1 else self.blobs[0]
        np.add(bottom[0].data, b.data.reshape(self.bshape), out=top[0].data)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        dy = top[0].diff
        if propagate_down[0] and bottom[0] is not top[0]:
            np.copyto(bottom[0].diff, dy)
        if len(bottom) == 1:
            b = self.blobs[0]
            b.diff += dy.sum(axis=self.others).reshape(b.shape)
        elif propagate_down[1]:
            bottom[1].diff[...] = dy.sum(axis=self.others).reshape(bottom[1].shape)
