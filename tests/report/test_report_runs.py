"""Runs read back as curves: sgdtrain metrics records and real Caffe logs, into one structure."""

from __future__ import annotations

import pytest
from compare_helpers import CAFFE_LOG, METRICS, classic_prefix, write_records

from sgdtrain.errors import ConfigError
from sgdtrain.report.runs import load_run, load_runs, unique_names


def test_metrics_record():
    run = load_run(METRICS)
    assert (run.name, run.kind, run.last_iter) == ("small_sgd", "sgdtrain", 16)
    assert run.loss.iters == list(range(16)) and run.smoothed.iters == list(range(16))
    assert run.lr.values[0] == pytest.approx(0.01) and run.lr.values[1] == pytest.approx(0.00999925)
    assert set(run.tests) == {"accuracy", "loss"} and run.tests["accuracy"].iters == [0, 4, 8, 12, 16]
    assert run.final_loss == pytest.approx(2.310417652130127)
    assert 0 < run.wall < 60


@pytest.mark.parametrize("classic", [False, True])
def test_real_caffe_log_with_and_without_the_year(classic, tmp_path):
    path = classic_prefix(CAFFE_LOG, tmp_path / "old.log") if classic else CAFFE_LOG
    run = load_run(path)
    assert run.kind == "caffe-log" and run.loss.iters == list(range(61))
    assert run.loss.values[:2] == [2.33144, 2.28639] and run.smoothed.values[60] == 0.886521
    assert run.lr.values[:3] == [0.01, 0.00999925, 0.0099985]
    assert run.tests == {"accuracy": run.tests["accuracy"], "loss": run.tests["loss"]}
    assert (run.tests["accuracy"].iters, run.tests["accuracy"].values) == ([0], [0.1085])
    assert run.tests["loss"].values == [2.33265]
    assert run.last_iter == 60 and run.final_loss is None  # the excerpt stops before the final line
    assert run.wall == pytest.approx(29.412755 - 26.137403, abs=1e-6)  # from `Solving` to the last line read


def test_a_directory_holding_one_record(tmp_path):
    (tmp_path / "snaps").mkdir()
    (tmp_path / "snaps" / "lenet.metrics.jsonl").write_text(METRICS.read_text())
    assert load_run(tmp_path / "snaps").name == "lenet"
    assert load_run(tmp_path).name == "lenet"  # found one level down too


def test_the_last_run_in_a_record_counts_and_resumes_continue_it(tmp_path):
    def start(resumed=None):
        return {"event": "start", "iter": 0, "wall": 0.0, "resumed_from": resumed}

    def display(it, loss):
        return {"event": "display", "iter": it, "wall": 1.0, "lr": 0.1, "loss": loss, "smoothed_loss": loss,
                "outputs": {"loss": loss}}

    records = [start(), display(0, 9.0), display(1, 9.0), {"event": "finish", "iter": 2, "wall": 2.0,
                                                          "final_loss": 9.0},
               start(), display(0, 3.0), display(1, 2.0), {"event": "test", "iter": 2, "wall": 3.0, "net": 0,
                                                          "outputs": {"accuracy": 0.5, "prob": [0.1, 0.9]}},
               {"event": "finish", "iter": 2, "wall": 4.0, "final_loss": 1.5},
               {**start("x_iter_1.solverstate"), "iter": 1}, display(1, 1.8), display(2, 1.6),
               {"event": "finish", "iter": 3, "wall": 1.5, "final_loss": 1.2}]
    run = load_run(write_records(tmp_path / "r.metrics.jsonl", records))
    assert run.loss.values == [3.0, 1.8, 1.6]  # the second run; the resume redid iteration 1
    assert run.tests["accuracy"].values == [0.5] and "prob" not in run.tests  # vectors are not curves
    assert (run.last_iter, run.final_loss, run.wall) == (3, 1.2, 5.5)


def test_test_outputs_of_a_second_test_net_are_named_apart(tmp_path):
    records = [{"event": "test", "iter": 0, "net": n, "outputs": {"accuracy": 0.1 * (n + 1)}} for n in (0, 1)]
    run = load_run(write_records(tmp_path / "t.metrics.jsonl", records))
    assert run.tests["accuracy"].values == [0.1] and run.tests["accuracy#1"].values == [0.2]


def test_names_are_made_unique():
    assert unique_names(["a", "a", "b"], ["x", "y", "z"]) == ["x/a", "y/a", "b"]
    assert unique_names(["a", "a"], ["x", "x"]) == ["x/a", "x/a#2"]
    runs = load_runs([METRICS, METRICS])
    assert [r.name for r in runs] == ["compare/small_sgd", "compare/small_sgd#2"]


@pytest.mark.parametrize("content, message", [
    ("hello\nworld\n", "neither an sgdtrain metrics record nor a Caffe training log"),
    ('{"no": "event"}\n', "holds no sgdtrain metrics records"),
])
def test_files_that_are_not_runs(tmp_path, content, message):
    (tmp_path / "x.txt").write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_run(tmp_path / "x.txt")


def test_missing_runs_and_directories_without_a_record(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_run(tmp_path / "nope.log")
    with pytest.raises(ConfigError, match="holds no metrics record"):
        load_run(tmp_path)
    for name in ("a", "b"):
        (tmp_path / f"{name}.metrics.jsonl").write_text(METRICS.read_text())
    with pytest.raises(ConfigError, match="holds 2 metrics records"):
        load_run(tmp_path)
