"""`sgdtrain compare`: semantic diffs of configurations, schedules, short runs and finished runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_helpers import run_cli
from compare_helpers import CAFFE_LOG, METRICS, classic_prefix
from conftest import EXAMPLES, REPO
from solver_helpers import SOLVERS, write_config

LENET = "configs/lenet_solver.prototxt"
MULTISTEP = "tests/data/caffe-examples/examples/mnist/lenet_multistep_solver.prototxt"
# SolverParameter's defaults (caffe.proto) for the fields only one of the two files sets.
CAFFE_DEFAULTS = {"power": "0", "gamma": "0", "random_seed": "-1", "stepvalue": "[]"}


@pytest.fixture
def at_repo(monkeypatch):
    monkeypatch.chdir(REPO)  # the paths in the brief's example are relative to the repository
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def top_level_fields(path: Path) -> dict[str, str]:
    """`key: value` lines of a solver file as written, repeated keys as `[a, b]`."""
    values: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            key, value = (part.strip() for part in line.split(":", 1))
            values.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 and k != "stepvalue" else "[" + ", ".join(v) + "]" for k, v in values.items()}


def test_lenet_against_multistep_prints_exactly_the_differences(at_repo):
    r = run_cli("compare", LENET, MULTISTEP, "--no-plot")
    assert r.code == 1 and r.err == ""
    lines = r.out.splitlines()
    # The solver lines, worked out from the two files by hand: every field either file sets, with Caffe's
    # default standing in for the side that leaves it out, printed where the two differ.
    a, b = top_level_fields(REPO / LENET), top_level_fields(REPO / MULTISTEP)
    expected = {f"{k}: {a.get(k, CAFFE_DEFAULTS.get(k))} -> {b.get(k, CAFFE_DEFAULTS.get(k))}"
                for k in a.keys() | b.keys() if a.get(k, CAFFE_DEFAULTS.get(k)) != b.get(k, CAFFE_DEFAULTS.get(k))}
    assert {line for line in lines if not line.startswith(("layer ", "lr "))} == expected
    assert len(expected) == 8  # net, lr_policy, gamma, power, stepvalue, snapshot_prefix, solver_mode, random_seed
    # Both nets are found (the multistep solver's beside it, under tests/data/caffe-examples); they differ in the
    # data layers only. inv and multistep share iteration 0's rate (0.01) and part at the first decay of inv.
    assert lines == [
        'net: "configs/lenet_train_test.prototxt" -> "examples/mnist/lenet_train_test.prototxt"',
        'lr_policy: "inv" -> "multistep"',
        "gamma: 0.0001 -> 0.9",
        "power: 0.75 -> 0",
        "stepvalue: [] -> [5000, 7000, 8000, 9000, 9500]",
        'snapshot_prefix: "snapshots/lenet/lenet" -> "examples/mnist/lenet_multistep"',
        "solver_mode: CPU -> GPU",
        "random_seed: 1701 -> -1",
        'layer mnist (TRAIN): data_param.source: "data/fashion-mnist/train-first16000-images-idx3-ubyte.gz" -> '
        '"examples/mnist/mnist_train_lmdb"',
        "layer mnist (TRAIN): data_param.backend: LEVELDB -> LMDB",
        'layer mnist (TEST): data_param.source: "data/fashion-mnist/t10k-images-idx3-ubyte.gz" -> '
        '"examples/mnist/mnist_test_lmdb"',
        "layer mnist (TEST): data_param.backend: LEVELDB -> LMDB",
        "lr schedules part at iteration 1: 0.00999925 vs 0.01",
    ]


def test_the_schedules_are_drawn_below_the_differences(at_repo):
    r = run_cli("compare", LENET, MULTISTEP, "--height", "8")
    diff, chart = r.out.split("\n\n")
    assert diff.splitlines()[-1] == "lr schedules part at iteration 1: 0.00999925 vs 0.01"
    chart = chart.splitlines()
    assert chart[0].strip() == "learning rate" and chart[-1].split() == ["*", "lenet_solver", "+",
                                                                         "lenet_multistep_solver", "=", "several"]
    assert chart[2].startswith("    0.01 ┤") and chart[-3].split() == ["0", "5000", "9999"]
    assert chart[9].startswith("0.005905 ┤")  # multistep's last rate, 0.01 * 0.9^5


def test_identical_files_print_nothing_and_exit_0(at_repo, tmp_path):
    assert run_cli("compare", LENET, LENET) == run_cli("compare", "--quiet", LENET, LENET)
    assert run_cli("compare", LENET, LENET).code == 0 and run_cli("compare", LENET, LENET).out == ""
    # the same settings spelled differently: comments, order, explicit defaults
    text = (REPO / LENET).read_text()
    same = tmp_path / "same.prototxt"
    same.write_text('momentum: 0.9\ntype: "SGD"\n' + re.sub(r"#[^\n]*", "", text).replace("momentum: 0.9\n", ""))
    r = run_cli("compare", LENET, str(same))
    assert (r.code, r.out) == (0, "")


def test_quiet_keeps_the_status(at_repo):
    r = run_cli("compare", "-q", LENET, MULTISTEP)
    assert (r.code, r.out, r.err) == (1, "", "")


def test_more_files_are_each_compared_with_the_first(at_repo):
    other = str(EXAMPLES / "examples" / "mnist" / "lenet_solver.prototxt")
    r = run_cli("compare", LENET, LENET, other, "--no-plot")
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[0] == f"== {other} against {LENET}"  # the identical second file prints nothing
    assert "lr schedules part" not in r.out and 'snapshot_prefix: "snapshots/lenet/lenet" -> ' \
        '"examples/mnist/lenet"' in lines


def test_a_net_that_cannot_be_found_is_said_and_the_settings_still_compared(at_repo, tmp_path):
    solver = tmp_path / "s.prototxt"
    solver.write_text((REPO / LENET).read_text().replace("configs/lenet_train_test", "elsewhere/lenet_train_test")
                      .replace("base_lr: 0.01", "base_lr: 0.02"))
    r = run_cli("compare", LENET, str(solver), "--no-plot")
    assert r.code == 1 and r.err == ""
    assert r.out.splitlines() == [
        'net: "configs/lenet_train_test.prototxt" -> "elsewhere/lenet_train_test.prototxt"',
        "base_lr: 0.01 -> 0.02",
        f'! the net file "elsewhere/lenet_train_test.prototxt" of {solver} was not found, so the nets were not '
        "compared",
        "lr schedules part at iteration 0: 0.01 vs 0.02",
    ]


def test_net_prototxts_are_compared_layer_by_layer(at_repo, tmp_path):
    net = tmp_path / "net.prototxt"
    net.write_text((REPO / "configs/lenet_train_test.prototxt").read_text().replace("num_output: 500",
                                                                                     "num_output: 400"))
    r = run_cli("compare", "configs/lenet_train_test.prototxt", str(net))
    assert (r.code, r.out) == (1, "layer ip1: inner_product_param.num_output: 500 -> 400\n")


@pytest.mark.parametrize("args, message", [
    ([LENET], "compare needs at least two files"),
    ([LENET, "configs/lenet_train_test.prototxt"], "cannot compare solver prototxts with net prototxts"),
    ([LENET, "nope.prototxt"], "'nope.prototxt' does not exist"),
    ([LENET, MULTISTEP, "--json", "--markdown"], "give one of them"),
    ([LENET, MULTISTEP, "--fail-if-worse", "accuracy"], "is not METRIC:TOL"),
    ([LENET, MULTISTEP, "--fail-if-worse", "accuracy:0.1"], "judges the results of runs, and there are none"),
    (["--runs", str(METRICS), "--train", "5"], "use one or the other"),
])
def test_bad_input_is_one_paragraph_and_exit_2(at_repo, args, message):
    r = run_cli("compare", *args)
    assert r.code == 2 and r.out == ""
    assert r.err.startswith("sgdtrain: error: ") and message in r.err
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err


RUNS_TABLE = """\
                           small_sgd   caffe_sgd_inv_first60
────────────────────────────────────────────────────────────
source               sgdtrain record               Caffe log
iterations                        16                      60
wall time                      0.1 s                   3.3 s
accuracy final ↑             0.07333       0.1085 (+0.03517)
accuracy best            0.09333 @12               0.1085 @0
loss final ↓                   2.279        2.333 (+0.05364)
loss best                  2.279 @16                2.333 @0
train_loss final ↓              2.31         0.8865 (-1.424)
train_loss best             2.291 @4              0.5585 @59
"""


def test_runs_overlay_an_sgdtrain_record_with_a_real_caffe_log(at_repo):
    r = run_cli("compare", "--runs", str(METRICS), str(CAFFE_LOG), "--height", "6")
    assert r.code == 0, r.err
    blocks = r.out.split("\n\n")
    assert [b.splitlines()[0].strip() for b in blocks[:3]] == ["train loss", "test accuracy", "test loss"]
    for chart in blocks[:3]:
        legend = chart.splitlines()[-1]
        assert "* small_sgd   + caffe_sgd_inv_first60" in legend  # both runs in every chart
        assert chart.splitlines()[-3].split() == ["0", "30", "60"]
    assert blocks[3] == RUNS_TABLE
    assert run_cli("compare", "--runs", str(METRICS), str(CAFFE_LOG), "--no-plot").out == RUNS_TABLE


def test_json_document(at_repo):
    r = run_cli("compare", LENET, MULTISTEP, "--json")
    doc = json.loads(r.out)
    assert r.code == doc["status"] == 1
    assert set(doc) == {"schema", "files", "comparisons", "runs", "metrics", "checks", "status"}
    (c,) = doc["comparisons"]
    assert (c["a"], c["b"], c["differ"]) == (LENET, MULTISTEP, True)
    assert c["settings"][1] == {"field": "lr_policy", "a": "inv", "b": "multistep"}
    assert c["settings"][4] == {"field": "stepvalue", "a": [], "b": [5000, 7000, 8000, 9000, 9500]}
    assert c["nets"][1] == {"scope": "layer mnist (TRAIN)", "field": "data_param.backend", "a": "LEVELDB", "b": "LMDB"}
    assert c["lr_parting"] == {"iteration": 1, "a": 0.00999925, "b": 0.01}
    assert c["lines"] == run_cli("compare", LENET, MULTISTEP, "--no-plot").out.splitlines()

    r = run_cli("compare", "--runs", str(METRICS), str(CAFFE_LOG), "--json", "--fail-if-worse", "loss:0.01")
    doc = json.loads(r.out)
    assert r.code == doc["status"] == 1
    first, second = doc["runs"]
    assert set(first) == {"name", "source", "kind", "iterations", "wall_seconds", "final", "final_iter", "best",
                          "best_iter", "delta"}
    assert (first["kind"], second["kind"], second["final"]["accuracy"]) == ("sgdtrain", "caffe-log", 0.1085)
    assert first["delta"] == {"accuracy": None, "loss": None, "train_loss": None}
    assert doc["metrics"] == {"accuracy": "max", "loss": "min", "train_loss": "min"}
    (check,) = doc["checks"]
    assert (check["metric"], check["direction"], check["failed"]) == ("loss", "min", True)
    assert check["worse_by"] == pytest.approx(2.33265 - first["final"]["loss"])


@pytest.mark.parametrize("checks, code", [
    (["accuracy:0.01"], 0),  # the second run's accuracy is higher
    (["train_loss:0"], 0),  # and its train loss lower
    (["loss:0.1"], 0),  # its test loss is 0.054 higher: within 0.1
    (["loss:0.01"], 1),  # but not within 0.01
    (["accuracy:0.01", "loss:0.01"], 1),
    (["min:accuracy:0.01"], 1),  # told that lower accuracy is better, the higher one is worse
])
def test_fail_if_worse_exit_status(at_repo, checks, code):
    args = [a for c in checks for a in ("--fail-if-worse", c)]
    r = run_cli("compare", "--runs", str(METRICS), str(CAFFE_LOG), "--no-plot", *args)
    assert r.code == code, r.out + r.err
    verdicts = [line.split(":")[0] for line in r.out.splitlines() if line.startswith(("ok:", "FAIL:"))]
    assert len(verdicts) == len(checks) and ("FAIL" in verdicts) == bool(code)
    assert run_cli("compare", "--runs", str(METRICS), str(CAFFE_LOG), "-q", *args) == type(r)(code, "", "")


def test_markdown(at_repo):
    r = run_cli("compare", "--runs", str(METRICS), str(CAFFE_LOG), "--markdown", "--fail-if-worse", "loss:0.01")
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[:4] == ["### Runs", "", "|  | small_sgd | caffe_sgd_inv_first60 |", "| --- | ---: | ---: |"]
    assert lines[-1].startswith("- **FAIL**: loss of caffe_sgd_inv_first60 is 2.33265 against 2.27901")
    r = run_cli("compare", LENET, MULTISTEP, "--markdown")
    assert r.out.splitlines()[:3] == [f"### `{MULTISTEP}` against `{LENET}`", "", "```text"]


def test_train_runs_each_solver_briefly_and_overlays_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    a = write_config(tmp_path / "sgd", SOLVERS["SGD"])
    b = write_config(tmp_path / "adam", SOLVERS["Adam"])
    r = run_cli("compare", str(a), str(b), "--train", "4", "--no-plot", "--json",
                "--fail-if-worse", "train_loss:100", "--workdir", str(tmp_path / "work"))
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert [run["name"] for run in doc["runs"]] == ["sgd_solver", "adam_solver"]
    assert [run["iterations"] for run in doc["runs"]] == [4, 4]
    assert [run["source"] for run in doc["runs"]] == [str(a), str(b)]
    assert doc["comparisons"][0]["differ"] and doc["checks"][0]["failed"] is False
    assert (tmp_path / "work" / "adam_solver" / "adam_solver.metrics.jsonl").exists()
    assert not (tmp_path / "snaps").exists()  # the snapshots went to the work directory

    r = run_cli("compare", str(a), str(b), "--train", "2", "--height", "5")
    assert r.code == 1  # without --fail-if-worse the status is the diff's
    assert "training 2 configurations for 2 iterations with random_seed 7" in r.err
    assert "train loss" in r.out
    assert any(line.split() == ["sgd_solver", "adam_solver"] for line in r.out.splitlines())  # the table


def test_train_refuses_net_prototxts(at_repo):
    r = run_cli("compare", "configs/lenet_train_test.prototxt", "configs/lenet_train_test.prototxt", "--train", "2")
    assert r.code == 2 and "--train needs solver prototxts" in r.err


def test_runs_from_a_fresh_training_directory_and_a_classic_prefix_caffe_log(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    solver = write_config(tmp_path, SOLVERS["SGD"])
    solver.write_text(solver.read_text().replace("max_iter: 16", "max_iter: 6"))
    assert run_cli("train", "--solver", "solver.prototxt", "--no-progress").code == 0
    old = classic_prefix(CAFFE_LOG, tmp_path / "caffe.log")
    r = run_cli("compare", "--runs", "snaps", str(old), "--no-plot", "--json")
    assert r.code == 0, r.err
    small, caffe = json.loads(r.out)["runs"]
    assert (small["name"], small["kind"], small["iterations"]) == ("small", "sgdtrain", 6)
    assert (caffe["name"], caffe["kind"], caffe["final"]["accuracy"]) == ("caffe", "caffe-log", 0.1085)
