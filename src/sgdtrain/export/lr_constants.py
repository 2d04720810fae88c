"""The named constants at the top of every snippet: the solver fields its schedule and optimizer read.

sgdtrain's epoch fields (max_epoch, stepsize_epoch) become expressions of the
train set's size, computed as sgdtrain does:
``max(1, round(epochs * records / (batch_size * iter_size)))``.
"""

from __future__ import annotations

import textwrap

from sgdtrain.export.common import Param, effective_stepvalues, exact, num
from sgdtrain.export.netinfo import NetInfo
from sgdtrain.schedules.fields import POLICY_FIELDS

# How a policy reads in words (Caffe's formulas, `it` the updates done so far).
FORMULAS = {
    "fixed": "base_lr",
    "step": "base_lr * gamma^floor(it / stepsize)",
    "exp": "base_lr * gamma^it",
    "inv": "base_lr * (1 + gamma*it)^(-power)",
    "multistep": "base_lr * gamma^(number of stepvalues <= it)",
    "poly": "base_lr * (1 - it/max_iter)^power",
    "sigmoid": "base_lr / (1 + exp(-gamma*(it - stepsize)))",
    "cosine": "base_lr * (c + (1 - c)*(1 + cos(pi*t/T))/2), t iterations into a period of T",
    "plateau": "base_lr * gamma^(plateaus so far)",
}


def wrapped(text: str, indent: str, width: int = 110) -> list[str]:
    """`text` as lines of at most `width` characters, each starting with `indent`."""
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent, break_long_words=False)


def _epoch_lines(param: Param, net: NetInfo | None) -> list[str]:
    lines = [
        "# sgdtrain's epoch units: one epoch is TRAIN_SET_SIZE / (BATCH_SIZE * ITER_SIZE) iterations.",
        "TRAIN_SET_SIZE = len(train_dataset)  # the number of training records: set this",
    ]
    if net is not None and net.batch_size:
        lines.append(f"BATCH_SIZE = {net.batch_size}  # the train net's data layer")
    else:
        lines.append("BATCH_SIZE = train_batch_size  # the train net's batch size: set this")
    lines.append("ITERS_PER_EPOCH = TRAIN_SET_SIZE / (BATCH_SIZE * ITER_SIZE)")
    return lines


def constant_lines(param: Param, net: NetInfo | None) -> list[str]:
    """`NAME = value` lines for base_lr, the policy's fields, the extensions, max_iter and iter_size."""
    policy = param.lr_policy
    fields = POLICY_FIELDS[policy]
    lines = [f"BASE_LR = {num(param.base_lr)}"]
    if "gamma" in fields:
        lines.append(f"GAMMA = {num(param.gamma)}")
    if "power" in fields:
        lines.append(f"POWER = {num(param.power)}")
    if "stepvalue" in fields:
        steps = effective_stepvalues(list(param.stepvalue))
        note = "" if steps == list(param.stepvalue) else f"  # Caffe's stepvalues {list(param.stepvalue)}, as applied"
        lines.append(f"STEPVALUES = {steps}{note}")
    if policy == "cosine":
        lines.append(f"COSINE_FLOOR = {num(param.cosine_floor)}  # a fraction of base_lr")
        if param.cosine_period > 0:
            lines.append(f"COSINE_PERIOD = {param.cosine_period}")
            lines.append(f"COSINE_PERIOD_MULT = {exact(param.cosine_period_mult)}")
    if param.min_lr > 0:
        lines.append(f"MIN_LR = {num(param.min_lr)}")
    if param.warmup_iter > 0:
        lines.append(f"WARMUP_ITER = {param.warmup_iter}")
        lines.append(f"WARMUP_START_FACTOR = {num(param.warmup_start_factor)}")
    lines.append(f"ITER_SIZE = {param.iter_size}  # forward/backward passes whose gradients are summed per update")
    epochs = [(e, i) for e, i in (("max_epoch", "max_iter"), ("stepsize_epoch", "stepsize")) if param.HasField(e)]
    if epochs:
        lines += _epoch_lines(param, net)
    for epoch_field, iter_field in epochs:
        if iter_field in fields or iter_field == "max_iter":
            lines.append(f"{iter_field.upper()} = max(1, round({exact(getattr(param, epoch_field))} * ITERS_PER_EPOCH))"
                         f"  # {epoch_field} {num(getattr(param, epoch_field))}")
    given = {i for _, i in epochs}
    if "stepsize" in fields and "stepsize" not in given:
        lines.append(f"STEPSIZE = {param.stepsize}")
    if "max_iter" not in given:
        lines.append(f"MAX_ITER = {param.max_iter}")
    return lines
