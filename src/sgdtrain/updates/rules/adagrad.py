"""Caffe's AdaGrad (`adagrad_solver.cpp`); momentum must be 0."""

from __future__ import annotations

import numpy as np

from sgdtrain.updates.rules.base import UpdateRule


class AdaGrad(UpdateRule):
    """H ← H + g²;  Δ = ℓ · g / (sqrt(H) + δ)"""

    type = "AdaGrad"

    def compute_update_value(self, diff, history, local_rate, iter):
        (h,) = history
        h += diff * diff
        denom = np.sqrt(h)
        denom += self.delta
        np.divide(diff, denom, out=diff)
        diff *= local_rate
