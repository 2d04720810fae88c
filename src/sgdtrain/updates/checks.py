"""Checks of the update-rule fields, with messages that name the field, the rule and the fix.

These are the CHECKs Caffe makes when it builds a solver (unknown type,
momentum with AdaGrad/RMSProp, rms_decay range) or at the first update
(regularization_type), made up front. `delta` should be > 0 for the adaptive
rules (it keeps the divisions finite) but, as in Caffe, it is not checked.
"""

from __future__ import annotations

from collections.abc import Callable

from sgdtrain.errors import ConfigError, Where
from sgdtrain.proto import caffe_pb2
from sgdtrain.updates.rules import CAFFE_TYPES, RULES

WhereOf = Callable[[str], Where]


def known_types() -> tuple[str, ...]:
    """The solver `type` names, sorted as Caffe's registry lists them (AdamW included)."""
    return tuple(sorted(RULES))


def _check_type(param: caffe_pb2.SolverParameter, where: WhereOf) -> None:
    name = param.type
    if name in RULES:
        return
    close = [k for k in RULES if k.lower() == name.lower()]
    fix = (f"Did you mean `type: \"{close[0]}\"`? Types are case-sensitive." if close
           else "Set `type` to one of those names, e.g. `type: \"SGD\"` (the default).")
    raise ConfigError(
        f"Unknown solver type: {name} (known types: {', '.join(CAFFE_TYPES)}); "
        "sgdtrain also accepts AdamW, its documented extension (Adam with decoupled weight decay).",
        where=where("type"),
        fix=fix,
    )


def check_rule(param: caffe_pb2.SolverParameter, where: WhereOf) -> None:
    """Refuse a solver `type` and fields its update rule cannot use (ConfigError, exit status 2)."""
    _check_type(param, where)
    name = param.type
    if name in ("AdaGrad", "RMSProp") and param.momentum != 0:
        raise ConfigError(
            f"`momentum: {param.momentum:g}` is invalid for type \"{name}\": momentum must be exactly 0 "
            f"(Caffe: \"Momentum cannot be used with {name}.\").",
            where=where("momentum"),
            fix="Remove the `momentum` line (or write `momentum: 0`); for momentum with per-weight "
                "rates use type \"Adam\".",
        )
    if name == "RMSProp" and not 0 <= param.rms_decay < 1:
        raise ConfigError(
            f"`rms_decay: {param.rms_decay:g}` is invalid for type \"RMSProp\": rms_decay must lie in [0, 1) "
            "(Caffe: \"rms_decay should lie between 0 and 1.\").",
            where=where("rms_decay"),
            fix="Use e.g. `rms_decay: 0.99` (the default) or `rms_decay: 0.95`.",
        )
    reg = param.regularization_type
    if param.weight_decay != 0 and reg not in ("L2", "L1"):
        raise ConfigError(
            f"`regularization_type: \"{reg}\"` is invalid: it must be \"L2\" or \"L1\" when weight_decay is "
            f"non-zero (Caffe: \"Unknown regularization type: {reg}\").",
            where=where("regularization_type"),
            fix="Use `regularization_type: \"L2\"` (the default) or \"L1\"; the names are case-sensitive.",
        )
    if param.weight_decay != 0 and reg == "L1" and RULES[name].decoupled_decay:
        raise ConfigError(
            f"`regularization_type: \"L1\"` is invalid for type \"{name}\": its weight decay is decoupled and "
            "multiplicative (W ← (1 − lr·weight_decay)·W), which has no L1 form.",
            where=where("regularization_type"),
            fix="Remove `regularization_type` (L2 is the default), or use type \"Adam\" for L1 on the gradient.",
        )
