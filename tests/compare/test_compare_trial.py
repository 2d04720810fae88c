"""--train's copies of a solver: max_iter, snapshots and seed overridden, paths made absolute; short runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from solver_helpers import SOLVERS, write_config

from sgdtrain.compare.trial import prepare, run_trials, seed_of
from sgdtrain.config.solver import read_solver
from sgdtrain.errors import ConfigError
from sgdtrain.report.runs import load_run


def test_prepare_writes_a_copy_that_trains_n_iterations_elsewhere(tmp_path):
    solver = write_config(tmp_path / "cfg", SOLVERS["SGD"])
    work = tmp_path / "work"
    trial = prepare(solver, "sgd", 5, work, seed=42)
    copy = read_solver(trial.copy).param
    assert (copy.max_iter, copy.random_seed) == (5, 42)
    assert copy.snapshot_prefix == str(work / "sgd" / "sgd")
    assert Path(copy.net).is_absolute() and Path(copy.net).parent == work / "sgd"
    net = Path(copy.net).read_text()
    assert "train-first16000-images-idx3-ubyte.gz" in net and 'source: "/' in net  # absolute data sources
    assert trial.metrics == work / "sgd" / "sgd.metrics.jsonl"


def test_seed_is_the_first_solvers_or_caffes_1701(tmp_path):
    assert seed_of(write_config(tmp_path / "a", SOLVERS["SGD"])) == 7
    solver = write_config(tmp_path / "b", SOLVERS["SGD"])
    solver.write_text(solver.read_text().replace("random_seed: 7", ""))
    assert seed_of(solver) == 1701


def test_run_trials_in_parallel_from_another_directory(tmp_path, monkeypatch):
    a = write_config(tmp_path / "a", SOLVERS["SGD"])
    b = write_config(tmp_path / "b", SOLVERS["Adam"])
    monkeypatch.chdir(tmp_path / "a")  # relative paths of b's solver must still be found
    trials = [prepare(s, n, 3, tmp_path / "work", 7) for s, n in ((a, "a"), (b, "b"))]
    said = []
    run_trials(trials, jobs=2, say=said.append)
    assert said == [f"training a ({a}) ...", f"training b ({b}) ..."]
    runs = [load_run(t.metrics) for t in trials]
    assert [r.last_iter for r in runs] == [3, 3] and all(r.tests for r in runs)


def test_a_failing_run_is_reported_with_its_own_error(tmp_path):
    solver = write_config(tmp_path / "a", SOLVERS["SGD"])
    net = tmp_path / "a" / "net.prototxt"
    net.write_text(net.read_text().replace("t10k-images-idx3-ubyte.gz", "missing-images-idx3-ubyte"))
    trial = prepare(solver, "broken", 2, tmp_path / "work", 7)
    with pytest.raises(ConfigError) as info:
        run_trials([trial])
    message = str(info.value)
    assert message.startswith(f"training broken ({solver}) failed with exit status 2: ")
    assert "missing-images-idx3-ubyte" in message and str(trial.log) in message
