"""Shared helpers for the learning-rate policy tests."""

from __future__ import annotations

from sgdtrain.proto import caffe_pb2
from sgdtrain.schedules import learning_rate


def solver(**fields) -> caffe_pb2.SolverParameter:
    """A SolverParameter with the given fields (floats are stored float32-rounded, as Caffe reads them)."""
    return caffe_pb2.SolverParameter(**fields)


def run(param, iters, current_step=0):
    """Call learning_rate for each iteration in turn, carrying current_step as the solver does.

    Returns [(rate as float, current_step, message)].
    """
    out = []
    for it in iters:
        rate, current_step, message = learning_rate(param, it, current_step)
        out.append((float(rate), current_step, message))
    return out


def rates(param, iters, current_step=0):
    return [r for r, _, _ in run(param, iters, current_step)]


def printed(rate: float) -> str:
    """The rate as Caffe's log prints it (C's %g, six significant digits)."""
    return "%g" % float(rate)  # noqa: UP031 -- the C format is the point
