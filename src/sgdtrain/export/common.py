"""What both exporters share: the result type, number spelling, the solver's settings in words, checks.

`Export` is what every exporter returns: the snippet (Python source) and the
warnings (one paragraph each) where the target framework cannot do exactly
what Caffe does or the user must act. `check_exportable` refuses what the
snippets cannot express, with sgdtrain's one-paragraph ConfigErrors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sgdtrain.errors import ConfigError, Where
from sgdtrain.proto import caffe_pb2
from sgdtrain.schedules import check_policy
from sgdtrain.updates import check_rule

Param = caffe_pb2.SolverParameter
WhereOf = Callable[[str], Where]

CAFFE_POLICIES = ("fixed", "step", "exp", "inv", "multistep", "poly", "sigmoid")
EXTENSION_POLICIES = ("cosine", "plateau")
# Epoch fields that change the learning rate (the others only move tests and snapshots).
LR_EPOCH_FIELDS = (("max_epoch", "max_iter"), ("stepsize_epoch", "stepsize"))


@dataclass
class Export:
    """A ready-to-paste snippet and the warnings that go with it."""

    code: str
    warnings: list[str] = field(default_factory=list)


def num(value: float) -> str:
    """A float32 field as Python source: its shortest float32 spelling (0.0001, not 9.99999974737875e-05)."""
    return repr(float(str(np.float32(value))))


def exact(value: float) -> str:
    """A float32 field as Python source, exactly the double sgdtrain computes with (for rounding-sensitive uses)."""
    short = num(value)
    return short if float(short) == float(np.float32(value)) else repr(float(np.float32(value)))


def rate_varies(param: Param) -> bool:
    """Whether the rate can change during the run (anything but a fixed policy without warm-up)."""
    return param.lr_policy != "fixed" or param.warmup_iter > 0


def optimizer_constants(param: Param, beta_names: tuple[str, str]) -> list[str]:
    """The solver's update settings as Python constants (the betas named as the framework names them)."""
    t = param.type
    lines = []
    if t in ("SGD", "Nesterov", "AdaDelta", "Adam", "AdamW"):
        lines.append(f"MOMENTUM = {num(param.momentum)}" + (f"  # {beta_names[0]}" if t in ("Adam", "AdamW") else ""))
    if t in ("Adam", "AdamW"):
        lines.append(f"MOMENTUM2 = {num(param.momentum2)}  # {beta_names[1]}")
    if t == "RMSProp":
        lines.append(f"RMS_DECAY = {num(param.rms_decay)}")
    if t in ("AdaGrad", "RMSProp", "AdaDelta", "Adam", "AdamW"):
        lines.append(f"DELTA = {num(param.delta)}")
    lines.append(f"WEIGHT_DECAY = {num(param.weight_decay)}  # {param.regularization_type}"
                 + (", decoupled (AdamW)" if t == "AdamW" else ""))
    if param.clip_gradients >= 0:
        lines.append(f"CLIP_GRADIENTS = {num(param.clip_gradients)}")
    return lines


def effective_stepvalues(stepvalues: list[int]) -> list[int]:
    """The iterations at which Caffe's multistep really advances, for a run from iteration 0.

    Caffe advances current_step by at most one per iteration, when iter >= stepvalue[current_step]:
    the k-th advance happens at max(stepvalue[k], previous advance + 1).
    """
    out: list[int] = []
    for s in stepvalues:
        out.append(max(s, out[-1] + 1) if out else s)
    return out


def summary(param: Param) -> str:
    """One line describing the solver, for the snippet's header."""
    parts = [f'type "{param.type}"', f'lr_policy "{param.lr_policy}"', f"base_lr {num(param.base_lr)}"]
    if param.type in ("SGD", "Nesterov", "AdaDelta", "Adam", "AdamW") and param.momentum:
        parts.append(f"momentum {num(param.momentum)}")
    if param.weight_decay:
        parts.append(f"weight_decay {num(param.weight_decay)} ({param.regularization_type})")
    parts.append(f"max_iter {param.max_iter}")
    return ", ".join(parts)


def _checkable_copy(param: Param) -> Param:
    """A copy with the iteration fields that epoch fields will set filled in, so checks can run."""
    copy = Param()
    copy.CopyFrom(param)
    for epoch_field, iter_field in LR_EPOCH_FIELDS:
        if param.HasField(epoch_field) and getattr(param, iter_field) <= 0:
            setattr(copy, iter_field, 1)
    return copy


def check_exportable(param: Param, where: WhereOf) -> None:
    """Refuse solvers the snippets cannot express (ConfigError, exit status 2)."""
    if param.base_lr == 0:
        raise ConfigError(
            "`base_lr` is 0 (or unset): there is no learning rate to export, and the schedule code divides by it.",
            where=where("base_lr"),
            fix="Set `base_lr`, e.g. `base_lr: 0.01`.",
        )
    check_rule(param, where)
    copy = _checkable_copy(param)
    policy = param.lr_policy
    if policy in EXTENSION_POLICIES:
        _check_extension_policy(copy, where)
    elif policy not in CAFFE_POLICIES and policy:
        raise ConfigError(
            f"unknown `lr_policy: \"{policy}\"`.",
            where=where("lr_policy"),
            fix="Use one of " + ", ".join(CAFFE_POLICIES + EXTENSION_POLICIES) + " (names are case-sensitive).",
        )
    else:
        check_policy(copy, where)
    if param.warmup_iter < 0:
        raise ConfigError(f"`warmup_iter: {param.warmup_iter}` is negative.", where=where("warmup_iter"),
                          fix="Use 0 (no warm-up) or the number of warm-up iterations.")


def _check_extension_policy(param: Param, where: WhereOf) -> None:
    if param.lr_policy == "cosine" and param.cosine_period <= 0 and param.max_iter <= 0:
        raise ConfigError(
            "lr_policy \"cosine\" needs `cosine_period` or `max_iter` (the length of the cosine period).",
            where=where("cosine_period"),
            fix="Set `max_iter` (one period over the run) or `cosine_period`.",
        )
    if param.lr_policy == "cosine" and param.cosine_period > 0 and param.cosine_period_mult <= 0:
        raise ConfigError(
            f"`cosine_period_mult: {param.cosine_period_mult:g}` must be > 0.",
            where=where("cosine_period_mult"),
            fix="Use 1 for equal periods, or e.g. 2 to double each period after a restart.",
        )
    if param.lr_policy == "plateau" and not 0 < param.gamma < 1:
        raise ConfigError(
            f"`gamma: {param.gamma:g}` cannot be exported for lr_policy \"plateau\": the factor applied at each "
            "plateau must lie in (0, 1) (PyTorch's ReduceLROnPlateau refuses anything else).",
            where=where("gamma"),
            fix="Use e.g. `gamma: 0.1`.",
        )


_HIGHER_IS_BETTER = re.compile(r"acc|precision|recall|auc|map|f1|iou", re.IGNORECASE)


def resolve_mode(metric: str, mode: str) -> str:
    """"min" or "max" for a monitored test output: as sgdtrain's monitors decide (accuracy-like names: max)."""
    if mode in ("min", "max"):
        return mode
    return "max" if _HIGHER_IS_BETTER.search(metric) else "min"
