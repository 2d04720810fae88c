"""ContrastiveLoss: pulls similar pairs together, pushes dissimilar ones past a margin.

Bottoms a, b (N x C x 1 x 1) and y (N similarity labels, read as int: non-zero
means similar). With d_i^2 = ||a_i - b_i||^2 and margin m:
    loss = sum_i [y_i d_i^2 + (1 - y_i) max(m - d_i, 0)^2] / (2N)
    legacy_version: the dissimilar term is max(m - d_i^2, 0) instead.
Backward (alpha = +-loss_weight / N for a / b), per row:
    similar:    alpha (a - b)
    dissimilar: beta (a - b) where m - d > 0 (0 elsewhere), with
                beta = -alpha (m - d) / (d + 1e-4)   (Caffe's epsilon keeps d = 0 finite),
                legacy: beta = -alpha, active where m - d^2 > 0.
No gradient reaches the labels.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register


@register
class ContrastiveLossLayer(Layer):
    type = "ContrastiveLoss"
    exact_num_bottom = 3
    exact_num_top = 1
    is_loss = True
    auto_top_blobs = True

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.contrastive_loss_param
        self.margin = p.margin
        self.legacy = p.legacy_version

    def allow_force_backward(self, bottom_index: int) -> bool:
        # Unlike most losses, both feature inputs get gradients; only the labels do not.
        return bottom_index != 2

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        a, b, y = (blob.shape for blob in bottom)

        def flat_rows(shape: tuple[int, ...]) -> bool:
            return len(shape) >= 1 and all(d == 1 for d in shape[2:])

        if not (flat_rows(a) and flat_rows(b)) or a[1:2] != b[1:2]:
            raise self.error(f"needs two N x C x 1 x 1 feature bottoms of equal channels, got {a} and {b}.")
        if a[0] != b[0]:
            raise self.error(f"gets feature bottoms with different batch sizes ({a[0]} and {b[0]}); the data and "
                             "label should have the same first dimension.")
        if len(y) < 1 or any(d != 1 for d in y[1:]) or y[0] != a[0]:
            raise self.error(f"needs one similarity label per pair (an N x 1 x 1 x 1 bottom with N = {a[0]}), "
                             f"got shape {y}.")
        self.n = a[0]
        self.c = bottom[0].count // max(self.n, 1)
        top[0].reshape(())

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        a = bottom[0].data.reshape(self.n, self.c)
        b = bottom[1].data.reshape(self.n, self.c)
        dt = a.dtype.type
        self.diff = a - b
        self.dist_sq = np.einsum("ij,ij->i", self.diff, self.diff)
        # Caffe: static_cast<int>(label) != 0 means a similar pair.
        self.similar = bottom[2].data.reshape(self.n).astype(np.int64) != 0
        m = dt(self.margin)
        if self.legacy:
            away = np.maximum(m - self.dist_sq, dt(0))
        else:
            away = np.maximum(m - np.sqrt(self.dist_sq), dt(0)) ** 2
        per_pair = np.where(self.similar, self.dist_sq, away)
        top[0].data[...] = per_pair.sum(dtype=a.dtype) / dt(self.n) / dt(2)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        dt = self.diff.dtype.type
        m = dt(self.margin)
        if self.legacy:
            mdist = m - self.dist_sq
            factor = np.full_like(mdist, -1)
        else:
            dist = np.sqrt(self.dist_sq)
            mdist = m - dist
            factor = -mdist / (dist + dt(1e-4))
        # beta / alpha per row: 1 for similar pairs, `factor` for dissimilar pairs inside the margin, else 0.
        per_row = np.where(self.similar, dt(1), np.where(mdist > 0, factor, dt(0)))
        for i in (0, 1):
            if not propagate_down[i]:
                continue
            sign = 1 if i == 0 else -1
            alpha = dt(sign * top[0].diff.flat[0] / self.n)
            grad = (alpha * per_row)[:, None] * self.diff
            bottom[i].diff[...] = grad.reshape(bottom[i].shape)
