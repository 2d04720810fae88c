"""`--fail-if-worse METRIC:TOL`: is a later run's final value worse than the first run's by more than TOL?

    accuracy:0.01        accuracy may drop by at most 0.01 (higher is better for accuracy-like names)
    loss:0.05            the test loss may rise by at most 0.05 (lower is better otherwise)
    max:my_score:0.1     say which way is better where the name does not tell
    train_loss:0.1       the train loss after the last update

TOL is absolute, in the metric's units. A NaN final value is always worse
(a diverged run). A metric some run lacks is a usage error, not a pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sgdtrain.errors import ConfigError
from sgdtrain.report.summary import RunSummary, direction


@dataclass(frozen=True)
class Threshold:
    metric: str
    tolerance: float
    direction: str  # "max": higher is better; "min": lower is better

    def __str__(self) -> str:
        return f"{self.direction}:{self.metric}:{self.tolerance:g}"


def parse_threshold(text: str) -> Threshold:
    """`METRIC:TOL` or `max:METRIC:TOL` / `min:METRIC:TOL` (ConfigError, exit status 2, otherwise)."""
    parts = text.split(":")
    explicit = None
    if len(parts) == 3 and parts[0] in ("max", "min"):
        explicit, parts = parts[0], parts[1:]
    if len(parts) != 2 or not parts[0]:
        raise ConfigError(f"--fail-if-worse '{text}' is not METRIC:TOL.",
                          fix="Write e.g. `--fail-if-worse accuracy:0.01`, or `max:NAME:TOL` / `min:NAME:TOL` to say "
                          "whether higher or lower values of NAME are better.")
    try:
        tolerance = float(parts[1])
    except ValueError:
        tolerance = math.nan
    if not math.isfinite(tolerance) or tolerance < 0:
        raise ConfigError(f"--fail-if-worse '{text}': the tolerance '{parts[1]}' is not a number >= 0.",
                          fix="Write e.g. `--fail-if-worse accuracy:0.01` (absolute, in the metric's units).")
    return Threshold(parts[0], tolerance, explicit or direction(parts[0]))


@dataclass(frozen=True)
class CheckResult:
    threshold: Threshold
    run: str
    baseline: float
    value: float
    worse_by: float  # how much worse than the first run (negative: better); inf for NaN

    @property
    def failed(self) -> bool:
        return self.worse_by > self.threshold.tolerance

    def describe(self) -> str:
        """`FAIL: accuracy of b is 0.7 against 0.8 (higher is better; worse by 0.1, tolerance 0.01)`."""
        return f"{'FAIL' if self.failed else 'ok'}: {self.detail()}"

    def detail(self) -> str:
        t = self.threshold
        return (f"{t.metric} of {self.run} is {self.value:.6g} against {self.baseline:.6g} "
                f"({'higher' if t.direction == 'max' else 'lower'} is better; worse by {self.worse_by:.6g}, "
                f"tolerance {t.tolerance:g})")

    def as_dict(self) -> dict:
        t = self.threshold
        return {"metric": t.metric, "direction": t.direction, "tolerance": t.tolerance, "run": self.run,
                "baseline": self.baseline, "value": self.value,
                "worse_by": None if math.isinf(self.worse_by) else self.worse_by, "failed": self.failed}


def evaluate(summaries: list[RunSummary], thresholds: list[Threshold]) -> list[CheckResult]:
    """One result per threshold and later run (ConfigError when there is nothing to compare)."""
    if thresholds and len(summaries) < 2:
        raise ConfigError(f"--fail-if-worse needs at least two runs to compare; there is {len(summaries)}.",
                          fix="Give two or more configurations with --train, or two or more --runs.")
    out = []
    for t in thresholds:
        baseline = _final(summaries[0], t)
        for s in summaries[1:]:
            value = _final(s, t)
            if math.isnan(value):
                worse = math.inf
            elif math.isnan(baseline):
                worse = -math.inf
            else:
                worse = baseline - value if t.direction == "max" else value - baseline
            out.append(CheckResult(t, s.name, baseline, value, worse))
    return out


def _final(s: RunSummary, t: Threshold) -> float:
    stat = s.stats.get(t.metric)
    if stat is None or stat.final is None:
        known = ", ".join(m for m, st in s.stats.items() if st.final is not None) or "none"
        raise ConfigError(f"--fail-if-worse {t.metric}: the run {s.name} has no final value of {t.metric} "
                          f"(its metrics: {known}).",
                          fix="Name a test output of the nets (e.g. accuracy, loss) or train_loss.")
    return stat.final
