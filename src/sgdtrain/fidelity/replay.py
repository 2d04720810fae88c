"""Running sgdtrain on a reference run's solver prototxt, recording what Caffe logs.

The solver file is used unchanged; only the data sources of the net file are
pointed at the embedded Fashion-MNIST copy (same records, same order as the
LMDBs real Caffe read). Every run starts from Caffe's `lenet_iter_0.caffemodel`
(as `caffe train --weights` did), or resumes from the run's solverstate.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sgdtrain.config.solver import read_solver
from sgdtrain.fidelity.runs import ReferenceRun
from sgdtrain.fidelity.ties import TieFlipper
from sgdtrain.log import CaffeLog
from sgdtrain.solver import Solver, SolverListener
from sgdtrain.solver.events import Output

TRAIN_SOURCE = "data/fashion_train_lmdb"
TEST_SOURCE = "data/fashion_test_lmdb"


@dataclass
class Replay:
    losses: dict[int, float] = field(default_factory=dict)  # printed (smoothed) loss, unrounded
    lr: dict[int, float] = field(default_factory=dict)
    tests: dict[tuple[int, int], dict[str, float]] = field(default_factory=dict)
    final: tuple[int, float] | None = None
    weights: list[np.ndarray] = field(default_factory=list)
    tie_flips: list[int] = field(default_factory=list)  # near-ties flipped per training forward (flip_ties)
    log: str = ""


class _Recorder(SolverListener):
    def __init__(self, replay: Replay):
        self.replay = replay

    def on_display(self, iter, lr, loss, smoothed, outputs: list[Output], seconds) -> None:
        self.replay.losses[iter] = smoothed
        self.replay.lr[iter] = lr

    def on_test(self, iter, net_id, outputs, loss, seconds) -> None:
        self.replay.tests[(iter, net_id)] = {o.name: o.value for o in outputs}

    def on_finish(self, iter, stopped_early, final_loss) -> None:
        if final_loss is not None:
            self.replay.final = (iter, final_loss)


def prepare(reference: Path, data: Path, work: Path) -> None:
    """Put the reference net file into `work`, its sources pointed at the embedded data."""
    net = (reference / "lenet_train_test.prototxt").read_text()
    net = net.replace(TRAIN_SOURCE, str((data / "train-first16000-images-idx3-ubyte.gz").resolve()))
    net = net.replace(TEST_SOURCE, str((data / "t10k-images-idx3-ubyte.gz").resolve()))
    work.mkdir(parents=True, exist_ok=True)
    (work / "lenet_train_test.prototxt").write_text(net)


def build_solver(run: ReferenceRun, reference: Path, work: Path, *, max_iter: int | None = None,
                 with_tests: bool = True, listeners=(), log_stream=None) -> Solver:
    """A Solver for `run` (call inside `work`); starts from lenet_iter_0 unless the run resumes."""
    config = read_solver(reference / run.solver)
    p = config.param
    if max_iter is not None:
        p.max_iter = max_iter
    if not with_tests:
        del config.test_nets[:]
        del p.test_iter[:]
        p.test_interval = 0
    if not run.snapshot:
        del p.weights[:]
        p.weights.append(str(reference / "lenet_iter_0.caffemodel"))
    log = CaffeLog(log_stream if log_stream is not None else io.StringIO())
    return Solver(config, log=log, listeners=list(listeners))


def replay(run: ReferenceRun, reference: Path, data: Path, work: Path, *, max_iter: int | None = None,
           with_tests: bool = True, iterations: int | None = None,
           perturb: tuple[int, float] | None = None, flip_ties: float | None = None) -> Replay:
    """Run `run` with sgdtrain in `work`; returns what its log and listeners recorded.

    `iterations`: stop after that many updates (no final snapshot, forward or
    test; unlike `max_iter` this leaves poly's schedule alone). `perturb`:
    (seed, eps) multiplies every starting weight by 1 + eps * N(0, 1), a
    replica for judging which differences rounding alone can make. `flip_ties`:
    a relative gap; max-pooling near-ties closer than it go to the runner-up
    (fidelity/ties.py), the other replica of that kind.
    """
    from sgdtrain.solver.resume import restore

    prepare(reference, data, work)
    result = Replay()
    stream = io.StringIO()
    with contextlib.chdir(work):
        solver = build_solver(run, reference, work, max_iter=max_iter, with_tests=with_tests,
                              listeners=[_Recorder(result)], log_stream=stream)
        if run.snapshot:
            state = reference / run.snapshot
            # the state names its weights by the path it was written under; put them there
            from sgdtrain.snapshot import read_solverstate

            learned = Path(read_solverstate(state).learned_net)
            learned.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(state.with_suffix(".caffemodel"), learned)
            restore(solver, state)
        if perturb is not None:
            seed, eps = perturb
            rng = np.random.default_rng(seed)
            for p in solver.net.learnable_params:
                p.blob.data *= (1 + eps * rng.standard_normal(p.blob.data.shape)).astype(np.float32)
        flipper = TieFlipper(solver.net, flip_ties) if flip_ties is not None else None
        if iterations is None:
            solver.solve()
        else:
            solver.step(iterations)
    result.weights = [p.blob.data.copy() for p in solver.net.learnable_params]
    result.tie_flips = flipper.flips if flipper else []
    result.log = stream.getvalue()
    return result
