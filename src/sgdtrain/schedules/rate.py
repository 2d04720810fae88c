"""`learning_rate`: Caffe's `SGDSolver::GetLearningRate`, once per iteration."""

from __future__ import annotations

import numpy as np

from sgdtrain.errors import Where
from sgdtrain.schedules.checks import check_caffe_policy
from sgdtrain.schedules.extensions import finish
from sgdtrain.schedules.policies import POLICIES, Param


def _field(name: str) -> Where:
    return Where(field=name)


def learning_rate(param: Param, iter: int, current_step: int) -> tuple[np.float32, int, str | None]:
    """The rate for the update after `iter` updates: (rate, new current_step, log message or None).

    Caffe's policies, then sgdtrain's min_lr floor and linear warm-up when set.
    `iter` is the solver's pre-increment counter (0 for the first update).
    `current_step` is the solver's `current_step_` (0 at start, restored from a
    .solverstate on resume). The message is Caffe's
    `MultiStep Status: Iteration <iter>, step = <current_step>`, produced
    when multistep advances. Raises ConfigError where Caffe master dies:
    unset/unknown lr_policy, stepsize <= 0 (step, sigmoid), gamma < 0.
    """
    check_caffe_policy(param, _field)
    rate, new_step = POLICIES[param.lr_policy](param, iter, current_step)
    rate = finish(param, rate, iter)  # sgdtrain's min_lr floor and warm-up (no-ops unless set)
    message = None
    if param.lr_policy == "multistep" and new_step != current_step:
        message = f"MultiStep Status: Iteration {iter}, step = {new_step}"
    return rate, new_step, message
