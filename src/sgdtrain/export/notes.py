"""Warnings that hold for every target framework."""

from __future__ import annotations

from sgdtrain.export.common import Param, effective_stepvalues
from sgdtrain.export.netinfo import NetInfo


def common_warnings(param: Param, net: NetInfo | None) -> list[str]:
    """Caffe behaviour the snippet reproduces in a way the user should know about."""
    out = []
    steps = list(param.stepvalue)
    if param.lr_policy == "multistep" and effective_stepvalues(steps) != steps:
        out.append(
            f"the stepvalues {steps} are not strictly increasing. Caffe's multistep advances at most one step per "
            "iteration (its current_step is stateful), so a duplicate or decreasing stepvalue takes effect one "
            f"iteration after the previous step: the snippet uses the iterations Caffe really steps at, "
            f"{effective_stepvalues(steps)} (for a run from iteration 0)."
        )
    if param.HasField("max_epoch") or param.HasField("stepsize_epoch"):
        size = "the train net's batch size and " if net is None or not net.batch_size else ""
        out.append(
            "the solver counts in epochs (max_epoch/stepsize_epoch), which sgdtrain turns into iterations from the "
            f"train set's size: set {size}TRAIN_SET_SIZE in the snippet."
        )
    return out
