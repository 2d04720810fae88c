"""sgdtrain's schedule extensions (SolverParameter fields 1000+), composable with Caffe's policies.

* lr_policy "cosine": base_lr * (c + (1 - c) * (1 + cos(pi * t / T)) / 2), with c = cosine_floor
  (a fraction of base_lr), T = cosine_period (0: max_iter) and t the iterations into the current
  period; after each period the schedule restarts with a period cosine_period_mult times longer
  (Loshchilov & Hutter's SGDR).
* lr_policy "plateau": base_lr * gamma^current_step, where the solver advances current_step (the
  field Caffe's multistep uses, saved in every .solverstate) whenever the test output
  plateau_metric has not improved for plateau_patience tests. A pure function of the counter.
* min_lr: a floor under the policy's rate, rate = max(rate, min_lr).
* warm-up: for iter < warmup_iter the (floored) rate is multiplied by
  f + (1 - f) * iter / warmup_iter, with f = warmup_start_factor; it reaches the policy's rate at
  iter = warmup_iter. Works with every policy.

These run in double precision and round once to float32: Caffe has no formula to match here.
"""

from __future__ import annotations

import math

import numpy as np

from sgdtrain.proto import caffe_pb2

Param = caffe_pb2.SolverParameter
_F = np.float32


def cosine_position(param: Param, iter: int) -> tuple[int, int]:
    """(t, T): the iterations into the current cosine period and that period's length.

    Without cosine_period the one period is the run itself: no restart, and the rate
    reaches its floor at max_iter."""
    if param.cosine_period <= 0:
        if param.max_iter <= 0:
            return 0, 1
        return min(iter, param.max_iter), param.max_iter
    period = param.cosine_period
    mult = float(param.cosine_period_mult)
    t = iter
    while t >= period:
        t -= period
        if mult == 1.0:
            t %= period
            break
        period = max(1, int(round(period * mult)))
    return t, period


def cosine(param: Param, iter: int, current_step: int) -> tuple[np.float32, int]:
    """rate = base_lr * (c + (1 - c) * (1 + cos(pi * t / T)) / 2), restarting every period (module docstring)."""
    t, period = cosine_position(param, iter)
    c = float(param.cosine_floor)
    factor = c + (1 - c) * (1 + math.cos(math.pi * t / period)) / 2
    return _F(float(_F(param.base_lr)) * factor), current_step


def plateau(param: Param, iter: int, current_step: int) -> tuple[np.float32, int]:
    """rate = base_lr * gamma^current_step; the solver counts the plateaus into current_step."""
    return _F(float(_F(param.base_lr)) * float(_F(param.gamma)) ** current_step), current_step


def warmup_factor(param: Param, iter: int) -> float:
    """f + (1 - f) * iter / warmup_iter during the warm-up, 1 afterwards."""
    if param.warmup_iter <= 0 or iter >= param.warmup_iter:
        return 1.0
    f = float(_F(param.warmup_start_factor))
    return f + (1 - f) * iter / param.warmup_iter


def finish(param: Param, rate: np.float32, iter: int) -> np.float32:
    """Apply min_lr and the warm-up to a policy's rate (identity when neither is set)."""
    if param.min_lr > 0:
        rate = max(rate, _F(param.min_lr))
    factor = warmup_factor(param, iter)
    if factor != 1.0:
        rate = _F(float(rate) * factor)
    return _F(rate)


EXTENSION_POLICIES = {"cosine": cosine, "plateau": plateau}
