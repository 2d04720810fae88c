"""A dependency-free text plotter: curves in, lines of text out.

    lines = plot([("inv", xs, ys), ("multistep", xs, ys2)], width=72, height=16, logy=False)

One curve is drawn with braille dots (2 x 4 dots per character, the finest a
terminal shows). Several are drawn with one marker character each (`*`, `+`,
`o`, ...), because braille dots of different curves cannot be told apart
without colour, and piped output has none. `render` also says which curve drew
each character, so a caller with colour (the CLI, through rich) can colour
them. This module prints nothing and imports only the standard library: its
output is a pure function of its input, so golden tests can pin it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sgdtrain.report.series import Series, as_series

MARKERS = "*+ox#@%&"
FAINT_MARKER = "."  # raw values drawn under their smoothed curve
SHARED_MARKER = "="  # a cell where several curves meet (identical curves would otherwise hide each other)
BRAILLE_LEGEND = "⣿"
MIXED = -1  # owner of a braille cell that several curves share

# Braille dot (column, row) within a character -> its bit in U+2800..U+28FF.
_DOT = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (1, 0): 0x08,
        (1, 1): 0x10, (1, 2): 0x20, (0, 3): 0x40, (1, 3): 0x80}


@dataclass(frozen=True)
class Chart:
    """The drawn lines, and for every character the index of the series that drew it (None: axes, labels)."""

    lines: list[str]
    owners: list[list[int | None]]
    series: list[Series]


def plot(series: Iterable, width: int = 72, height: int = 16, logy: bool = False, *, title: str = "",
         xlabel: str = "", ylabel: str = "", style: str = "auto", legend: bool = True,
         xlim: tuple[float, float] | None = None) -> list[str]:
    """The chart as lines of text (no trailing spaces); see `render`."""
    return render(series, width, height, logy, title=title, xlabel=xlabel, ylabel=ylabel, style=style,
                  legend=legend, xlim=xlim).lines


def render(series: Iterable, width: int = 72, height: int = 16, logy: bool = False, *, title: str = "",
           xlabel: str = "", ylabel: str = "", style: str = "auto", legend: bool = True,
           xlim: tuple[float, float] | None = None) -> Chart:
    """Draw `series` ((name, xs, ys) tuples or Series) in a `width` x `height` character plot area.

    Non-finite values (and, with `logy`, values <= 0) are left out and break
    the line there. `style` is "braille", "markers" or "auto" (braille for
    one curve, markers for several). The y axis is labelled at the top,
    middle and bottom rows, the x axis at its ends and middle. `xlim` widens
    the x axis to at least that range (charts of one run share its iterations).
    """
    if width < 8 or height < 2:
        raise ValueError("a text plot needs width >= 8 and height >= 2")
    items = as_series(series)
    points = [_points(s, logy) for s in items]
    drawn = [i for i, p in enumerate(points) if any(q is not None for q in p)]
    head = _heading(title, ylabel)
    if not drawn:
        lines = [line for line in head if line] + ["(no data)"]
        return Chart(lines, [[None] * len(line) for line in lines], items)
    braille = style == "braille" or (style == "auto" and len(drawn) == 1)
    sx, sy = (2, 4) if braille else (1, 1)
    xs = [q[0] for p in points for q in p if q is not None]
    ys = [q[1] for p in points for q in p if q is not None]
    x0, x1 = _span(xs + list(xlim or ()))
    y0, y1 = _span(ys)
    canvas = _Canvas(width, height, sx, sy, braille)
    # Faint curves first, so the curves drawn over them stay visible.
    for i in sorted(drawn, key=lambda k: not items[k].faint):
        canvas.draw(i, _marker(items[i]), [None if q is None else
                                           (_scale(q[0], x0, x1, width * sx), _scale(q[1], y1, y0, height * sy))
                                           for q in points[i]])
    return _assemble(canvas, items, drawn, head, (x0, x1, y0, y1), logy, xlabel, legend, braille, xs)


def _points(s: Series, logy: bool) -> list[tuple[float, float] | None]:
    out: list[tuple[float, float] | None] = []
    for x, y in zip(s.xs, s.ys):
        x, y = float(x), float(y)
        ok = math.isfinite(x) and math.isfinite(y) and (y > 0 or not logy)
        out.append((x, math.log10(y) if logy else y) if ok else None)
    return out


def _span(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if lo == hi:  # a flat curve or a single point: give the axis some extent
        pad = abs(lo) * 0.05 or 1.0
        return lo - pad, hi + pad
    return lo, hi


def _scale(v: float, lo: float, hi: float, pixels: int) -> int:
    """`v` in [lo, hi] onto pixel 0..pixels-1 (lo -> 0), rounding halves up."""
    return int(math.floor((v - lo) / (hi - lo) * (pixels - 1) + 0.5))


def _marker(s: Series) -> str:
    if s.marker:
        return s.marker
    return FAINT_MARKER if s.faint else MARKERS[(s.color or 0) % len(MARKERS)]


class _Canvas:
    """Character cells; braille cells accumulate dots, marker cells hold the last marker drawn."""

    def __init__(self, width: int, height: int, sx: int, sy: int, braille: bool):
        self.width, self.height, self.sx, self.sy, self.braille = width, height, sx, sy, braille
        self.bits = [[0] * width for _ in range(height)]
        self.chars = [[" "] * width for _ in range(height)]
        self.owner: list[list[int | None]] = [[None] * width for _ in range(height)]

    def draw(self, index: int, marker: str, pixels: list[tuple[int, int] | None]) -> None:
        previous = None
        for k, p in enumerate(pixels):
            if p is None:
                previous = None
                continue
            if previous is None:
                self._dot(index, marker, *p)
                if self.braille and (k + 1 == len(pixels) or pixels[k + 1] is None):
                    # a point on its own: one braille dot is hard to see, so draw 2 x 2 of them
                    for dx, dy in ((1, 0), (0, 1), (1, 1)):
                        self._dot(index, marker, p[0] ^ dx, p[1] ^ dy)
            else:
                (ax, ay), (bx, by) = previous, p
                n = max(abs(bx - ax), abs(by - ay))
                for k in range(1, n + 1):
                    self._dot(index, marker, ax + _half_up((bx - ax) * k / n), ay + _half_up((by - ay) * k / n))
            previous = p

    def _dot(self, index: int, marker: str, px: int, py: int) -> None:
        col, row = px // self.sx, py // self.sy
        if self.braille:
            self.bits[row][col] |= _DOT[(px % self.sx, py % self.sy)]
            self.chars[row][col] = chr(0x2800 + self.bits[row][col])
            here = self.owner[row][col]
            self.owner[row][col] = index if here in (None, index) else MIXED
        else:
            here, faint = self.owner[row][col], self.chars[row][col] == FAINT_MARKER or marker == FAINT_MARKER
            shared = here is not None and here != index and not faint
            self.chars[row][col] = SHARED_MARKER if shared else marker
            self.owner[row][col] = MIXED if shared else index


def _half_up(v: float) -> int:
    return int(math.floor(v + 0.5))


def _fmt(v: float, scale: float) -> str:
    if abs(v) < scale * 1e-9:  # rounding noise around zero prints as 0, not 1e-17
        return "0"
    return f"{v:.4g}"


def _heading(title: str, ylabel: str) -> list[str]:
    """The lines above the plot: the title (centred later) and the y label."""
    return [title, ylabel]


def _assemble(canvas: _Canvas, items: list[Series], drawn: list[int], head: list[str],
              box: tuple[float, float, float, float], logy: bool, xlabel: str, legend: bool, braille: bool,
              xs: list[float]) -> Chart:
    x0, x1, y0, y1 = box
    width, height = canvas.width, canvas.height
    rows_px = height * canvas.sy

    def y_at(py: float) -> float:
        v = y1 - py / (rows_px - 1) * (y1 - y0)
        return 10 ** v if logy else v

    mid = (height - 1) // 2
    ticks = {0: 0.0, height - 1: float(rows_px - 1)}
    if height >= 5:
        ticks[mid] = mid * canvas.sy + (canvas.sy - 1) / 2
    scale = max(abs(y_at(0)), abs(y_at(rows_px - 1)))
    labels = {row: _fmt(y_at(py), scale) for row, py in ticks.items()}
    lw = max(len(t) for t in labels.values())
    lines: list[str] = []
    owners: list[list[int | None]] = []

    def add(text: str, own: list[int | None] | None = None) -> None:
        text = text.rstrip()
        own = (own or [])[: len(text)]
        lines.append(text)
        owners.append(own + [None] * (len(text) - len(own)))

    pad = " " * (lw + 2)
    title, ylabel = head
    if title:  # centred over the plot area
        add(pad + title.center(width))
    if ylabel:  # above the axis labels
        add(ylabel)
    for r in range(height):
        prefix = (labels[r].rjust(lw) + " ┤") if r in labels else (" " * lw + " │")
        add(prefix + "".join(canvas.chars[r]), [None] * len(prefix) + canvas.owner[r])
    tick_cols = {0, width - 1, (width - 1) // 2}
    add(" " * lw + " └" + "".join("┬" if c in tick_cols else "─" for c in range(width)))
    add(pad + _x_labels(x0, x1, width, xs))
    if xlabel:
        add(pad + xlabel.center(width))
    if legend and len(items) > 1:
        text, own = pad, [None] * len(pad)
        for i in drawn:
            entry = f"{BRAILLE_LEGEND if braille else _marker(items[i])} {items[i].name}"
            sep = "   " if text.strip() else ""
            text += sep + entry
            own += [None] * len(sep) + [i] * len(entry)
        if not braille and any(MIXED in row for row in canvas.owner):
            entry = f"{SHARED_MARKER} several"
            text += "   " + entry
            own += [None] * 3 + [MIXED] * len(entry)
        add(text, own)
    return Chart(lines, owners, items)


def _x_labels(x0: float, x1: float, width: int, xs: list[float]) -> str:
    """The x values at the axis' ends and middle (whole numbers when every x is one, e.g. iterations)."""
    integral = x1 - x0 >= 2 and all(float(x).is_integer() for x in xs)

    def fmt(v: float) -> str:
        return str(_half_up(v)) if integral else _fmt(v, max(abs(x0), abs(x1)))

    left, right, middle = fmt(x0), fmt(x1), fmt((x0 + x1) / 2)
    row = [" "] * width
    row[: len(left)] = left
    start = max(0, width - len(right))
    row[start:] = right[: width - start]
    m0 = (width - 1) // 2 - len(middle) // 2
    if m0 > len(left) + 1 and m0 + len(middle) < start - 1:  # only where it does not touch the end labels
        row[m0:m0 + len(middle)] = middle
    return "".join(row)
