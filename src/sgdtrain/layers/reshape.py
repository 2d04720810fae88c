"""Reshape: replaces axes [axis, axis + num_axes) of the bottom by reshape_param.shape.

axis < 0 counts from the end (-1 = after the last axis); num_axes -1 means all
remaining axes. In the new dims, 0 copies the bottom's dim at the same position
and at most one -1 is inferred so that the count is unchanged (Caffe's rules
and checks). Caffe shares data and diff; here the bottom may be channels-last
underneath, so forward and backward copy in row-major order instead.
"""

from __future__ import annotations

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.flatten import copy_backward, copy_forward, refuse_in_place
from sgdtrain.layers.util import count


@register
class ReshapeLayer(Layer):
    type = "Reshape"
    exact_num_bottom = 1
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        refuse_in_place(self, bottom, top)
        self.dims = [int(d) for d in self.param.reshape_param.shape.dim]
        if self.dims.count(-1) > 1:
            raise self.error(f"has shape {self.dims}: new shape contains multiple -1 dims; at most a single (1) "
                             "value of -1 may be specified.", None, "reshape_param", "shape")
        if any(d < -1 for d in self.dims):
            raise self.error(f"has shape {self.dims}: dims must be >= 0, or -1 for the one inferred dim.", None,
                             "reshape_param", "shape")

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        refuse_in_place(self, bottom, top)
        p, shape = self.param.reshape_param, bottom[0].shape
        n = len(shape)
        start = p.axis if p.axis >= 0 else n + p.axis + 1
        if not 0 <= start <= n:
            raise self.error(f"has axis {p.axis}, out of range for a {n}-D input blob.", None, "reshape_param", "axis")
        if p.num_axes < -1:
            raise self.error(f"has num_axes {p.num_axes}; num_axes must be >= 0, or -1 for all.", None,
                             "reshape_param", "num_axes")
        end = n if p.num_axes == -1 else start + p.num_axes
        if end > n:
            raise self.error(f"replaces axes {start}..{end - 1} of a {n}-D input blob: end_axis = axis + num_axes "
                             "is out of range.", None, "reshape_param", "num_axes")
        new = list(shape[:start]) + list(self.dims) + list(shape[end:])
        for i, d in enumerate(self.dims):
            if d == 0:
                if start + i >= n:
                    raise self.error(f"has shape {self.dims}: new shape contains a 0, but there was no "
                                     "corresponding bottom axis to copy.", None, "reshape_param", "shape")
                new[start + i] = shape[start + i]
        if -1 in self.dims:
            i = start + self.dims.index(-1)
            explicit = count(new[:i]) * count(new[i + 1:])
            if explicit == 0 or bottom[0].count % explicit:
                raise self.error(f"cannot infer the -1 dim: bottom count ({bottom[0].count}) must be divisible by "
                                 f"the product of the specified dimensions ({explicit}).", None,
                                 "reshape_param", "shape")
            new[i] = bottom[0].count // explicit
        if count(new) != bottom[0].count:
            raise self.error(f"turns a bottom of shape {shape} into {tuple(new)}: output count must match input "
                             "count.", None, "reshape_param", "shape")
        top[0].reshape(new)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        copy_forward(bottom[0], top[0])

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if propagate_down[0]:
            copy_backward(top[0], bottom[0])
