"""`sgdtrain plot`: learning curves from metrics records and Caffe logs, in the terminal and as PNG."""

from __future__ import annotations

import sys

import pytest
from cli_helpers import run_cli
from compare_helpers import CAFFE_LOG, METRICS, classic_prefix
from png_helpers import assert_real_png

TEST_ACCURACY = """\
                      test accuracy
accuracy
0.09333 ┤                          ⢀⡠⠔⠊⠑⠒⠤⢄⡀
        │                       ⢀⠤⠒⠁       ⠈⠉⠒⠢⠤⣀
 0.0658 ┤                    ⡠⠔⠊⠁
        │                ⣀⠤⠒⠉
        │            ⣀⠤⠒⠉
0.02667 ┤⣀⣀⣀⠤⠤⠤⠤⠤⠒⠒⠒⠉
        └┬──────────────────┬───────────────────┬
         0                  8                  16
                        iteration
"""


@pytest.fixture(autouse=True)
def plain_output(monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def test_terminal_chart_of_a_metrics_record_is_exact():
    r = run_cli("plot", str(METRICS), "--what", "test", "--width", "40", "--height", "6")
    assert r.code == 0, r.err
    assert r.out.split("\n\n")[0] + "\n" == TEST_ACCURACY
    assert r.out.split("\n\n")[1].splitlines()[0].strip() == "test loss"


def test_all_charts_of_a_caffe_log_raw_and_smoothed_loss(tmp_path):
    for log in (CAFFE_LOG, classic_prefix(CAFFE_LOG, tmp_path / "old.log")):
        r = run_cli("plot", str(log), "--height", "6")
        assert r.code == 0, r.err
        titles = [block.splitlines()[0].strip() for block in r.out.split("\n\n")]
        assert titles == ["train loss", "learning rate", "test accuracy", "test loss"]
        assert r.out.split("\n\n")[0].splitlines()[-1].strip() == ". train loss (each display)   " \
                                                                  "* train loss (mean of 3)"


def test_smooth_and_what(tmp_path):
    r = run_cli("plot", str(CAFFE_LOG), "--what", "loss", "--smooth", "10")
    assert r.code == 0 and "train loss (mean of 10)" in r.out and "learning rate" not in r.out


@pytest.mark.parametrize("args, message", [
    (["--what", "loss,accuracy"], "--what 'loss,accuracy' names no chart or an unknown one (accuracy)"),
    (["nope.log"], "the run 'nope.log' does not exist"),
])
def test_bad_input_exit_2(args, message):
    r = run_cli("plot", *([str(METRICS)] if args[0].startswith("--") else []), *args)
    assert r.code == 2 and r.err.startswith("sgdtrain: error: ") and message in r.err and "Traceback" not in r.err


def test_png_of_two_runs(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "curves.png"
    r = run_cli("plot", str(METRICS), str(CAFFE_LOG), "--png", str(out), "--no-plot")
    assert (r.code, r.out) == (0, "") and r.err.strip() == f"wrote {out}"
    assert_real_png(out, min_width=800, min_height=1000)  # four panels stacked


def test_compare_png(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "compare.png"
    r = run_cli("compare", "--runs", str(METRICS), str(CAFFE_LOG), "--png", str(out), "--no-plot")
    assert r.code == 0 and f"wrote {out}" in r.err
    assert_real_png(out, min_height=700)


def test_png_without_matplotlib_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    r = run_cli("plot", str(METRICS), "--png", str(tmp_path / "x.png"))
    assert r.code == 2 and r.out == ""  # checked before anything is drawn
    assert r.err.startswith("sgdtrain: error: writing a PNG needs matplotlib")
    assert "pip install 'sgdtrain[plot]'" in r.err and len(r.err.strip().splitlines()) == 1
    assert not (tmp_path / "x.png").exists()
