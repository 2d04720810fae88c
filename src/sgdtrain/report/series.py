"""One curve to draw: a name, x values and y values, shared by the text and PNG plotters.

The plotters accept plain `(name, xs, ys)` tuples (the simple public form) or
`Series`, which adds two drawing hints: `faint` (raw values drawn under their
smoothed curve) and `color` (a palette index, so a run's raw and smoothed
curves share a colour).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    name: str
    xs: list[float]
    ys: list[float]
    faint: bool = False
    color: int | None = None  # palette index; None: the series' position in the list
    marker: str | None = None  # text plotter's character; None: chosen from the palette index

    def __post_init__(self):
        if len(self.xs) != len(self.ys):
            raise ValueError(f"series {self.name!r}: {len(self.xs)} x values but {len(self.ys)} y values")


@dataclass(frozen=True)
class Panel:
    """One chart: its curves and labels (a PNG figure holds one or more panels)."""

    series: list[Series]
    title: str = ""
    xlabel: str = "iteration"
    ylabel: str = ""
    logy: bool = False
    xlim: tuple[float, float] | None = None  # at least this x range (None: the data's)


def as_series(items: Iterable) -> list[Series]:
    """Series from Series or (name, xs, ys) tuples, with each palette index filled in."""
    out = []
    for i, item in enumerate(items):
        s = item if isinstance(item, Series) else Series(str(item[0]), list(item[1]), list(item[2]))
        if s.color is None:
            s = Series(s.name, list(s.xs), list(s.ys), s.faint, i, s.marker)
        out.append(s)
    return out


def wants_log(series: Iterable, ratio: float = 20.0) -> bool:
    """Whether a log y axis reads better: every value positive and they span at least `ratio`."""
    values = [y for s in as_series(series) for y in s.ys if math.isfinite(y)]
    if not values or min(values) <= 0:
        return False
    return max(values) / min(values) >= ratio
