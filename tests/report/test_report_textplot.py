"""The text plotter: golden charts (exact text), and the rules behind them."""

from __future__ import annotations

import math

import pytest

from sgdtrain.report.series import Series
from sgdtrain.report.textplot import MIXED, plot, render

LOSS = ("loss", [0, 1, 2, 3, 4, 5, 6, 7, 8], [2.0, 1.5, 1.2, 1.0, 0.9, 0.85, 0.8, 0.78, 0.77])


def test_one_curve_is_drawn_in_braille_with_labelled_axes():
    assert plot([LOSS], width=24, height=6, title="train loss", xlabel="iteration", ylabel="loss") == [
        "              train loss",
        "loss",
        "    2 ┤⠱⡀",
        "      │ ⠘⢄",
        "1.492 ┤  ⠈⠢⡀",
        "      │    ⠈⠢⡀",
        "      │      ⠈⠑⠤⣀",
        " 0.77 ┤          ⠉⠑⠒⠢⠤⠤⠤⠤⠤⣀⣀⣀⣀⣀",
        "      └┬──────────┬───────────┬",
        "       0          4           8",
        "              iteration",
    ]


def test_several_curves_get_one_marker_each_and_a_legend():
    series = [("inv", [0, 10, 20, 30, 40], [1, 0.8, 0.6, 0.5, 0.45]), ("fixed", [0, 10, 20, 30, 40], [0.7] * 5)]
    assert plot(series, width=24, height=6, xlabel="iteration") == [
        "   1 ┤**",
        "     │  ***",
        "0.78 ┤     ***",
        "     │++++++++===+++++++++++++",
        "     │           ****",
        "0.45 ┤               *********",
        "     └┬──────────┬───────────┬",
        "      0         20          40",
        "             iteration",
        "      * inv   + fixed   = several",
    ]


def test_identical_curves_show_as_shared_not_hidden():
    xs, ys = [0, 10, 20], [1.0, 0.5, 0.25]
    lines = plot([("sgdtrain", xs, ys), ("caffe", xs, ys)], width=12, height=4)
    body = "".join(lines[:4])
    assert "=" in body and "*" not in body and "+" not in body
    assert lines[-1].split() == ["*", "sgdtrain", "+", "caffe", "=", "several"]


def test_log_scale_labels_the_values_not_their_logarithms():
    assert plot([("lr", [0, 1, 2, 3], [1, 0.1, 0.01, 0.001])], width=16, height=4, logy=True) == [
        "    1 ┤⠑⠢⢄⡀",
        "      │   ⠈⠑⠒⠤⣀",
        "      │        ⠉⠒⠤⣀",
        "0.001 ┤            ⠉⠒⠤⣀",
        "      └┬──────┬───────┬",
        "       0      2       3",
    ]


def test_output_is_deterministic_and_has_no_trailing_spaces():
    xs = list(range(500))
    ys = [math.sin(x / 30) for x in xs]
    first = plot([("a", xs, ys), ("b", xs, [y / 2 for y in ys])], width=60, height=12)
    assert first == plot([("a", xs, ys), ("b", xs, [y / 2 for y in ys])], width=60, height=12)
    assert all(line == line.rstrip() for line in first)
    assert max(len(line) for line in first) <= 60 + 10  # the plot area and the y labels


def _dots(line: str) -> list[int]:
    """The number of braille dots in each braille character of `line`."""
    return [bin(ord(c) - 0x2800).count("1") for c in line if 0x2800 <= ord(c) <= 0x28FF]


def test_nan_breaks_the_line_and_logy_drops_non_positive_values():
    lines = plot([("a", [0, 1, 2], [1.0, math.nan, 3.0])], width=20, height=5)
    assert lines[:5] == ["3 ┤                   ⠛", "  │", "2 ┤", "  │", "1 ┤⣤"]  # two lone points, no line
    assert plot([("a", [0, 1], [0.0, -1.0])], width=20, height=5, logy=True) == ["(no data)"]


def test_no_data_and_a_lone_point():
    assert plot([("a", [], [])], title="t") == ["t", "(no data)"]
    lines = plot([("a", [5], [1.0])], width=20, height=5)
    assert _dots(lines[2]) == [4]  # a point on its own is drawn 2 x 2 dots large, to be seen
    assert lines[-1].split() == ["4.75", "5", "5.25"]  # a flat axis gets some extent


def test_xlim_widens_the_x_axis():
    lines = plot([("acc", [0], [0.1])], width=20, height=5, xlim=(0, 60))
    assert lines[-1].split() == ["0", "30", "60"]
    assert lines[2] == "  0.1 ┤⣤"


def test_owners_say_which_series_drew_each_character():
    chart = render([Series("a", [0, 2], [0, 1]), Series("b", [0, 1, 2], [0, 0.5, 0])], width=10, height=4,
                   style="braille")
    owners = {o for row in chart.owners for o in row if o is not None}
    assert owners == {0, 1, MIXED}  # MIXED where both drew in one cell (they start at the same point)
    assert chart.owners[3][len("0 ┤")] == MIXED
    assert all(len(own) == len(line) for line, own in zip(chart.lines, chart.owners))


def test_faint_series_are_drawn_first_with_dots():
    raw = Series("raw", [0, 1, 2], [1, 1, 1], faint=True, color=0)
    mean = Series("mean", [0, 1, 2], [1, 1, 1], color=0)
    lines = plot([mean, raw], width=10, height=3)
    assert "*" in lines[1] and "." not in lines[1]  # the smoothed curve stays on top
    assert lines[-1].strip() == "* mean   . raw"


def test_too_small_a_plot_is_refused():
    with pytest.raises(ValueError):
        plot([LOSS], width=4, height=6)
