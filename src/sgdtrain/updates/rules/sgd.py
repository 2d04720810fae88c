"""Caffe's SGD (`sgd_solver.cpp`): momentum with the learning rate inside the history."""

from __future__ import annotations

from sgdtrain.updates.rules.base import UpdateRule


class SGD(UpdateRule):
    """H ← μ·H + ℓ·g;  Δ = H

    The rate goes *into* H (Caffe's convention; PyTorch keeps H ← μH + g and
    steps lr·H, which differs as soon as the rate changes).
    """

    type = "SGD"

    def compute_update_value(self, diff, history, local_rate, iter):
        (h,) = history
        # caffe_cpu_axpby(ℓ, g, μ, H): scale H by μ first, then add ℓ·g.
        h *= self.momentum
        h += local_rate * diff
        diff[...] = h
