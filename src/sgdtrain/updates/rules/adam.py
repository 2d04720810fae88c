"""Caffe's Adam (`adam_solver.cpp`): two history sets (m, then v)."""

from __future__ import annotations

import numpy as np

from sgdtrain.updates.rules.base import F, UpdateRule


def bias_correction(beta1: np.float32, beta2: np.float32, t: int) -> np.float32:
    """sqrt(1 − β2^t) / (1 − β1^t), in double as C++'s pow(float, int), rounded to float32."""
    b1, b2 = np.float64(beta1), np.float64(beta2)
    with np.errstate(all="ignore"):  # β1 = 1 divides by zero: inf, as in C
        return F(np.sqrt(1.0 - b2**t) / (1.0 - b1**t))


class Adam(UpdateRule):
    """t = iter + 1
    m ← β1·m + (1−β1)·g;   v ← β2·v + (1−β2)·g²
    Δ = ℓ · sqrt(1−β2^t)/(1−β1^t) · m / (sqrt(v) + δ)

    β1 = momentum (0 when unset), β2 = momentum2. δ is added to the
    *uncorrected* sqrt(v) (Kingma & Ba's ε̂ form), not to sqrt(v̂) as PyTorch does.
    """

    type = "Adam"
    history_sets = 2

    def __init__(self, param):
        super().__init__(param)
        self.beta1 = self.momentum
        self.beta2 = F(param.momentum2)

    def compute_update_value(self, diff, history, local_rate, iter):
        m, v = history
        b1, b2 = self.beta1, self.beta2
        step = local_rate * bias_correction(b1, b2, iter + 1)  # float32, as Caffe's local_rate*correction
        m *= b1
        m += (F(1) - b1) * diff
        v *= b2
        v += (F(1) - b2) * (diff * diff)
        denom = np.sqrt(v)
        denom += self.delta
        np.divide(m, denom, out=diff)
        diff *= step
