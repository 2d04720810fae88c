"""tolerances.md checks 1 and 5: single updates from real Caffe's states.

Check 1 (`one_update`): load Caffe's weights and history after N updates, run
training batch N (records 64N .. 64N+63), apply one update with the rate for
iteration N, and compare weights and history with Caffe's state N+1. The
measure is, per pair, the largest over blobs of |w - w_caffe(N+1)| /
|w_caffe(N+1) - w_caffe(N)| (the error relative to the update itself).

Check 5 (`reanchored_window`): from Caffe's iteration-100 snapshot of the
inv run, with the data in the uninterrupted order, the losses at 100..107
against the uninterrupted log.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sgdtrain.blobproto import blob_from_proto
from sgdtrain.config.solver import read_solver
from sgdtrain.fidelity.replay import prepare
from sgdtrain.log import CaffeLog
from sgdtrain.snapshot import read_solverstate
from sgdtrain.solver import Solver, SolverListener
from sgdtrain.weights import copy_trained_layers, read_caffemodel

BATCH = 64

PAIRS = {  # folder: (solver file, [(N, N+1)]); N = 0 starts from lenet_iter_0 with zero history
    "sgd_inv": ("steps/solver_every_sgd_inv.prototxt", [(0, 1), (100, 101)]),
    "adam": ("steps/solver_every_adam.prototxt", [(0, 1), (100, 101)]),
    "multistep": ("steps/solver_every_multistep.prototxt", [(99, 100), (100, 101)]),
}


@dataclass
class StepResult:
    folder: str
    start: int
    weights: float  # max over blobs of |w - w_caffe| / |Δ_caffe|
    history: float


def _solver(reference: Path, solver_file: str) -> Solver:
    config = read_solver(reference / solver_file)
    del config.test_nets[:]
    del config.param.test_iter[:]
    config.param.test_interval = 0
    config.param.snapshot = 0
    config.param.snapshot_after_train = False
    config.param.display = 0
    return Solver(config, log=CaffeLog(io.StringIO()))


def _arrays(path: Path) -> list[np.ndarray]:
    return [blob_from_proto(b) for layer in read_caffemodel(path).layer for b in layer.blobs]


def one_update(reference: Path, data: Path, work: Path) -> list[StepResult]:
    prepare(reference, data, work)
    out: list[StepResult] = []
    with contextlib.chdir(work):
        for folder, (solver_file, pairs) in PAIRS.items():
            for n, n1 in pairs:
                solver = _solver(reference, solver_file)
                start = reference / "steps" / folder / f"lenet_iter_{n}"
                if n == 0:
                    copy_trained_layers(solver.net, read_caffemodel(reference / "lenet_iter_0.caffemodel"), "init")
                    w0 = _arrays(reference / "lenet_iter_0.caffemodel")
                    h0 = [np.zeros_like(h) for h in solver.updater.history]
                else:
                    copy_trained_layers(solver.net, read_caffemodel(start.with_suffix(".caffemodel")), str(start))
                    state = read_solverstate(start.with_suffix(".solverstate"))
                    for h, proto in zip(solver.updater.history, state.history):
                        h[...] = blob_from_proto(proto).reshape(h.shape)
                    solver.current_step = state.current_step
                    w0 = _arrays(start.with_suffix(".caffemodel"))
                    h0 = [h.copy() for h in solver.updater.history]
                solver.iter = n
                solver.net.layers[0].restore({"cursor": n * BATCH,
                                              "rng": solver.net.layers[0].transformer.rng.bit_generator.state})
                solver.net.clear_param_diffs()
                solver.net.forward_backward()
                solver.apply_update(False)
                end = reference / "steps" / folder / f"lenet_iter_{n1}"
                w1 = _arrays(end.with_suffix(".caffemodel"))
                h1 = [blob_from_proto(p) for p in read_solverstate(end.with_suffix(".solverstate")).history]
                mine_w = [p.blob.data for p in solver.net.learnable_params]
                mine_h = solver.updater.history
                out.append(StepResult(folder, n, _relative(mine_w, w1, w0), _relative(mine_h, h1, h0)))
    return out


def _relative(mine, caffe_after, caffe_before) -> float:
    worst = 0.0
    for m, a, b in zip(mine, caffe_after, caffe_before):
        a = a.reshape(m.shape).astype(np.float64)
        step = np.linalg.norm(a - b.reshape(m.shape))
        if step > 0:
            worst = max(worst, float(np.linalg.norm(m.astype(np.float64) - a) / step))
    return worst


class _Losses(SolverListener):
    def __init__(self):
        self.losses: dict[int, float] = {}

    def on_display(self, iter, lr, loss, smoothed, outputs, seconds) -> None:
        self.losses[iter] = loss


def reanchored_window(reference: Path, data: Path, work: Path, iterations: int = 8) -> dict[int, float]:
    """Losses at 100 .. 100 + iterations - 1 from Caffe's iteration-100 snapshot, data uninterrupted."""
    from sgdtrain.solver.resume import restore

    prepare(reference, data, work)
    recorder = _Losses()
    with contextlib.chdir(work):
        config = read_solver(reference / "lenet_solver_traj_sgd_inv.prototxt")
        del config.test_nets[:]
        del config.param.test_iter[:]
        config.param.test_interval = 0
        config.param.snapshot_after_train = False
        solver = Solver(config, log=CaffeLog(io.StringIO()), listeners=[recorder])
        with contextlib.redirect_stderr(io.StringIO()):
            state = reference / "extra" / "weights" / "resume_iter_100.solverstate"
            learned = Path(read_solverstate(state).learned_net)
            learned.parent.mkdir(parents=True, exist_ok=True)
            learned.write_bytes(state.with_suffix(".caffemodel").read_bytes())
            restore(solver, state)
        layer = solver.net.layers[0]
        layer.restore({"cursor": solver.iter * BATCH, "rng": layer.transformer.rng.bit_generator.state})
        solver.step(iterations)
    return recorder.losses
