"""Run one update rule directly, step by step, on float32 arrays."""

from __future__ import annotations

import numpy as np

from sgdtrain.updates import RULES


def steps(param, grads, rate, start_iter=0):
    """Apply RULES[param.type] to each gradient in turn (one param, no decay);
    returns ([Δ per step], history arrays)."""
    rule = RULES[param.type](param)
    shape = np.shape(grads[0])
    history = tuple(np.zeros(shape, np.float32) for _ in range(rule.history_sets))
    deltas = []
    for i, g in enumerate(grads):
        diff = np.array(g, np.float32)
        rule.compute_update_value(diff, history, np.float32(rate), start_iter + i)
        assert diff.dtype == np.float32 and all(h.dtype == np.float32 for h in history)
        deltas.append(diff.copy())
    return deltas, history
