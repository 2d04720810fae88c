"""Exact resume: N iterations + snapshot + resume for M gives bit-identical
weights, history and log values to N + M straight, for every solver type
(and across a multistep boundary); and real Caffe's solver states resume."""

from __future__ import annotations

import re
import shutil
from contextlib import chdir

import pytest
from cli_helpers import run_cli
from conftest import REFERENCE
from solver_helpers import SOLVERS, write_config

from sgdtrain.proto import caffe_pb2
from sgdtrain.snapshot import read_solverstate


def messages(log: str, start: int) -> list[str]:
    """The log's messages from `Iteration start, Testing net` on, with timings masked."""
    out, seen = [], False
    for line in log.splitlines():
        m = re.match(r"^[IWEF]\d{4} [\d:.]+ +\d+ \S+\] (.*)", line)
        if not m:
            continue
        msg = m.group(1)
        seen = seen or msg.startswith(f"Iteration {start}, Testing net")
        if seen and "Snapshotting" not in msg and "Optimization Done" not in msg:
            out.append(re.sub(r"\(\S+ iter/s, \S+s/", "(# iter/s, #s/", msg))
    return out


@pytest.mark.parametrize("kind", sorted(SOLVERS))
def test_snapshot_and_resume_is_bit_identical(tmp_path, kind):
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    solver = write_config(straight, SOLVERS[kind])
    with chdir(straight):
        r1 = run_cli("train", "--solver", str(solver), "--no-progress")
    assert r1.code == 0, r1.err[-1500:]
    write_config(resumed, SOLVERS[kind])
    (resumed / "snaps").mkdir()
    for ext in (".caffemodel", ".solverstate"):
        shutil.copy(straight / "snaps" / f"small_iter_8{ext}", resumed / "snaps" / f"small_iter_8{ext}")
    with chdir(resumed):
        r2 = run_cli("train", "--solver", "solver.prototxt", "--snapshot", "snaps/small_iter_8.solverstate",
                     "--no-progress")
    assert r2.code == 0, r2.err[-1500:]
    for ext in (".caffemodel", ".solverstate"):
        a = (straight / "snaps" / f"small_iter_16{ext}").read_bytes()
        b = (resumed / "snaps" / f"small_iter_16{ext}").read_bytes()
        assert a == b, f"{kind}: small_iter_16{ext} differs after resume"
    assert messages(r2.err, 8) == messages(r1.err, 8)
    state = read_solverstate(resumed / "snaps" / "small_iter_16.solverstate")
    assert state.iter == 16 and len(state.history) == (12 if kind in ("AdaDelta", "Adam", "AdamW") else 6)
    if kind == "multistep":
        assert state.current_step == 4


def test_resume_across_the_multistep_boundary_keeps_current_step(tmp_path):
    folder = tmp_path / "m"
    write_config(folder, SOLVERS["multistep"])
    with chdir(folder):
        r = run_cli("train", "--solver", "solver.prototxt", "--no-progress")
    assert r.code == 0
    # The snapshot at 8 is taken after update 7: the step counter advanced once (at 6);
    # the resumed run must take the steps at 8 and 9 exactly as the straight run does.
    assert read_solverstate(folder / "snaps" / "small_iter_8.solverstate").current_step == 1
    with chdir(folder):
        r2 = run_cli("train", "--solver", "solver.prototxt", "--snapshot", "snaps/small_iter_8.solverstate",
                     "--no-progress")
    for line in ("MultiStep Status: Iteration 8, step = 2", "MultiStep Status: Iteration 9, step = 3",
                 "Iteration 8, lr = 0.0025", "Iteration 9, lr = 0.00125"):
        assert line in r.err and line in r2.err


def test_resume_with_changed_lr_is_logged(tmp_path):
    folder = tmp_path / "c"
    write_config(folder, SOLVERS["SGD"])
    with chdir(folder):
        assert run_cli("train", "--solver", "solver.prototxt", "--no-progress").code == 0
        (folder / "solver.prototxt").write_text((folder / "solver.prototxt").read_text()
                                                .replace("base_lr: 0.01", "base_lr: 0.005")
                                                .replace("max_iter: 16", "max_iter: 20"))
        r = run_cli("train", "--solver", "solver.prototxt", "--snapshot", "snaps/small_iter_16.solverstate",
                    "--no-progress")
    assert r.code == 0, r.err[-1500:]
    assert "Resuming with changed solver settings: base_lr 0.01 -> 0.005; max_iter 16 -> 20" in r.err
    assert "Iteration 16, lr = 0.00" in r.err


def test_real_caffe_solverstate_resumes_and_data_restarts(tmp_path):
    from fidelity_helpers import DATA

    from sgdtrain.fidelity.replay import prepare

    prepare(REFERENCE, DATA, tmp_path)
    learned = tmp_path / "snapshots" / "traj_sgd_inv" / "lenet_iter_200.caffemodel"
    learned.parent.mkdir(parents=True)
    shutil.copy(REFERENCE / "weights" / "traj_sgd_inv_iter_200.caffemodel", learned)
    solver = (REFERENCE / "lenet_solver_traj_sgd_inv.prototxt").read_text()
    (tmp_path / "solver.prototxt").write_text(solver.replace("max_iter: 200", "max_iter: 203")
                                              .replace("test_interval: 100", "test_interval: 1000"))
    with chdir(tmp_path):
        r = run_cli("train", "--solver", "solver.prototxt", "--snapshot",
                    str(REFERENCE / "weights" / "traj_sgd_inv_iter_200.solverstate"), "--no-progress")
    assert r.code == 0, r.err[-1500:]
    assert "written by Caffe): the data layers start again at their first record" in r.err
    assert "Iteration 200, lr = 0.00985258" in r.err
    assert "Iteration 202, lr = " in r.err


def test_caffemodel_given_to_snapshot_is_refused(tmp_path):
    write_config(tmp_path, SOLVERS["SGD"])
    with chdir(tmp_path):
        r = run_cli("train", "--solver", "solver.prototxt", "--snapshot",
                    str(REFERENCE / "lenet_iter_0.caffemodel"), "--no-progress")
    assert r.code == 2 and "is a .caffemodel (weights only)" in r.err


def test_history_that_does_not_fit_the_net_is_refused(tmp_path):
    write_config(tmp_path, SOLVERS["SGD"])
    with chdir(tmp_path):
        r = run_cli("train", "--solver", "solver.prototxt", "--snapshot",
                    str(REFERENCE / "weights" / "traj_sgd_inv_iter_200.solverstate"), "--no-progress")
    assert r.code == 2 and "holds 8 history blobs" in r.err and "needs 6" in r.err


def test_solverstate_keeps_caffes_fields_and_adds_the_extension(tmp_path):
    write_config(tmp_path, SOLVERS["Adam"])
    with chdir(tmp_path):
        assert run_cli("train", "--solver", "solver.prototxt", "--no-progress").code == 0
    state = read_solverstate(tmp_path / "snaps" / "small_iter_8.solverstate")
    assert state.learned_net == "snaps/small_iter_8.caffemodel" and state.iter == 8
    assert state.HasField("sgdtrain_resume") and len(state.sgdtrain_resume.data) == 2
    # What Caffe's own reader sees: the same message without the unknown extension field
    caffe_view = caffe_pb2.SolverState(iter=state.iter, learned_net=state.learned_net,
                                       current_step=state.current_step, history=state.history)
    assert len(caffe_view.SerializeToString()) < len(state.SerializeToString())
