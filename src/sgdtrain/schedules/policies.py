"""Caffe's seven learning-rate policies (`SGDSolver::GetLearningRate`).

Each policy is a small function `(param, iter, current_step) -> (rate, current_step)`:
`iter` is the number of updates already applied (0 for the first update) and
`current_step` is the solver's `current_step_`, which only `step` and
`multistep` change (it is saved in the .solverstate whatever the policy).

Precision follows Caffe's C++ overload resolution: the hyperparameters are
float32 (the proto fields already hold float32-rounded values).
`pow(float, int)` promotes to double, so step/multistep/exp are evaluated in
double and rounded once to float32. inv/poly call `pow(float, float)`, the
float overload (powf), and sigmoid `exp(float)` (expf), with every other
operation in float32 too; this is what makes the printed rates identical to
Caffe's (e.g. inv at iteration 40 prints 0.00997011, not 0.0099701).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sgdtrain.proto import caffe_pb2
from sgdtrain.schedules.libm import expf, powf

Param = caffe_pb2.SolverParameter
Policy = Callable[[Param, int, int], tuple[np.float32, int]]

_F = np.float32


def _pow(base: float, exponent: float) -> float:
    """C's double `pow`: NaN/inf instead of Python's complex results or exceptions."""
    with np.errstate(all="ignore"):
        return float(np.power(np.float64(base), np.float64(exponent)))


def _times_base_lr(param: Param, factor: float) -> np.float32:
    """`base_lr * factor` in double, rounded once to the float `rate`."""
    return _F(float(_F(param.base_lr)) * factor)


def fixed(param: Param, iter: int, current_step: int) -> tuple[np.float32, int]:
    """rate = base_lr"""
    return _F(param.base_lr), current_step


def step(param: Param, iter: int, current_step: int) -> tuple[np.float32, int]:
    """current_step = iter // stepsize;  rate = base_lr * gamma^current_step

    Caffe overwrites current_step_ on every call (integer division).
    """
    current_step = iter // param.stepsize
    return _times_base_lr(param, _pow(_F(param.gamma), current_step)), current_step


def exp(param: Param, iter: int, current_step: int) -> tuple[np.float32, int]:
    """rate = base_lr * gamma^iter"""
    return _times_base_lr(param, _pow(_F(param.gamma), iter)), current_step


def inv(param: Param, iter: int, current_step: int) -> tuple[np.float32, int]:
    """rate = base_lr * (1 + gamma*iter)^(-power), with 1 + gamma*iter formed in float32"""
    base = _F(1) + _F(param.gamma) * _F(iter)
    return _F(param.base_lr) * powf(base, -_F(param.power)), current_step


def multistep(param: Param, iter: int, current_step: int) -> tuple[np.float32, int]:
    """if current_step < len(stepvalue) and iter >= stepvalue[current_step]: current_step += 1
    rate = base_lr * gamma^current_step

    At most one step per call: duplicate or decreasing stepvalues, or a resume
    with a stale current_step, catch up one iteration at a time, as in Caffe.
    """
    if current_step < len(param.stepvalue) and iter >= param.stepvalue[current_step]:
        current_step += 1
    return _times_base_lr(param, _pow(_F(param.gamma), current_step)), current_step


def poly(param: Param, iter: int, current_step: int) -> tuple[np.float32, int]:
    """rate = base_lr * (1 - iter/max_iter)^power, with 1 - iter/max_iter formed in float32

    Past max_iter with a fractional power the result is NaN, as in Caffe.
    """
    with np.errstate(all="ignore"):  # max_iter 0 gives NaN/inf as in C (check_policy refuses it)
        base = _F(1) - _F(iter) / _F(param.max_iter)
    return _F(param.base_lr) * powf(base, _F(param.power)), current_step


def sigmoid(param: Param, iter: int, current_step: int) -> tuple[np.float32, int]:
    """rate = base_lr / (1 + exp(-gamma*(iter - stepsize))), the exponent formed in float32

    With gamma >= 0 (Caffe master's rule) it ramps up to base_lr, reaching half of it at stepsize.
    """
    exponent = -_F(param.gamma) * (_F(iter) - _F(param.stepsize))
    with np.errstate(over="ignore"):  # expf overflows to inf long before the ramp: rate 0, as in C
        return _F(param.base_lr) * (_F(1) / (_F(1) + expf(exponent))), current_step


# Caffe's names, in the order sgd_solver.cpp documents them.
POLICIES: dict[str, Policy] = {
    "fixed": fixed,
    "step": step,
    "exp": exp,
    "inv": inv,
    "multistep": multistep,
    "poly": poly,
    "sigmoid": sigmoid,
}
CAFFE_POLICIES = tuple(POLICIES)

from sgdtrain.schedules.extensions import EXTENSION_POLICIES  # noqa: E402  (they use this module's names)

POLICIES.update(EXTENSION_POLICIES)  # sgdtrain's extensions: cosine, plateau
