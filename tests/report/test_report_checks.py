"""--fail-if-worse: parsing METRIC:TOL and judging later runs against the first."""

from __future__ import annotations

import math

import pytest

from sgdtrain.errors import ConfigError
from sgdtrain.report.checks import Threshold, evaluate, parse_threshold
from sgdtrain.report.summary import RunSummary, Stat


def summary(name, **finals):
    return RunSummary(name, name, "sgdtrain", 10, None, {m: Stat(v, 10, v, 10) for m, v in finals.items()})


@pytest.mark.parametrize("text, expected", [
    ("accuracy:0.01", Threshold("accuracy", 0.01, "max")),
    ("loss:0.05", Threshold("loss", 0.05, "min")),
    ("max:score:0.1", Threshold("score", 0.1, "max")),
    ("min:accuracy:0", Threshold("accuracy", 0.0, "min")),
    ("train_loss:1e-3", Threshold("train_loss", 0.001, "min")),
])
def test_parse(text, expected):
    assert parse_threshold(text) == expected


@pytest.mark.parametrize("text", ["accuracy", ":0.1", "accuracy:x", "accuracy:-1", "a:b:c:d", "up:acc:1",
                                  "accuracy:nan"])
def test_parse_refuses_bad_input(text):
    with pytest.raises(ConfigError) as info:
        parse_threshold(text)
    assert info.value.exit_code == 2 and "--fail-if-worse" in str(info.value)


def test_evaluate_in_both_directions():
    base, better, worse = (summary("base", accuracy=0.80, loss=0.50), summary("better", accuracy=0.85, loss=0.45),
                           summary("worse", accuracy=0.78, loss=0.56))
    results = evaluate([base, better, worse], [parse_threshold("accuracy:0.01"), parse_threshold("loss:0.05")])
    assert [(r.threshold.metric, r.run, r.failed) for r in results] == [
        ("accuracy", "better", False), ("accuracy", "worse", True), ("loss", "better", False), ("loss", "worse", True)]
    assert results[1].worse_by == pytest.approx(0.02)
    assert results[1].describe() == ("FAIL: accuracy of worse is 0.78 against 0.8 (higher is better; worse by 0.02, "
                                     "tolerance 0.01)")
    within = evaluate([base, worse], [parse_threshold("accuracy:0.05")])
    assert not within[0].failed and within[0].as_dict()["failed"] is False


def test_nan_is_always_worse():
    results = evaluate([summary("a", loss=0.5), summary("b", loss=math.nan)], [parse_threshold("loss:100")])
    assert results[0].failed and results[0].as_dict()["worse_by"] is None


def test_missing_metric_or_a_single_run_is_a_usage_error():
    with pytest.raises(ConfigError, match="has no final value of top5"):
        evaluate([summary("a", accuracy=0.5), summary("b", accuracy=0.5)], [parse_threshold("top5:0.1")])
    with pytest.raises(ConfigError, match="at least two runs"):
        evaluate([summary("a", accuracy=0.5)], [parse_threshold("accuracy:0.1")])
    assert evaluate([summary("a", accuracy=0.5)], []) == []
