"""Runs into chart panels: which charts, smoothing, log-scale learning rates."""

from __future__ import annotations

import math

import pytest
from compare_helpers import CAFFE_LOG, METRICS

from sgdtrain.errors import ConfigError
from sgdtrain.report.charts import auto_window, panels, parse_what, schedule_panel, smooth
from sgdtrain.report.runs import load_runs


def test_smooth_is_a_trailing_mean_that_skips_nan():
    assert smooth([1, 2, 3, 4, math.nan, 6], 3) == [1.0, 1.5, 2.0, 3.0, 3.5, 5.0]
    assert smooth([5.0, 7.0], 1) == [5.0, 7.0]
    assert auto_window(10) == 1 and auto_window(200) == 10


def test_parse_what():
    assert parse_what("loss, test") == ["loss", "test"]
    with pytest.raises(ConfigError, match="unknown"):
        parse_what("loss,acc")


def test_panels_of_two_runs():
    runs = load_runs([METRICS, CAFFE_LOG])
    out = panels(runs, ["loss", "lr", "test"])
    assert [p.title for p in out] == ["train loss", "learning rate", "test accuracy", "test loss"]
    loss = out[0]
    assert [(s.name, s.faint) for s in loss.series] == [
        ("small_sgd (each display)", True), ("small_sgd", False),
        ("caffe_sgd_inv_first60 (each display)", True), ("caffe_sgd_inv_first60 (mean of 3)", False)]
    assert [s.color for s in loss.series] == [0, 0, 1, 1]  # a run keeps its colour
    assert all(p.xlim == (0.0, 60.0) for p in out)  # every chart spans the longest run
    assert [s.name for s in panels(runs, ["loss"], raw=False)[0].series] == [
        "small_sgd", "caffe_sgd_inv_first60 (mean of 3)"]


def test_lr_charts_go_log_scale_when_the_rate_spans_decades():
    decades = schedule_panel({"a": [0.1, 0.01, 0.001], "b": [0.1, 0.1, 0.1]})
    assert decades.logy and decades.title == "learning rate (log scale)"
    assert not schedule_panel({"a": [0.01, 0.009]}).logy
