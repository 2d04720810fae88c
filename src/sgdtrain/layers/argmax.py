"""ArgMax: the indices (or values) of the top_k largest entries; no backward.

Without argmax_param.axis each sample (axis 0) is flattened: the top is
N x 1 x top_k (x 1 for higher-rank bottoms; at least 3 axes) holding indices, or
N x 2 x top_k with out_max_val (indices, then the values). With axis, the top is
the bottom's shape with that axis cut to top_k, holding indices, or the values
with out_max_val. Order: Caffe partial-sorts (value, index) pairs with
std::greater, so equal values list the higher index first.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.util import canonical_axis, count


@register
class ArgMaxLayer(Layer):
    type = "ArgMax"
    exact_num_bottom = 1
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.argmax_param
        self.out_max_val = p.out_max_val
        self.top_k = p.top_k
        self.axis = None
        if self.top_k < 1:
            raise self.error("has top_k 0; top k must not be less than 1.", None, "argmax_param", "top_k")
        shape = bottom[0].shape
        if p.HasField("axis"):
            try:
                self.axis = canonical_axis(p.axis, len(shape))
            except ValueError as exc:
                raise self.error(f"has an invalid axis: {exc}.", None, "argmax_param", "axis") from None
            if self.top_k > shape[self.axis]:
                raise self.error(f"has top_k {self.top_k}; top_k must be less than or equal to the dimension of "
                                 f"the axis ({shape[self.axis]}).", None, "argmax_param", "top_k")
        elif self.top_k > count(shape, 1):
            raise self.error(f"has top_k {self.top_k}; top_k must be less than or equal to the dimension of the "
                             f"flattened bottom blob per instance ({count(shape, 1)}).", None, "argmax_param", "top_k")

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        shape = bottom[0].shape
        if self.axis is not None:
            out = list(shape)
            out[self.axis] = self.top_k
        else:
            out = [1] * max(len(shape), 3)
            out[0] = shape[0]
            out[1] = 2 if self.out_max_val else 1
            out[2] = self.top_k
        top[0].reshape(out)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data
        if self.axis is None:
            x = x.reshape(x.shape[0], -1)
            axis = 1
        else:
            axis = self.axis
        dim = x.shape[axis]
        # Descending value, ties by descending index: a stable sort of the reversed
        # axis on the negated values keeps higher indices first among equals.
        rev = np.flip(x, axis=axis)
        order = np.argsort(-rev, axis=axis, kind="stable")
        order = np.take(order, np.arange(self.top_k), axis=axis)
        values = np.take_along_axis(rev, order, axis=axis)
        index = (dim - 1 - order).astype(x.dtype)
        y = top[0].data
        if self.axis is not None:
            y[...] = values if self.out_max_val else index
        elif self.out_max_val:
            y.reshape(x.shape[0], 2, self.top_k)[...] = np.stack([index, values], axis=1)
        else:
            y.reshape(x.shape[0], self.top_k)[...] = index
