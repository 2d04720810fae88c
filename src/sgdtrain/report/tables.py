"""The summary table as rows of text, for the terminal (rich, in the CLI) and for Markdown.

One column per run, one row per fact: where it came from, iterations, wall
time, then for each metric its final value (with the delta against the first
run) and its best value with the iteration it was reached at. Runs are
columns because there are usually two or three of them and many metrics.
"""

from __future__ import annotations

import math

from sgdtrain.report.summary import RunSummary, direction

KIND = {"sgdtrain": "sgdtrain record", "caffe-log": "Caffe log"}


def number(v: float | None) -> str:
    if v is None:
        return "-"
    return "nan" if math.isnan(v) else f"{v:.4g}"


def delta(v: float | None) -> str:
    if v is None:
        return ""
    return " (nan)" if math.isnan(v) else f" ({v:+.4g})"


def seconds(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f} s"


def summary_rows(summaries: list[RunSummary]) -> tuple[list[str], list[list[str]]]:
    """(header, rows): header is "" and the run names; each row starts with its label."""
    header = [""] + [s.name for s in summaries]
    rows = [["source"] + [KIND.get(s.kind, s.kind) for s in summaries],
            ["iterations"] + [str(s.iterations) for s in summaries],
            ["wall time"] + [seconds(s.wall) for s in summaries]]
    metrics = list(summaries[0].stats) if summaries else []
    for m in metrics:
        arrow = "↑" if direction(m) == "max" else "↓"  # which way is better
        rows.append([f"{m} final {arrow}"] + [number(s.stats[m].final) + delta(s.delta.get(m)) for s in summaries])
        rows.append([f"{m} best"] + [_best(s, m) for s in summaries])
    return header, rows


def _best(s: RunSummary, m: str) -> str:
    stat = s.stats[m]
    return "-" if stat.best is None else f"{number(stat.best)} @{stat.best_iter}"


def markdown(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GitHub-flavoured Markdown table (`|` in cells escaped)."""
    def cells(values: list[str]) -> str:
        return "| " + " | ".join(v.replace("|", "\\|") for v in values) + " |"

    return [cells(header), "|" + "|".join([" --- "] + [" ---: "] * (len(header) - 1)) + "|",
            *(cells(r) for r in rows)]
