"""PNG charts: written, decodable, of a sensible size and not blank."""

from __future__ import annotations

import pytest
from png_helpers import assert_real_png

from sgdtrain.report import png
from sgdtrain.report.series import Panel, Series

pytest.importorskip("matplotlib")


def test_save_lines_writes_a_chart(tmp_path):
    xs = list(range(100))
    out = png.save_lines(tmp_path / "sub" / "lr.png", [("inv", xs, [0.01 * (1 + 1e-4 * x) ** -0.75 for x in xs]),
                                                       ("fixed", xs, [0.01] * 100)],
                         title="learning rate", xlabel="iteration", ylabel="lr", logy=True)
    assert out == tmp_path / "sub" / "lr.png"
    assert_real_png(out)


def test_save_panels_stacks_panels_and_survives_empty_ones(tmp_path):
    loss = Panel([Series("raw", [0, 1, 2], [2.0, 1.0, 1.5], faint=True, color=0),
                  Series("smoothed", [0, 1, 2], [2.0, 1.5, 1.5], color=0)], "train loss", "iteration", "loss")
    empty = Panel([Series("accuracy", [], [])], "test accuracy", "iteration", "accuracy", xlim=(0, 2))
    out = png.save_panels(tmp_path / "curves.png", [loss, empty], title="run")
    assert_real_png(out, min_height=500)
