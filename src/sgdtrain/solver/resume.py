"""Snapshots' solver state and resuming from it (Caffe's Solver::Restore).

Caffe restores iter, current_step and the history, and loads the weights from
the .caffemodel the state names (`learned_net`, a path as it was written,
resolved against the current directory). sgdtrain also looks beside the
.solverstate when that path does not exist, and checks that the history fits
the net before touching anything.

Beyond Caffe, sgdtrain's snapshots carry a ResumeState (schema fields 1000+,
which Caffe skips): the solver's random generator, every data layer's cursor
and generator, the smoothed-loss window and the settings in force. With it a
resumed run continues bit for bit as if it had not stopped. A state written by
Caffe lacks it: the data layers then start again at their first record, as in
Caffe, and the log says so.
"""

from __future__ import annotations

import json
from pathlib import Path

from sgdtrain.config.effective import solver_settings
from sgdtrain.errors import SnapshotError
from sgdtrain.proto import caffe_pb2
from sgdtrain.snapshot import history_arrays, read_solverstate
from sgdtrain.weights import copy_trained_layers, read_caffemodel

# Settings whose change on resume is worth a log line (the schedule and the rule).
WATCHED = ("type", "base_lr", "lr_policy", "gamma", "power", "stepsize", "stepvalue", "max_iter", "momentum",
           "momentum2", "weight_decay", "regularization_type", "delta", "rms_decay", "clip_gradients", "iter_size")


def _nets(solver):
    yield "train", solver.net
    for i, net in enumerate(solver.test_nets):
        yield f"test#{i}", net


def _stateful_layers(solver):
    for net_name, net in _nets(solver):
        for name, layer in zip(net.layer_names, net.layers):
            if hasattr(layer, "state") and hasattr(layer, "restore"):
                yield net_name, name, layer


def resume_state(solver) -> caffe_pb2.ResumeState:
    """Everything besides Caffe's fields that an exact resume needs."""
    state = caffe_pb2.ResumeState()
    state.solver_rng = json.dumps(solver.rng.bit_generator.state)
    for net_name, name, layer in _stateful_layers(solver):
        state.data.add(net=net_name, layer=name, state=json.dumps(layer.state()))
    state.loss_window.extend(float(v) for v in solver.smoothed.losses)
    state.smoothed_loss = float(solver.smoothed.value)
    state.loss_start_iter = solver.loss_start_iter
    state.solver.CopyFrom(solver.param)
    if solver.monitors:
        state.monitors = json.dumps({k: m.state() for k, m in solver.monitors.items()})
    return state


def _restore_extension(solver, ext: caffe_pb2.ResumeState) -> None:
    solver.rng.bit_generator.state = json.loads(ext.solver_rng)
    saved = {(d.net, d.layer): json.loads(d.state) for d in ext.data}
    for net_name, name, layer in _stateful_layers(solver):
        if (net_name, name) in saved:
            layer.restore(saved[(net_name, name)])
        else:
            solver.log.info("sgdtrain:0", f"The snapshot has no data position for layer {name} of the {net_name} net: "
                            "it starts at its first record.")
    same_window = ext.HasField("solver") and ext.solver.average_loss == solver.param.average_loss
    if same_window and len(ext.loss_window):
        solver.smoothed.restore({"losses": list(ext.loss_window), "value": ext.smoothed_loss})
        solver.loss_start_iter = ext.loss_start_iter
        solver._resumed_window = True
    if ext.monitors:
        for key, saved_state in json.loads(ext.monitors).items():
            if key in solver.monitors:
                solver.monitors[key].restore(saved_state)
    if ext.HasField("solver"):
        before, now = solver_settings(ext.solver), solver_settings(solver.param)
        changed = [f"{k} {_show(before[k])} -> {_show(now[k])}" for k in WATCHED if before.get(k) != now.get(k)]
        if changed:
            solver.log.info("sgdtrain:0", "Resuming with changed solver settings: " + "; ".join(changed))


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


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
    if state.HasField("sgdtrain_resume"):
        _restore_extension(solver, state.sgdtrain_resume)
    else:
        solver.log.info("sgdtrain:0", "The solver state holds no data positions (it was written by Caffe): the data "
                        "layers start again at their first record, as in Caffe.")
