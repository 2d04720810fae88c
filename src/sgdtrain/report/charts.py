"""The learning-curve charts of runs, as Panels the text and PNG plotters both draw.

`--what` picks them: `loss` (train loss: each displayed value faint, with a
trailing mean over `window` displays drawn over it), `lr` (log scale when the
rate spans a factor of 20 or more) and `test` (one chart per test output).
"""

from __future__ import annotations

import math

from sgdtrain.errors import ConfigError
from sgdtrain.report.runs import Run
from sgdtrain.report.series import Panel, Series, wants_log

WHAT = ("loss", "lr", "test")


def parse_what(text: str) -> list[str]:
    """`loss,lr,test` -> ["loss", "lr", "test"] (ConfigError for an unknown name)."""
    names = [w.strip() for w in text.split(",") if w.strip()]
    bad = [w for w in names if w not in WHAT]
    if bad or not names:
        raise ConfigError(f"--what '{text}' names no chart or an unknown one ({', '.join(bad) or 'none'}).",
                          fix=f"Use a comma-separated list of {', '.join(WHAT)}, e.g. `--what loss,test`.")
    return names


def auto_window(count: int) -> int:
    """A smoothing window of about a twentieth of the curve (1, i.e. none, for short curves)."""
    return max(1, count // 20)


def smooth(values: list[float], window: int) -> list[float]:
    """Trailing mean over the last `window` values (fewer at the start; NaN values left out)."""
    out, total, count = [], 0.0, 0
    for i, v in enumerate(values):
        if math.isfinite(v):
            total, count = total + v, count + 1
        if i >= window and math.isfinite(old := values[i - window]):
            total, count = total - old, count - 1
        out.append(total / count if count else math.nan)
    return out


def loss_panel(runs: list[Run], raw: bool = True, window: int = 0) -> Panel:
    series = []
    for i, run in enumerate(runs):
        curve = run.loss
        w = window or auto_window(len(curve.values))
        label = run.name if len(runs) > 1 else "train loss"
        if raw:
            series.append(Series(f"{label} (each display)", curve.iters, curve.values, faint=True, color=i))
        suffix = f" (mean of {w})" if w > 1 else ""
        series.append(Series(label + suffix, curve.iters, smooth(curve.values, w), color=i))
    return Panel(series, "train loss", "iteration", "loss", xlim=_xlim(runs))


def lr_panel(runs: list[Run]) -> Panel:
    series = [Series(run.name, run.lr.iters, run.lr.values, color=i) for i, run in enumerate(runs)]
    logy = wants_log(series)
    return Panel(series, "learning rate" + (" (log scale)" if logy else ""), "iteration", "lr", logy, _xlim(runs))


def test_panels(runs: list[Run]) -> list[Panel]:
    names: list[str] = []
    for run in runs:
        names += [n for n in run.tests if n not in names]
    panels = []
    for name in names:
        series = [Series(run.name, run.tests[name].iters, run.tests[name].values, color=i)
                  for i, run in enumerate(runs) if name in run.tests]
        panels.append(Panel(series, f"test {name}", "iteration", name, xlim=_xlim(runs)))
    return panels


def _xlim(runs: list[Run]) -> tuple[float, float]:
    """The iterations the runs cover, so a run's charts line up (a test at 0 alone is not a range)."""
    return 0.0, float(max([r.last_iter for r in runs] + [1]))


def panels(runs: list[Run], what: list[str], raw: bool = True, window: int = 0) -> list[Panel]:
    """The charts `what` asks for, in its order (test outputs a run lacks are simply absent)."""
    out: list[Panel] = []
    for w in what:
        if w == "loss":
            out.append(loss_panel(runs, raw, window))
        elif w == "lr":
            out.append(lr_panel(runs))
        else:
            out += test_panels(runs)
    return out


def schedule_panel(rates: dict[str, list[float]]) -> Panel:
    """The learning-rate schedules of several solvers overlaid (iteration 0 .. max_iter-1)."""
    series = [Series(name, list(range(len(r))), [float(v) for v in r], color=i)
              for i, (name, r) in enumerate(rates.items())]
    logy = wants_log(series)
    return Panel(series, "learning rate" + (" (log scale)" if logy else ""), "iteration", "lr", logy)
