"""Caffe's Nesterov (`nesterov_solver.cpp`)."""

from __future__ import annotations

from sgdtrain.updates.rules.base import F, UpdateRule


class Nesterov(UpdateRule):
    """H_old = H;  H ← μ·H + ℓ·g;  Δ = (1+μ)·H − μ·H_old   (= μ·H + ℓ·g)"""

    type = "Nesterov"

    def compute_update_value(self, diff, history, local_rate, iter):
        (h,) = history
        mu = self.momentum
        h_old = h.copy()
        h *= mu
        h += local_rate * diff
        # caffe_cpu_axpby(1+μ, H, −μ, H_old): −μ·H_old first, then + (1+μ)·H.
        diff[...] = -mu * h_old
        diff += (F(1) + mu) * h
