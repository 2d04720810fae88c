"""Learning-rate schedules side by side: the rates a solver will use, and where two part.

The rates come from `schedules.learning_rate`, called once per iteration in
order with the step counter carried along, exactly as the solver calls it
(multistep's `current_step` advances at most one step per call, so this is
the only faithful way to get its curve). Rates are compared as the float32
values Caffe uses: two schedules that print the same but differ in the last
bit do part, and the message then shows enough digits to tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sgdtrain.log import fmt_float
from sgdtrain.proto import caffe_pb2
from sgdtrain.schedules import learning_rate

MAX_ITERATIONS = 2_000_000  # a cap on the work for absurd max_iter values


def rates(param: caffe_pb2.SolverParameter, iterations: int | None = None) -> list[np.float32]:
    """The rate of each update 0 .. iterations-1 (default: max_iter), as the solver computes them."""
    n = min(param.max_iter if iterations is None else iterations, MAX_ITERATIONS)
    out, step = [], 0
    for it in range(max(n, 0)):
        rate, step, _ = learning_rate(param, it, step)
        out.append(rate)
    return out


@dataclass(frozen=True)
class Parting:
    """The first update where two schedules use different rates."""

    iteration: int
    a: float
    b: float

    def describe(self) -> str:
        ta, tb = fmt_float(self.a), fmt_float(self.b)
        if ta == tb:  # equal as Caffe prints them: show the float32 values in full
            ta, tb = str(np.float32(self.a)), str(np.float32(self.b))
        return f"lr schedules part at iteration {self.iteration}: {ta} vs {tb}"

    def as_dict(self) -> dict:
        # the float32 rates as their shortest decimals (0.01, not 0.009999999776482582)
        return {"iteration": self.iteration, "a": float(str(np.float32(self.a))), "b": float(str(np.float32(self.b)))}


def first_parting(a: list[np.float32], b: list[np.float32]) -> Parting | None:
    """Where the rates first differ, over the iterations both schedules run (None: never)."""
    for it, (ra, rb) in enumerate(zip(a, b)):
        if ra != rb and not (np.isnan(ra) and np.isnan(rb)):
            return Parting(it, float(ra), float(rb))
    return None
