"""sgdtrain's workflow extensions: epoch units, the plateau policy, early stopping,
the best snapshot, keeping the last K snapshots, and divergence detection."""

from __future__ import annotations

import re
from contextlib import chdir

from cli_helpers import run_cli
from conftest import LMDB_ORACLE
from solver_helpers import SMALL_NET, SOLVERS, TEST, write_config

from sgdtrain.snapshot import read_solverstate

# The test set: exactly the 1000 records one test covers (20 x 50), so with no learning
# every test reports the same values.
FIXED_TEST = SMALL_NET.replace(str(TEST), str(LMDB_ORACLE / "fashion_t10k_first1000_lmdb"))
STILL = 'type: "SGD" base_lr: 0.0 lr_policy: "fixed"'


def run(folder, solver_text, net=SMALL_NET, *flags):
    path = write_config(folder, solver_text)
    if net is FIXED_TEST:  # one test covers the whole 1000-record test set
        path.write_text(path.read_text().replace("test_iter: 3", "test_iter: 20"))
    (folder / "net.prototxt").write_text(net)
    with chdir(folder):
        return run_cli("train", "--solver", "solver.prototxt", "--no-progress", *flags)


def test_epoch_units_become_iterations(tmp_path):
    body = SOLVERS["SGD"] + "\nmax_epoch: 0.02 test_epoch: 0.01 snapshot_epoch: 0.01"
    r = run(tmp_path, body.replace("max_iter: 16", "").replace("snapshot: 8", ""))
    assert r.code == 0, r.err[-1500:]
    assert "max_epoch 0.02 = max_iter 20 (16000 records / (16 x iter_size 1) = 1000 iterations per epoch)" in r.err
    assert "Iteration 10, Testing net (#0)" in r.err and "Iteration 20, Testing net (#0)" in r.err
    assert sorted(p.name for p in (tmp_path / "snaps").glob("*.caffemodel")) == [
        "small_iter_10.caffemodel", "small_iter_20.caffemodel"]


def test_plateau_drops_the_rate_when_the_test_loss_stalls(tmp_path):
    # an improvement must halve the test loss, which it never does in 16 iterations
    r = run(tmp_path, ('type: "SGD" base_lr: 0.01 lr_policy: "plateau" gamma: 0.5 plateau_patience: 2 '
                       "plateau_threshold: 0.5"), FIXED_TEST)
    assert r.code == 0, r.err[-1500:]
    plateaus = re.findall(r"Plateau at iteration (\d+): loss has not improved for 2 tests .*; lr (\S+) -> (\S+)", r.err)
    assert plateaus == [("8", "0.01", "0.005"), ("16", "0.005", "0.0025")]
    assert "Iteration 8, lr = 0.005" in r.err and "Iteration 16, lr = 0.0025" not in r.err


def test_early_stopping(tmp_path):
    r = run(tmp_path, STILL + " early_stop_patience: 2", FIXED_TEST)
    assert r.code == 0, r.err[-1500:]
    assert "Early stopping at iteration 8: loss has not improved for 2 tests (best" in r.err
    assert "Optimization stopped early." in r.err
    assert read_solverstate(tmp_path / "snaps" / "small_iter_8.solverstate").iter == 8


def test_best_snapshot_follows_the_best_test_accuracy(tmp_path):
    r = run(tmp_path, SOLVERS["SGD"] + ' snapshot_best: "accuracy"')
    assert r.code == 0, r.err[-1500:]
    bests = re.findall(r"New best accuracy (\S+) at iteration (\d+)", r.err)
    assert bests and all(float(a) < float(b) for (a, _), (b, _) in zip(bests, bests[1:]))
    assert read_solverstate(tmp_path / "snaps" / "small_best.solverstate").iter == int(bests[-1][1])
    tests = [float(v) for v in re.findall(r"Test net output #0: accuracy = (\S+)", r.err)]
    assert float(bests[-1][0]) == max(tests)


def test_keep_only_the_last_k_snapshots(tmp_path):
    write_config(tmp_path, SOLVERS["SGD"] + " keep_snapshots: 2")
    (tmp_path / "solver.prototxt").write_text((tmp_path / "solver.prototxt").read_text().replace("snapshot: 8",
                                                                                                "snapshot: 2"))
    with chdir(tmp_path):
        r = run_cli("train", "--solver", "solver.prototxt", "--no-progress")
    assert r.code == 0, r.err[-1500:]
    assert sorted(p.name for p in (tmp_path / "snaps").glob("small_iter_*")) == [
        "small_iter_14.caffemodel", "small_iter_14.solverstate", "small_iter_16.caffemodel",
        "small_iter_16.solverstate"]
    assert r.err.count("Removed old snapshot") == 6


def test_keep_snapshots_counts_the_final_snapshot(tmp_path):
    write_config(tmp_path, SOLVERS["SGD"] + " keep_snapshots: 2")
    (tmp_path / "solver.prototxt").write_text((tmp_path / "solver.prototxt").read_text().replace("snapshot: 8",
                                                                                                "snapshot: 5"))
    with chdir(tmp_path):
        r = run_cli("train", "--solver", "solver.prototxt", "--no-progress")
    assert r.code == 0, r.err[-1500:]
    # periodic snapshots at 5, 10, 15, the final one at 16: the newest two remain
    assert sorted(p.name for p in (tmp_path / "snaps").glob("small_iter_*.caffemodel")) == [
        "small_iter_15.caffemodel", "small_iter_16.caffemodel"]


def test_divergence_stops_with_advice_and_keeps_the_last_good_snapshot(tmp_path):
    body = 'type: "SGD" base_lr: 1000000 momentum: 0.9 lr_policy: "fixed"'
    write_config(tmp_path, body)
    (tmp_path / "solver.prototxt").write_text((tmp_path / "solver.prototxt").read_text()
                                              .replace("snapshot: 8", "snapshot: 1"))
    with chdir(tmp_path):
        r = run_cli("train", "--solver", "solver.prototxt", "--no-progress")
    assert r.code == 1
    message = r.err.strip().splitlines()[-1]
    m = re.search(r"training diverged at iteration (\d+): the loss is (nan|inf)\. The last good snapshot, "
                  r"snaps/small_iter_(\d+)\.solverstate, is intact", message)
    assert m, message
    assert "Lower base_lr (now 1e+06; try 100000)" in message
    last = int(m.group(3))
    assert read_solverstate(tmp_path / "snaps" / f"small_iter_{last}.solverstate").iter == last
    assert not (tmp_path / "snaps" / f"small_iter_{int(m.group(1)) + 1}.caffemodel").exists()


def test_unknown_monitored_output_is_a_config_error(tmp_path):
    r = run(tmp_path, SOLVERS["SGD"] + ' snapshot_best: "acc"')
    assert r.code == 2
    assert "`snapshot_best: \"acc\"` names no output of test net #0 (its outputs: accuracy, loss)" in r.err
