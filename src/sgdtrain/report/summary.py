"""The summary of runs: final and best value of each test output and of the train loss, deltas against the first.

Metrics are the test outputs by name (`accuracy`, `loss`; `accuracy#1` for a
second test net) and `train_loss`: the train loss after the last update
(Caffe's `Iteration N, loss = X` line), or the last printed loss where that
was not recorded. "Best" means highest for accuracy-like names and lowest for
everything else (losses, errors), see `direction`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sgdtrain.report.runs import Run

TRAIN_LOSS = "train_loss"
# Names whose higher values are better; anything else (loss, error, ...) is better lower.
HIGHER_IS_BETTER = ("acc", "top", "precision", "recall", "f1", "iou", "map", "auc", "score")


def direction(metric: str) -> str:
    """"max" when higher is better (accuracy, top-5, ...), "min" otherwise (loss, error)."""
    name = metric.lower()
    if "loss" in name or "error" in name:
        return "min"
    return "max" if any(word in name for word in HIGHER_IS_BETTER) else "min"


@dataclass(frozen=True)
class Stat:
    final: float | None
    final_iter: int | None
    best: float | None
    best_iter: int | None


@dataclass
class RunSummary:
    name: str
    source: str
    kind: str
    iterations: int
    wall: float | None
    stats: dict[str, Stat] = field(default_factory=dict)
    delta: dict[str, float | None] = field(default_factory=dict)  # final minus the first run's final (None: first)

    def as_dict(self) -> dict:
        return {
            "name": self.name, "source": self.source, "kind": self.kind, "iterations": self.iterations,
            "wall_seconds": self.wall,
            "final": {m: s.final for m, s in self.stats.items()},
            "final_iter": {m: s.final_iter for m, s in self.stats.items()},
            "best": {m: s.best for m, s in self.stats.items()},
            "best_iter": {m: s.best_iter for m, s in self.stats.items()},
            "delta": dict(self.delta),
        }


def metric_names(runs: list[Run]) -> list[str]:
    """Test outputs in the order they first appear, then train_loss."""
    names: list[str] = []
    for run in runs:
        names += [n for n in run.tests if n not in names]
    return names + [TRAIN_LOSS]


def _stat(iters: list[int], values: list[float], better: str) -> Stat:
    if not values:
        return Stat(None, None, None, None)
    finite = [(v, it) for it, v in zip(iters, values) if math.isfinite(v)]
    if not finite:
        best, best_iter = None, None
    else:  # the first iteration to reach the best value
        best = max(v for v, _ in finite) if better == "max" else min(v for v, _ in finite)
        best_iter = next(it for v, it in finite if v == best)
    return Stat(values[-1], iters[-1], best, best_iter)


def summarize(runs: list[Run]) -> list[RunSummary]:
    metrics = metric_names(runs)
    out = []
    for run in runs:
        s = RunSummary(run.name, run.source, run.kind, run.last_iter, run.wall)
        for m in metrics:
            if m == TRAIN_LOSS:
                s.stats[m] = _train_loss(run)
            else:
                curve = run.tests.get(m)
                s.stats[m] = _stat(curve.iters, curve.values, direction(m)) if curve else Stat(None, None, None, None)
        out.append(s)
    for s in out:  # the first run's deltas are all None: it is what the others are measured against
        for m in metrics:
            a, b = out[0].stats[m].final, s.stats[m].final
            s.delta[m] = None if s is out[0] or a is None or b is None else b - a
    return out


def _train_loss(run: Run) -> Stat:
    """The printed losses, with the loss after the last update as the final value where recorded."""
    stat = _stat(run.smoothed.iters, run.smoothed.values, "min")
    final = run.final_loss
    if final is None:
        return stat
    if not math.isfinite(final) or (stat.best is not None and stat.best <= final):
        return Stat(final, run.last_iter, stat.best, stat.best_iter)
    return Stat(final, run.last_iter, final, run.last_iter)
