"""The summary of runs: final and best values, which way is better, deltas against the first run."""

from __future__ import annotations

import math

import pytest

from sgdtrain.report.runs import Curve, Run
from sgdtrain.report.summary import TRAIN_LOSS, direction, metric_names, summarize


def make_run(name, accuracy, loss, smoothed, final_loss=None, last_iter=20):
    iters = [0, 10, 20][: len(accuracy)]
    return Run(name, f"{name}.log", "caffe-log", smoothed=Curve([0, 10, 20][: len(smoothed)], smoothed),
               tests={"accuracy": Curve(iters, accuracy), "loss": Curve(iters, loss)},
               final_loss=final_loss, last_iter=last_iter, wall=2.0)


@pytest.mark.parametrize("name, way", [("accuracy", "max"), ("top-5", "max"), ("acc@1", "max"), ("loss", "min"),
                                       ("accuracy_loss", "min"), ("error", "min"), ("mse", "min"),
                                       ("train_loss", "min"), ("mAP", "max")])
def test_direction(name, way):
    assert direction(name) == way


def test_final_best_and_deltas():
    a = make_run("a", [0.1, 0.8, 0.7], [2.3, 0.5, 0.6], [2.0, 1.0, 0.9], final_loss=0.8)
    b = make_run("b", [0.1, 0.85, 0.9], [2.3, 0.4, 0.3], [2.0, 0.7, 0.95])
    sa, sb = summarize([a, b])
    assert metric_names([a, b]) == ["accuracy", "loss", TRAIN_LOSS]
    assert (sa.stats["accuracy"].final, sa.stats["accuracy"].best, sa.stats["accuracy"].best_iter) == (0.7, 0.8, 10)
    assert (sa.stats["loss"].best, sa.stats["loss"].best_iter) == (0.5, 10)
    # train_loss: the loss after the last update where recorded, else the last printed one
    assert (sa.stats[TRAIN_LOSS].final, sa.stats[TRAIN_LOSS].best, sa.stats[TRAIN_LOSS].best_iter) == (0.8, 0.8, 20)
    assert (sb.stats[TRAIN_LOSS].final, sb.stats[TRAIN_LOSS].best, sb.stats[TRAIN_LOSS].best_iter) == (0.95, 0.7, 10)
    assert sa.delta == {"accuracy": None, "loss": None, TRAIN_LOSS: None}
    assert sb.delta["accuracy"] == pytest.approx(0.2) and sb.delta["loss"] == pytest.approx(-0.3)
    assert sb.delta[TRAIN_LOSS] == pytest.approx(0.15)
    d = sb.as_dict()
    assert set(d) == {"name", "source", "kind", "iterations", "wall_seconds", "final", "final_iter", "best",
                      "best_iter", "delta"}


def test_metrics_a_run_lacks_and_nan_values():
    a = make_run("a", [0.5], [1.0], [1.0])
    b = Run("b", "b.log", "caffe-log", smoothed=Curve([0, 1], [1.0, math.nan]), tests={"top5": Curve([0], [0.9])})
    sa, sb = summarize([a, b])
    assert list(sa.stats) == ["accuracy", "loss", "top5", TRAIN_LOSS]
    assert sa.stats["top5"].final is None and sb.stats["accuracy"].final is None and sb.delta["accuracy"] is None
    assert math.isnan(sb.stats[TRAIN_LOSS].final) and sb.stats[TRAIN_LOSS].best == 1.0
