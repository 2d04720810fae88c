"""Checks of the learning-rate fields, with messages that name the field, the rule and the fix.

Caffe master CHECKs `stepsize > 0` (step, sigmoid) and `gamma >= 0` (step,
exp, inv, multistep, sigmoid) inside GetLearningRate, and dies on an unset or
unknown lr_policy there too: `learning_rate` enforces those same rules on
every call. sgdtrain also refuses, up front in `check_policy`, two settings
Caffe accepts but that cannot be meant: multistep without a stepvalue (the
rate would never change) and poly with max_iter <= 0 (a division by zero).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sgdtrain.errors import ConfigError, Where
from sgdtrain.schedules.policies import POLICIES, Param

WhereOf = Callable[[str], Where]


def known_policies() -> tuple[str, ...]:
    """The lr_policy names: Caffe's (fixed, step, exp, inv, multistep, poly, sigmoid), then
    sgdtrain's extensions (cosine, plateau)."""
    return tuple(POLICIES)


@dataclass(frozen=True)
class _Rule:
    field: str
    policies: tuple[str, ...]
    holds: Callable[[Param], bool]
    rule: str  # what must hold, and Caffe's own words where it has a CHECK
    fix: str
    caffe: bool  # a CHECK inside Caffe master's GetLearningRate (so enforced on every call)


def _gamma_fix(policy: str) -> str:
    if policy == "sigmoid":
        return ("Use gamma >= 0: sigmoid can only ramp the rate up (to base_lr, half-way at stepsize); "
                "for a decay use `lr_policy: \"step\"`, \"exp\" or \"inv\".")
    return "Use gamma >= 0 (e.g. `gamma: 0.1`; gamma < 1 makes the rate decay)."


_RULES = (
    _Rule("stepsize", ("step", "sigmoid"), lambda p: p.stepsize > 0,
          "stepsize must be > 0 (Caffe master: \"Check failed: this->param_.stepsize() > 0 ({value} vs. 0)\").",
          "Set `stepsize` to the number of iterations between rate changes, e.g. `stepsize: 5000`.", True),
    _Rule("gamma", ("step", "exp", "inv", "multistep", "sigmoid"), lambda p: p.gamma >= 0,
          "gamma must be >= 0 (Caffe master: \"Check failed: this->param_.gamma() >= 0 ({value} vs. 0)\").",
          "", True),
    _Rule("stepvalue", ("multistep",), lambda p: len(p.stepvalue) > 0,
          "multistep needs at least one stepvalue (without one the rate would stay base_lr forever).",
          "Add one `stepvalue: N` line per iteration where the rate drops, or use `lr_policy: \"fixed\"`.", False),
    _Rule("max_iter", ("poly",), lambda p: p.max_iter > 0,
          "poly needs max_iter > 0 (it computes base_lr * (1 - iter/max_iter)^power).",
          "Set `max_iter` to the number of iterations of the run.", False),
    # sgdtrain's extensions
    _Rule("max_iter", ("cosine",), lambda p: p.cosine_period > 0 or p.max_iter > 0,
          "cosine needs cosine_period > 0 or max_iter > 0 (the length of its period).",
          "Set `max_iter`, or `cosine_period` for restarts.", False),
    _Rule("cosine_floor", ("cosine",), lambda p: 0 <= p.cosine_floor <= 1,
          "cosine_floor is a fraction of base_lr and must lie in [0, 1].", "E.g. `cosine_floor: 0.01`.", False),
    _Rule("cosine_period_mult", ("cosine",), lambda p: p.cosine_period_mult >= 1,
          "cosine_period_mult must be >= 1 (each restart's period is that many times the previous one).",
          "Use 1 for equal periods, or e.g. 2.", False),
    _Rule("gamma", ("plateau",), lambda p: 0 < p.gamma <= 1,
          "plateau multiplies the rate by gamma at each plateau, so gamma must lie in (0, 1].",
          "E.g. `gamma: 0.1`.", False),
    _Rule("plateau_patience", ("plateau",), lambda p: p.plateau_patience >= 1,
          "plateau_patience (tests without improvement before the rate drops) must be >= 1.",
          "E.g. `plateau_patience: 5`.", False),
    _Rule("plateau_mode", ("plateau",), lambda p: p.plateau_mode in ("", "min", "max"),
          "plateau_mode must be \"min\", \"max\" or empty (chosen from the metric's name).",
          "E.g. `plateau_mode: \"max\"` for an accuracy.", False),
)

_EXTENSION_RULES = (
    ("warmup_iter", lambda p: p.warmup_iter >= 0, "warmup_iter must not be negative.", "Use 0 for no warm-up."),
    ("warmup_start_factor", lambda p: 0 <= p.warmup_start_factor <= 1,
     "warmup_start_factor (the fraction of the rate the warm-up starts at) must lie in [0, 1].",
     "E.g. `warmup_start_factor: 0.1`."),
    ("min_lr", lambda p: p.min_lr >= 0, "min_lr must not be negative.", "Use 0 for no floor."),
)


def _problem(param: Param, policy: str, r: _Rule) -> str:
    if r.field == "stepvalue":  # repeated: absent rather than wrong
        return f"no `stepvalue` is given for lr_policy \"{policy}\": " + r.rule
    value = f"{getattr(param, r.field):g}"  # %g, as Caffe's CHECK prints a float
    return f"`{r.field}: {value}` is invalid for lr_policy \"{policy}\": " + r.rule.format(value=value)


def _policy(param: Param, where: WhereOf) -> str:
    name = param.lr_policy
    known = ", ".join(known_policies())
    if not param.HasField("lr_policy") or not name:
        raise ConfigError(
            "`lr_policy` is not set: the solver needs a learning-rate policy "
            "(Caffe dies at the first update with \"Unknown learning rate policy: \").",
            where=where("lr_policy"),
            fix=f"Add e.g. `lr_policy: \"fixed\"`; the known policies are {known}.",
        )
    if name not in POLICIES:
        raise ConfigError(
            f"unknown `lr_policy: \"{name}\"` (Caffe: \"Unknown learning rate policy: {name}\").",
            where=where("lr_policy"),
            fix=f"Use one of {known} (names are case-sensitive).",
        )
    return name


def _check(param: Param, where: WhereOf, caffe_only: bool) -> None:
    policy = _policy(param, where)
    for r in _RULES:
        if policy in r.policies and (r.caffe or not caffe_only) and not r.holds(param):
            raise ConfigError(_problem(param, policy, r), where=where(r.field), fix=r.fix or _gamma_fix(policy))
    if not caffe_only:
        for name, holds, rule, fix in _EXTENSION_RULES:
            if not holds(param):
                raise ConfigError(f"`{name}: {getattr(param, name):g}` is invalid: {rule}", where=where(name), fix=fix)


def check_policy(param: Param, where: WhereOf) -> None:
    """Refuse an unset/unknown lr_policy or fields its formula cannot use (ConfigError, exit status 2)."""
    _check(param, where, caffe_only=False)


def check_caffe_policy(param: Param, where: WhereOf) -> None:
    """Only the checks Caffe master itself makes inside GetLearningRate."""
    _check(param, where, caffe_only=True)
