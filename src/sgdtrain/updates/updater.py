"""`Updater`: Caffe's `SGDSolver::ApplyUpdate` after the learning rate is known."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sgdtrain.errors import Where
from sgdtrain.proto import caffe_pb2
from sgdtrain.updates import fused
from sgdtrain.updates.checks import check_rule
from sgdtrain.updates.rules import RULES
from sgdtrain.updates.rules.sgd import SGD
from sgdtrain.updates.steps import clip_gradients, decay_weights, normalize, regularize

_F = np.float32


def _field(name: str) -> Where:
    return Where(field=name)


class Updater:
    """Applies one update to all learnable params, in Caffe's order:

        clip_gradients(all diffs)                         if clip_gradients >= 0
        for each param i:
            normalize(diff, iter_size)                    diff *= 1/iter_size
            regularize(diff, W, λ·decay_mult_i)           skipped by AdamW (decoupled decay)
            rule(diff, history_i, rate·lr_mult_i, iter)   diff <- Δ
            decay_weights(...)                            AdamW only: Δ += ℓ·λ_i·W
        W -= Δ for every param                            (diff keeps Δ, as Caffe leaves it)

    `history` is Caffe's history_ vector: the first set for all params, then
    the second set (AdaDelta, Adam, AdamW) — the order a .solverstate stores.
    """

    def __init__(self, param: caffe_pb2.SolverParameter, shapes: Sequence[tuple[int, ...]],
                 lr_mults: Sequence[float], decay_mults: Sequence[float]):
        check_rule(param, _field)
        if not len(shapes) == len(lr_mults) == len(decay_mults):
            raise ValueError(f"{len(shapes)} shapes, {len(lr_mults)} lr_mults, {len(decay_mults)} decay_mults")
        self.rule = RULES[param.type](param)
        self.clip = _F(param.clip_gradients)
        self.iter_size = param.iter_size
        self.weight_decay = _F(param.weight_decay)
        self.regularization_type = param.regularization_type
        self.lr_mults = [_F(m) for m in lr_mults]
        self.decay_mults = [_F(m) for m in decay_mults]
        self.history: list[np.ndarray] = [
            np.zeros(tuple(s), np.float32) for _ in range(self.rule.history_sets) for s in shapes
        ]

    def history_of(self, i: int) -> tuple[np.ndarray, ...]:
        """Param i's history arrays: history[i], then history[i + P] for two-set rules."""
        p = len(self.lr_mults)
        return tuple(self.history[i + k * p] for k in range(self.rule.history_sets))

    def apply(self, datas: Sequence[np.ndarray], diffs: Sequence[np.ndarray], rate: np.float32,
              iter: int) -> tuple[float, float] | None:
        """One update with learning rate `rate` after `iter` updates; returns clip_gradients' (norm, scale)."""
        if not len(datas) == len(diffs) == len(self.lr_mults):
            raise ValueError(f"{len(datas)} datas and {len(diffs)} diffs for {len(self.lr_mults)} params")
        if any(a.dtype != np.float32 for a in (*datas, *diffs)):
            raise TypeError("Updater.apply needs float32 data and diff arrays (Caffe's arithmetic is float32)")
        rate = _F(rate)
        clipped = clip_gradients(list(diffs), self.clip)
        rule = self.rule
        # SGD with L2 decay (the common case) as one compiled pass per param when the kernels are on
        one_pass = type(rule) is SGD and self.regularization_type == "L2"
        for i, (data, diff) in enumerate(zip(datas, diffs)):
            local_rate = rate * self.lr_mults[i]
            local_decay = self.weight_decay * self.decay_mults[i]
            normalize(diff, self.iter_size)
            if one_pass and fused.sgd_l2(data, diff, self.history_of(i)[0], local_decay, rule.momentum, local_rate):
                continue
            if not rule.decoupled_decay:
                regularize(diff, data, local_decay, self.regularization_type)
            rule.compute_update_value(diff, self.history_of(i), local_rate, iter)
            if rule.decoupled_decay:
                decay_weights(diff, data, local_rate, local_decay)
        for data, diff in zip(datas, diffs):  # net->Update(): all Δ are formed before any W moves
            data -= diff
        return clipped
