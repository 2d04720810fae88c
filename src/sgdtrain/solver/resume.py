"""Resuming from a .solverstate (Caffe's Solver::Restore for binary protos).

Caffe restores iter, current_step and the history, and loads the weights from
the .caffemodel the state names (`learned_net`, a path as it was written,
resolved against the current directory). sgdtrain also looks beside the
.solverstate when that path does not exist, and checks that the history fits
the net before touching anything.
"""

from __future__ import annotations

from pathlib import Path

from sgdtrain.errors import SnapshotError
from sgdtrain.snapshot import history_arrays, read_solverstate
from sgdtrain.weights import copy_trained_layers, read_caffemodel


def _model_path(state_path: Path, learned_net: str) -> Path:
    p = Path(learned_net)
    if p.exists():
        return p
    beside = state_path.parent / p.name
    if beside.exists():
        return beside
    raise SnapshotError(
        f"the solver state '{state_path}' names the weights file '{learned_net}', which does not exist "
        f"(looked in {Path.cwd()} and beside the solver state).",
        fix="Put the .caffemodel written with this .solverstate at that path, or next to the .solverstate.",
    )


def restore(solver, path: str | Path) -> None:
    state_path = Path(path)
    state = read_solverstate(state_path)
    history = history_arrays(state)
    expected = solver.updater.history
    if len(history) != len(expected):
        raise SnapshotError(
            f"'{state_path}' holds {len(history)} history blobs, but a {solver.param.type} solver on this net "
            f"needs {len(expected)} (Caffe: Incorrect length of history blobs).",
            fix="Resume with the solver type and net the snapshot was written with.",
        )
    for i, (h, e) in enumerate(zip(history, expected)):
        if h.size != e.size:
            raise SnapshotError(
                f"history blob {i} of '{state_path}' has shape {h.shape}, but the net's parameter {i} has "
                f"shape {e.shape}.",
                fix="Resume with the net the snapshot was written with.",
            )
    if state.learned_net:
        model = _model_path(state_path, state.learned_net)
        copy_trained_layers(solver.net, read_caffemodel(model), str(model), solver.log)
    solver.log.info("sgd_solver.cpp:336", "SGDSolver: restoring history")
    for h, e in zip(history, expected):
        e[...] = h.reshape(e.shape)
    solver.iter = state.iter
    solver.current_step = state.current_step
