"""Caffe's RMSProp (`rmsprop_solver.cpp`); momentum must be 0, rms_decay in [0, 1)."""

from __future__ import annotations

import numpy as np

from sgdtrain.updates.rules.base import F, UpdateRule


class RMSProp(UpdateRule):
    """H ← ρ·H + (1−ρ)·g²  (ρ = rms_decay);  Δ = ℓ · g / (sqrt(H) + δ)"""

    type = "RMSProp"

    def __init__(self, param):
        super().__init__(param)
        self.rms_decay = F(param.rms_decay)

    def compute_update_value(self, diff, history, local_rate, iter):
        (h,) = history
        rho = self.rms_decay
        h *= rho
        h += (F(1) - rho) * (diff * diff)
        denom = np.sqrt(h)
        denom += self.delta
        np.divide(diff, denom, out=diff)
        diff *= local_rate
