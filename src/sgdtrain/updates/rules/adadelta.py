"""Caffe's AdaDelta (`adadelta_solver.cpp`): two history sets, μ = momentum."""

from __future__ import annotations

import numpy as np

from sgdtrain.updates.rules.base import F, UpdateRule


class AdaDelta(UpdateRule):
    """H1 ← μ·H1 + (1−μ)·g²
    u  = g · sqrt((H2 + δ) / (H1 + δ))      (quotient first, then the root)
    H2 ← μ·H2 + (1−μ)·u²                    (the update *before* the rate)
    Δ  = ℓ·u
    """

    type = "AdaDelta"
    history_sets = 2

    def compute_update_value(self, diff, history, local_rate, iter):
        h1, h2 = history
        mu, delta = self.momentum, self.delta
        one_minus = F(1) - mu
        h1 *= mu
        h1 += one_minus * (diff * diff)
        diff *= np.sqrt((h2 + delta) / (h1 + delta))  # diff now holds u
        h2 *= mu
        h2 += one_minus * (diff * diff)
        diff *= local_rate
