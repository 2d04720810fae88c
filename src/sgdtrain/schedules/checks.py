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
    """The lr_policy names, in Caffe's order: fixed, step, exp, inv, multistep, poly, sigmoid."""
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


def check_policy(param: Param, where: WhereOf) -> None:
    """Refuse an unset/unknown lr_policy or fields its formula cannot use (ConfigError, exit status 2)."""
    _check(param, where, caffe_only=False)


def check_caffe_policy(param: Param, where: WhereOf) -> None:
    """Only the checks Caffe master itself makes inside GetLearningRate."""
    _check(param, where, caffe_only=True)
