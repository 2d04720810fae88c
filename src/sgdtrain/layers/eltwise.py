"""Eltwise: element-wise PROD, SUM (with optional per-bottom coeff) or MAX.

PROD: y = x0 * x1 * ...;  dx_i = dy * prod_{j != i} x_j (stable_prod_grad,
      the default) or dy * y / x_i.
SUM:  y = sum_i coeff_i x_i;  dx_i = coeff_i dy.
MAX:  y = max_i x_i;  dx_i = dy where bottom i won, else 0. Caffe compares
      bottoms 0 and 1 with `a > b ? 0 : 1` (a tie goes to bottom 1); later
      bottoms win only when strictly greater (a tie keeps the earlier winner).
coeff needs one value per bottom; Caffe rejects it for PROD and ignores it
for MAX (it is accepted there, as in Caffe).
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.proto import caffe_pb2

E = caffe_pb2.EltwiseParameter


@register
class EltwiseLayer(Layer):
    type = "Eltwise"
    min_bottom = 2
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.eltwise_param
        if len(p.coeff) not in (0, len(bottom)):
            raise self.error(f"has {len(p.coeff)} coeff values for {len(bottom)} bottoms; Eltwise Layer takes one "
                             "coefficient per bottom blob.", None, "eltwise_param", "coeff")
        if p.operation == E.PROD and len(p.coeff):
            raise self.error("sets coeff with operation PROD; Eltwise layer only takes coefficients for summation.",
                             "Remove coeff, or use operation: SUM.", "eltwise_param", "coeff")
        self.op = p.operation
        self.coeffs = [float(c) for c in p.coeff] or [1.0] * len(bottom)
        self.stable_prod_grad = p.stable_prod_grad

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        for i, b in enumerate(bottom[1:], 1):
            if b.shape != bottom[0].shape:
                raise self.error(f"needs bottoms of one shape; bottom[0]: {bottom[0].shape_string()}, "
                                 f"bottom[{i}]: {b.shape_string()}.")
        if top[0] is not bottom[0]:
            top[0].reshape(bottom[0].shape, channels_last=bottom[0].channels_last)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        xs = [b.data for b in bottom]
        if self.op == E.PROD:
            y = xs[0] * xs[1]
            for x in xs[2:]:
                y *= x
        elif self.op == E.SUM:
            y = np.zeros_like(xs[0])
            for c, x in zip(self.coeffs, xs):
                y += x if c == 1 else x.dtype.type(c) * x  # Caffe's axpy; c * x is exact for c = 1
        else:
            first = xs[0] > xs[1]
            y = np.where(first, xs[0], xs[1])
            self.max_idx = np.where(first, 0, 1).astype(np.int32)
            for i, x in enumerate(xs[2:], 2):
                wins = x > y
                y = np.where(wins, x, y)
                self.max_idx[wins] = i
        np.copyto(top[0].data, y)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        dy = top[0].diff
        for i, b in enumerate(bottom):
            if not propagate_down[i]:
                continue
            if self.op == E.PROD:
                if self.stable_prod_grad:
                    others = [o.data for j, o in enumerate(bottom) if j != i]
                    g = others[0].copy()
                    for o in others[1:]:
                        g *= o
                else:
                    g = top[0].data / b.data
                np.multiply(g, dy, out=b.diff)
            elif self.op == E.SUM:
                c = self.coeffs[i]
                np.copyto(b.diff, dy if c == 1 else dy.dtype.type(c) * dy)
            else:
                np.copyto(b.diff, np.where(self.max_idx == i, dy, 0))
