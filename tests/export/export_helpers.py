"""Helpers for the export tests: solvers from text, running snippets, sgdtrain's reference trajectories."""

from __future__ import annotations

import numpy as np

from sgdtrain.config.textformat import parse_text
from sgdtrain.errors import ConfigError
from sgdtrain.export import NetInfo, export_solver
from sgdtrain.proto import caffe_pb2
from sgdtrain.schedules import learning_rate
from sgdtrain.updates import Updater

# A net whose ip1 bias learns at twice the rate and is not decayed; "other" keeps Caffe's defaults.
GROUPED = NetInfo(mults={"ip1": [(1.0, 1.0), (2.0, 0.0)]}, batch_size=64, source="test net")

# One solver per Caffe policy, and the extensions, over runs of 250 iterations.
POLICIES = {
    "fixed": 'lr_policy: "fixed"',
    "step": 'lr_policy: "step" gamma: 0.5 stepsize: 30',
    "exp": 'lr_policy: "exp" gamma: 0.99',
    "inv": 'lr_policy: "inv" gamma: 0.0001 power: 0.75',
    "inv_steep": 'lr_policy: "inv" gamma: 0.05 power: 0.75',
    "multistep": 'lr_policy: "multistep" gamma: 0.5 stepvalue: 50 stepvalue: 100 stepvalue: 150 stepvalue: 200',
    "multistep_dup": 'lr_policy: "multistep" gamma: 0.5 stepvalue: 50 stepvalue: 50 stepvalue: 40 stepvalue: 120',
    "poly": 'lr_policy: "poly" power: 0.5',
    "poly_square": 'lr_policy: "poly" power: 2',
    "sigmoid": 'lr_policy: "sigmoid" gamma: 0.05 stepsize: 100',
}
EXTENSIONS = {
    "cosine": 'lr_policy: "cosine" cosine_floor: 0.1',
    "cosine_restarts": 'lr_policy: "cosine" cosine_period: 40',
    "cosine_sgdr": 'lr_policy: "cosine" cosine_period: 30 cosine_period_mult: 1.5',
    "cosine_shrinking": 'lr_policy: "cosine" cosine_period: 20 cosine_period_mult: 0.7',
    "warmup_inv": 'lr_policy: "inv" gamma: 0.05 power: 0.75 warmup_iter: 50 warmup_start_factor: 0.2',
    "warmup_fixed": 'lr_policy: "fixed" warmup_iter: 30',
    "min_lr_step": 'lr_policy: "step" gamma: 0.1 stepsize: 40 min_lr: 0.0002',
    "all_multistep": 'lr_policy: "multistep" gamma: 0.1 stepvalue: 60 stepvalue: 120 min_lr: 0.0003 '
                     'warmup_iter: 40 warmup_start_factor: 0.5',
}
MAX_ITER = 250


def solver(text: str, base: str = "max_iter: 250") -> caffe_pb2.SolverParameter:
    """A SolverParameter from prototxt text (floats float32-rounded, as a file gives them); base_lr 0.01 unless set."""
    if "base_lr" not in text and "base_lr" not in base:
        base += " base_lr: 0.01"
    return parse_text(f"{base} {text}", caffe_pb2.SolverParameter())


def extension_support(param: caffe_pb2.SolverParameter) -> str | None:
    """None when sgdtrain's learning_rate implements what `param` uses, else the reason it does not."""
    try:
        learning_rate(param, 0, 0)
    except ConfigError as exc:
        return f"sgdtrain's learning_rate does not support lr_policy {param.lr_policy!r} yet ({exc.problem})"
    probe = caffe_pb2.SolverParameter()
    probe.CopyFrom(param)
    probe.lr_policy, probe.base_lr = "fixed", 1.0
    probe.warmup_iter, probe.warmup_start_factor, probe.min_lr = 10, 0.5, 0.0
    if param.warmup_iter and learning_rate(probe, 0, 0)[0] != np.float32(0.5):
        return "sgdtrain's learning_rate does not apply warmup_iter yet"
    probe.warmup_iter, probe.base_lr, probe.min_lr = 0, 0.001, 0.01
    if param.min_lr and learning_rate(probe, 0, 0)[0] != np.float32(0.01):
        return "sgdtrain's learning_rate does not apply min_lr yet"
    return None


def sgdtrain_rates(param: caffe_pb2.SolverParameter, n: int) -> list[float]:
    """sgdtrain's rate for iterations 0..n-1, carrying current_step as the solver does."""
    out, current_step = [], 0
    for it in range(n):
        rate, current_step, _ = learning_rate(param, it, current_step)
        out.append(float(rate))
    return out


def run_snippet(code: str, **names) -> dict:
    """Execute a snippet with `names` (e.g. model=...) predefined; returns its namespace."""
    namespace = dict(names)
    exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


def torch_snippet(param, net=GROUPED, **names) -> dict:
    """Export `param` for PyTorch and run it around a TinyModel (unless `model` is given)."""
    import torch_models

    names.setdefault("model", torch_models.TinyModel())
    return run_snippet(export_solver(param, "pytorch", net).code, **names)


def gradients(shapes, n: int, iter_size: int = 1, scale: float = 1.0, seed: int = 0):
    """n iterations of iter_size float32 gradient sets, one array per shape."""
    rng = np.random.default_rng(seed)
    return [[[(rng.standard_normal(s) * scale).astype(np.float32) for s in shapes] for _ in range(iter_size)]
            for _ in range(n)]


def torch_adam_delta(param, it: int) -> np.float32:
    """The Caffe delta that torch's Adam eps amounts to at update `it`: eps * sqrt(1 - beta2^t), t = it + 1."""
    return np.float32(float(param.delta) * np.sqrt(1.0 - float(param.momentum2) ** (it + 1)))


def sgdtrain_trajectory(param, initial, mults, grads, delta_at=None) -> list[list[np.ndarray]]:
    """sgdtrain's Updater on the given gradients: the weights after each iteration.

    `delta_at(param, it)`, when given, replaces the rule's delta before each update (to model torch's Adam).
    """
    updater = Updater(param, [w.shape for w in initial], [m[0] for m in mults], [m[1] for m in mults])
    datas = [w.astype(np.float32).copy() for w in initial]
    out, current_step = [], 0
    for it, sub_batches in enumerate(grads):
        diffs = [np.zeros_like(w) for w in datas]
        for sub in sub_batches:  # Caffe accumulates the sub-batch gradients into diff
            for d, g in zip(diffs, sub):
                d += g
        rate, current_step, _ = learning_rate(param, it, current_step)
        if delta_at is not None:
            updater.rule.delta = delta_at(param, it)
        updater.apply(datas, diffs, rate, it)
        out.append([d.copy() for d in datas])
    return out
