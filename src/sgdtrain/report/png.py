"""PNG charts with matplotlib, the optional `plot` extra (`pip install 'sgdtrain[plot]'`).

    save_lines("lr.png", [("inv", xs, ys), ("multistep", xs, ys2)], "learning rate", "iteration", "lr", logy=True)
    save_panels("curves.png", [Panel(...), Panel(...)], title="lenet")

matplotlib is imported only when a PNG is drawn, and through its object API
with the Agg canvas (never pyplot), so drawing works without a display and
leaves no global figure state behind. `require()` raises ConfigError (exit
status 2) naming the install command when matplotlib is missing, so a command
can check before doing long work.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from sgdtrain.errors import ConfigError
from sgdtrain.report.series import Panel, Series, as_series

INSTALL = "pip install 'sgdtrain[plot]'"
# matplotlib's default colour cycle, so a run keeps its colour across panels.
LINESTYLES = ["-", "--", "-.", ":"]
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    """ConfigError (exit status 2) with the install command when matplotlib cannot be imported."""
    if not available():
        raise ConfigError(
            "writing a PNG needs matplotlib, which is not installed in this Python environment "
            "(it is an optional extra of sgdtrain).",
            fix=f"Install it with `{INSTALL}` (or `pip install matplotlib`), or leave out --png to draw "
            "the charts in the terminal only.",
        )


def save_lines(path: str | Path, series: Iterable, title: str = "", xlabel: str = "iteration", ylabel: str = "",
               logy: bool = False) -> Path:
    """One chart of `series` ((name, xs, ys) tuples or Series) written to `path` as a PNG."""
    return save_panels(path, [Panel(as_series(series), title, xlabel, ylabel, logy)])


def save_panels(path: str | Path, panels: list[Panel], title: str = "") -> Path:
    """Panels stacked vertically in one PNG (sharing nothing but the figure title)."""
    require()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not panels:
        raise ConfigError("nothing to draw: no chart has any data.")
    fig = Figure(figsize=(9, 3.2 * len(panels) + (0.4 if title else 0)), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels):
        _draw(ax, panel)
    if title:
        fig.suptitle(title, fontsize=13)
    out = Path(path)
    if out.parent != Path(""):
        out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format="png")
    return out


def _draw(ax, panel: Panel) -> None:
    series = as_series(panel.series)
    # Faint curves get a legend entry only beside a single solid one (raw vs smoothed of one run);
    # with several runs the colours already say which run a faint curve belongs to.
    solid = sum(1 for s in series if not s.faint)
    labelled = 0
    for s in series:
        xs, ys = _finite(s, panel.logy)
        if not xs:
            continue
        color = PALETTE[(s.color or 0) % len(PALETTE)]
        # Later runs dashed: where two runs coincide, the first still shows through the gaps.
        dash = LINESTYLES[(s.color or 0) % len(LINESTYLES)]
        style = {"alpha": 0.3, "linewidth": 0.8} if s.faint else {"linewidth": 1.6, "linestyle": dash}
        marker = "o" if len(xs) <= 30 and not s.faint else None  # sparse curves (tests) show their points
        label = s.name if not s.faint or solid <= 1 else None
        ax.plot(xs, ys, label=label, color=color, marker=marker, markersize=3.5, **style)
        labelled += label is not None
    if panel.logy:
        ax.set_yscale("log")
    if panel.xlim and panel.xlim[1] > panel.xlim[0]:
        lo, hi = panel.xlim
        margin = 0.02 * (hi - lo)  # points at the ends stay whole, as with matplotlib's own limits
        ax.set_xlim(lo - margin, hi + margin)
    ax.set_title(panel.title, fontsize=11)
    ax.set_xlabel(panel.xlabel)
    ax.set_ylabel(panel.ylabel)
    ax.grid(True, which="major", alpha=0.3)
    if labelled > 1:  # one curve needs no legend: the title names it
        ax.legend(fontsize=8, loc="best")
    elif not labelled:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, color="gray")


def _finite(s: Series, logy: bool) -> tuple[list[float], list[float]]:
    """The points matplotlib should draw; NaN breaks the line where a value is missing, as in the text plot."""
    xs, ys = [], []
    for x, y in zip(s.xs, s.ys):
        bad = not (math.isfinite(x) and math.isfinite(y)) or (logy and y <= 0)
        xs.append(float(x))
        ys.append(math.nan if bad else float(y))
    if all(math.isnan(y) for y in ys):
        return [], []
    return xs, ys
