"""Watching a test output: the plateau policy, early stopping and the best snapshot.

A Monitor keeps the best value a test output has reached and how many tests
have passed since it last improved. Whether higher or lower is better comes
from `mode` ("max"/"min"), or, when empty, from the output's name
(accuracy-like names are maximised, everything else, e.g. a loss, minimised).
An improvement must beat the best by more than `threshold` (relative).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

_HIGHER_IS_BETTER = re.compile(r"acc|precision|recall|auc|map|f1|iou", re.IGNORECASE)


def resolve_mode(metric: str, mode: str) -> str:
    if mode in ("min", "max"):
        return mode
    return "max" if _HIGHER_IS_BETTER.search(metric) else "min"


@dataclass
class Monitor:
    metric: str
    mode: str
    threshold: float = 0.0
    best: float | None = None
    best_iter: int | None = None
    stale: int = 0  # tests since the last improvement

    def improves(self, value: float) -> bool:
        if self.best is None:
            return value == value  # NaN never improves
        margin = abs(self.best) * self.threshold
        return value < self.best - margin if self.mode == "min" else value > self.best + margin

    def update(self, value: float, iter: int) -> bool:
        """Record one test's value; True when it is a new best."""
        if self.improves(value):
            self.best, self.best_iter, self.stale = value, iter, 0
            return True
        self.stale += 1
        return False

    def describe(self) -> str:
        return (f"{self.metric} has not improved for {self.stale} tests "
                f"(best {self.best:g} at iteration {self.best_iter})")

    def state(self) -> dict:
        return asdict(self)

    def restore(self, state: dict) -> None:
        for key, value in state.items():
            setattr(self, key, value)
