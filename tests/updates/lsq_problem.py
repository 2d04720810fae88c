"""Caffe's least-squares solver problem (test_gradient_based_solver.cpp, §8), in numpy.

A linear model with D = 30 inputs plus a bias, N = 4 rows per batch, drawn in
order from 8 fixed rows (so the data repeats every 2 iterations). The loss is
E = ||Xw + b − y||² / (2N) (EuclideanLoss); the test computes the gradient
(1/N)[XᵀX w − Xᵀy] itself, in float64, and the Updater adds the weight decay.
"""

from __future__ import annotations

import numpy as np
from ref_rules import solver

from sgdtrain.updates import Updater

D, N, ROWS = 30, 4, 8

CASES = {  # (type, lr, weight_decay λ, momentum μ) as in Caffe's test, plus AdamW
    "SGD-momentum-0.5": ("SGD", 0.01, 0.5, 0.5),
    "SGD-momentum-0.9": ("SGD", 0.01, 0.5, 0.9),
    "SGD-lr-1": ("SGD", 1.0, 0.0, 0.0),
    "Nesterov": ("Nesterov", 0.01, 0.5, 0.9),
    "AdaGrad": ("AdaGrad", 0.01, 0.5, 0.0),
    "RMSProp": ("RMSProp", 0.01, 0.5, 0.0),
    "AdaDelta": ("AdaDelta", 0.1, 0.1, 0.95),
    "Adam": ("Adam", 0.01, 0.5, 0.9),
    "AdamW": ("AdamW", 0.01, 0.5, 0.9),
}


def make(kind, lr, decay, momentum):
    fields = dict(base_lr=lr, lr_policy="fixed", weight_decay=decay, momentum=momentum)
    if kind == "RMSProp":
        fields["rms_decay"] = 0.95  # as Caffe's RMSProp tests force
    if kind in ("Adam", "AdamW"):
        fields["momentum2"] = 0.999
    return solver(kind, **fields)


class Problem:
    def __init__(self, seed: int = 1701):
        rng = np.random.default_rng(seed)
        self.x = rng.standard_normal((ROWS, D)).astype(np.float32)
        self.y = rng.standard_normal(ROWS).astype(np.float32)
        # Caffe's fillers: gaussian std 1 for both the weights (1 x D) and the bias (1).
        self.w0 = rng.standard_normal((1, D)).astype(np.float32)
        self.b0 = rng.standard_normal(1).astype(np.float32)

    def batch(self, iteration: int, part: int = 0, iter_size: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Rows of sub-batch `part` of `iteration`: an augmented X (with a ones column) and y, in float64."""
        n = N // iter_size
        start = iteration * N + part * n
        rows = [(start + r) % ROWS for r in range(n)]
        xa = np.hstack([self.x[rows], np.ones((n, 1), np.float32)]).astype(np.float64)
        return xa, self.y[rows].astype(np.float64)

    @staticmethod
    def data_gradient(xa: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """(1/n)[XᵀX θ − Xᵀy] for θ = (w, b), in float64, as one vector of D+1 coordinates."""
        theta = np.concatenate([np.ravel(w), np.ravel(b)]).astype(np.float64)
        return (xa.T @ xa @ theta - xa.T @ y) / len(y)

    def run(self, param, iters: int) -> tuple[list[np.ndarray], list[np.ndarray], Updater]:
        """`iters` updates at the fixed rate base_lr; returns (datas, diffs, updater)."""
        datas = [self.w0.copy(), self.b0.copy()]
        diffs = [np.zeros_like(d) for d in datas]
        updater = Updater(param, [d.shape for d in datas], [1.0, 1.0], [1.0, 1.0])
        iter_size = max(param.iter_size, 1)
        for k in range(iters):
            for d in diffs:  # ClearParamDiffs, then the layers accumulate
                d[...] = 0
            for part in range(iter_size):
                g = self.data_gradient(*self.batch(k, part, iter_size), *datas).astype(np.float32)
                diffs[0] += g[:D].reshape(1, D)
                diffs[1] += g[D:]
            updater.apply(datas, diffs, np.float32(param.base_lr), k)
        return datas, diffs, updater
