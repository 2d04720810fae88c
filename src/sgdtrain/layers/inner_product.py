"""InnerProduct (fully connected): y = x W^T + b over the axes from `axis` on.

Bottom axes from `axis` onward are flattened into K inputs; with
`transpose: false` W is N x K, with `transpose: true` it is stored K x N.
Backward: dW += dy^T x (x^T dy when transposed), db += sum over rows of dy,
dx = dy W (dy W^T when transposed).
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.util import canonical_axis, count


@register
class InnerProductLayer(Layer):
    type = "InnerProduct"
    exact_num_bottom = 1
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.inner_product_param
        if not p.HasField("num_output") or p.num_output == 0:
            raise self.error("needs inner_product_param { num_output: N } (N > 0).", None, "inner_product_param")
        self.num_output = p.num_output
        self.bias_term = p.bias_term
        self.transpose = p.transpose
        try:
            self.axis = canonical_axis(p.axis, bottom[0].data.ndim)
        except ValueError as exc:
            raise self.error(f"has an invalid axis: {exc}.") from None
        k = count(bottom[0].shape, self.axis)
        w_shape = (k, self.num_output) if self.transpose else (self.num_output, k)
        shapes = [w_shape] + ([(self.num_output,)] if self.bias_term else [])
        if not self.check_stored_blobs(shapes):
            self.blobs = [self.new_param_blob(w_shape, p.weight_filler if p.HasField("weight_filler") else None,
                                              "inner_product_param", "weight_filler")]
            if self.bias_term:
                self.blobs.append(self.new_param_blob((self.num_output,), p.bias_filler if p.HasField("bias_filler")
                                                      else None, "inner_product_param", "bias_filler"))
        self.k = k

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        shape = bottom[0].shape
        k = count(shape, self.axis)
        if k != self.k:
            raise self.error(f"gets {k} inputs per row, but its weights were made for {self.k}.",
                             "Input size incompatible with inner product parameters; check the bottom's shape.")
        self.m = count(shape, 0, self.axis)
        top[0].reshape(shape[: self.axis] + (self.num_output,))

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data.reshape(self.m, self.k)
        w = self.blobs[0].data
        y = top[0].data.reshape(self.m, self.num_output)
        np.matmul(x, w if self.transpose else w.T, out=y)
        if self.bias_term:
            y += self.blobs[1].data

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        dy = top[0].diff.reshape(self.m, self.num_output)
        x = bottom[0].data.reshape(self.m, self.k)
        w = self.blobs[0]
        if self.transpose:
            w.diff += x.T @ dy
        else:
            w.diff += dy.T @ x
        if self.bias_term:
            self.blobs[1].diff += dy.sum(axis=0)
        if propagate_down[0]:
            dx = dy @ (w.data.T if self.transpose else w.data)
            bottom[0].diff[...] = dx.reshape(bottom[0].shape)
