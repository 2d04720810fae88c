"""SIGINT and SIGHUP during training, with Caffe's --sigint-effect / --sighup-effect."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from solver_helpers import SOLVERS, write_config

from sgdtrain.snapshot import read_solverstate


def start(folder, *flags):
    write_config(folder, SOLVERS["SGD"], "").write_text(
        (folder / "solver.prototxt").read_text().replace("max_iter: 16", "max_iter: 100000")
        .replace("snapshot: 8", "snapshot: 0").replace("test_interval: 4", "test_interval: 100000"))
    return subprocess.Popen([sys.executable, "-m", "sgdtrain", "train", "--solver", "solver.prototxt",
                             "--no-progress", *flags], cwd=folder, stderr=subprocess.PIPE, text=True)


def wait_for(proc, text, timeout=60):
    seen = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stderr.readline()
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"never saw {text!r}")


def test_sigint_stops_after_a_final_snapshot(tmp_path):
    proc = start(tmp_path)
    wait_for(proc, "Iteration 20, lr")
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert "Optimization stopped early." in rest and "Snapshotting solver state" in rest
    (state,) = list((tmp_path / "snaps").glob("*.solverstate"))
    assert read_solverstate(state).iter >= 21


def test_sighup_snapshots_and_goes_on(tmp_path):
    proc = start(tmp_path)
    wait_for(proc, "Iteration 10, lr")
    proc.send_signal(signal.SIGHUP)
    wait_for(proc, "Snapshotting solver state")
    wait_for(proc, "Iteration 40, lr")  # still training
    proc.send_signal(signal.SIGINT)
    proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert len(list((tmp_path / "snaps").glob("*.solverstate"))) == 2


def test_sigint_effect_none_ignores_ctrl_c(tmp_path):
    proc = start(tmp_path, "--sigint-effect", "none", "--sighup-effect", "stop")
    wait_for(proc, "Iteration 10, lr")
    proc.send_signal(signal.SIGINT)
    wait_for(proc, "Iteration 30, lr")  # Ctrl-C did nothing
    proc.send_signal(signal.SIGHUP)  # this one stops
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 0 and "Optimization stopped early." in rest
