"""`caffe_lr(it)` in plain Python (math): the schedule for PyTorch's LambdaLR.

The function returns the rate Caffe (and sgdtrain, for its extensions) uses
for the update after `it` updates, so `LambdaLR(optimizer, lambda it:
caffe_lr(it) / BASE_LR)` with `scheduler.step()` after every
`optimizer.step()` reproduces it exactly (each group's initial lr is
BASE_LR * lr_mult). Caffe evaluates some policies in float32; the double
results here differ from its printed rates by at most about 1e-7 relative.
"""

from __future__ import annotations

from sgdtrain.export.common import Param
from sgdtrain.export.lr_constants import FORMULAS, wrapped

_BODY = {
    "fixed": ["rate = BASE_LR"],
    "step": ["rate = BASE_LR * GAMMA ** (it // STEPSIZE)"],
    "exp": ["rate = BASE_LR * GAMMA ** it"],
    "inv": ["rate = BASE_LR * (1.0 + GAMMA * it) ** (-POWER)"],
    "multistep": ["rate = BASE_LR * GAMMA ** bisect.bisect_right(STEPVALUES, it)"],
    # Caffe's rate past max_iter is NaN for a fractional power; training has stopped by then.
    "poly": ["rate = BASE_LR * max(0.0, 1.0 - it / MAX_ITER) ** POWER"],
    # exp overflows to inf (rate 0) in Caffe's float32 long before Python's OverflowError: cap the argument.
    "sigmoid": ["rate = BASE_LR / (1.0 + math.exp(min(-GAMMA * (it - STEPSIZE), 700.0)))"],
    "cosine": [
        "t, period = cosine_position(it)",
        "rate = BASE_LR * (COSINE_FLOOR + (1.0 - COSINE_FLOOR) * (1.0 + math.cos(math.pi * t / period)) / 2.0)",
    ],
}


def _cosine_position(param: Param) -> list[str]:
    head = ["def cosine_position(it):",
            '    """(t, T): the iterations into the current cosine period and that period\'s length."""']
    if param.cosine_period <= 0:
        return head + ["    return min(it, MAX_ITER), MAX_ITER  # one period over the run, no restart", ""]
    if float(param.cosine_period_mult) == 1.0:
        return head + ["    return it % COSINE_PERIOD, COSINE_PERIOD  # SGDR restarts, equal periods", ""]
    return head + [
        "    t, period = it, COSINE_PERIOD",
        "    while t >= period:  # SGDR: each restart's period is COSINE_PERIOD_MULT times the last (rounded)",
        "        t -= period",
        "        period = max(1, round(period * COSINE_PERIOD_MULT))",
        "    return t, period",
        "",
    ]


def python_imports(param: Param) -> list[str]:
    """The standard-library imports `caffe_lr` needs."""
    out = []
    if param.lr_policy == "multistep":
        out.append("import bisect")
    if param.lr_policy in ("sigmoid", "cosine"):
        out.append("import math")
    return out


def python_lr_function(param: Param) -> list[str]:
    """Source lines defining `caffe_lr(it)` (and `cosine_position` for lr_policy "cosine")."""
    policy = param.lr_policy
    doc = f'lr_policy "{policy}": {FORMULAS[policy]}'
    extras = []
    if param.min_lr > 0:
        extras.append("the min_lr floor")
    if param.warmup_iter > 0:
        extras.append("the linear warm-up")
    if extras:
        doc += "; then " + " and ".join(extras)
    lines = _cosine_position(param) if policy == "cosine" else []
    lines += [
        "def caffe_lr(it):",
        '    """The rate of the update after `it` updates (0 for the first), as Caffe/sgdtrain compute it.',
        "",
        *wrapped(doc + ".", "    "),
        '    """',
    ]
    lines += ["    " + line for line in _BODY[policy]]
    if param.min_lr > 0:
        lines.append("    rate = max(rate, MIN_LR)  # sgdtrain's min_lr: a floor under the policy's rate")
    if param.warmup_iter > 0:
        lines += [
            "    if it < WARMUP_ITER:  # sgdtrain's warm-up: from WARMUP_START_FACTOR * rate up to the rate",
            "        rate *= WARMUP_START_FACTOR + (1.0 - WARMUP_START_FACTOR) * it / WARMUP_ITER",
        ]
    lines.append("    return rate")
    return lines
