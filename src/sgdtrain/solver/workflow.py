"""sgdtrain's workflow extensions around Caffe's loop (SolverParameter fields 1000+).

* Epoch units: max_epoch, test_epoch, stepsize_epoch, snapshot_epoch become
  max_iter, test_interval, stepsize, snapshot from the train set's size.
* The plateau policy: after each test of net #0, a Monitor on plateau_metric
  advances current_step when the metric has not improved for plateau_patience tests.
* snapshot_best: a new best value of that test output writes
  <prefix>_best.caffemodel / .solverstate (atomically, replacing the previous best).
* early_stop_patience: stop (with the final snapshot, as Ctrl-C does) when
  early_stop_metric has not improved for that many tests.
* keep_snapshots: after each periodic snapshot, remove all but the newest K.
* stop_on_divergence: a NaN/inf loss stops training with a clear message, before
  any snapshot of the diverged weights can be written.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from sgdtrain.errors import ConfigError, TrainingError
from sgdtrain.log import fmt_float
from sgdtrain.solver.monitors import Monitor, resolve_mode

EPOCH_FIELDS = (("max_epoch", "max_iter"), ("test_epoch", "test_interval"), ("stepsize_epoch", "stepsize"),
                ("snapshot_epoch", "snapshot"))


def uses_epochs(param) -> bool:
    return any(param.HasField(e) for e, _ in EPOCH_FIELDS)


def iterations_per_epoch(solver) -> tuple[float, str]:
    """Train-set records / (batch_size * iter_size), from the train net's first data layer."""
    for layer in solver.net.layers:
        source = getattr(layer, "source", None)
        batch = getattr(layer, "batch_size", None)
        if source is not None and batch:
            records = len(source)
            per_epoch = records / (batch * solver.param.iter_size)
            return per_epoch, f"{records} records / ({batch} x iter_size {solver.param.iter_size})"
    raise ConfigError(
        "epoch units (max_epoch, test_epoch, ...) need a train net whose data layer knows the size of its data set.",
        where=solver.config.where("max_epoch"),
        fix="Give the counts in iterations (max_iter, test_interval, ...) instead.",
    )


def resolve_epochs(solver) -> None:
    param = solver.param
    if not uses_epochs(param):
        return
    per_epoch, how = iterations_per_epoch(solver)
    for message in convert_epochs(param, per_epoch, how):
        solver.log.info("sgdtrain:0", message)


def convert_epochs(param, per_epoch: float, how: str) -> list[str]:
    """Set max_iter, test_interval, stepsize, snapshot from their epoch fields; one message per field set."""
    messages = []
    for epoch_field, iter_field in EPOCH_FIELDS:
        if param.HasField(epoch_field):
            value = getattr(param, epoch_field)
            iters = max(1, int(round(value * per_epoch)))
            setattr(param, iter_field, iters)
            messages.append(f"{epoch_field} {value:g} = {iter_field} {iters} ({how} = {per_epoch:g} iterations "
                            f"per epoch)")
    return messages


def _test_outputs(solver) -> list[str]:
    return solver.test_nets[0].output_names if solver.test_nets else []


def _monitor(solver, metric: str, mode: str, field: str, threshold: float = 0.0) -> Monitor:
    outputs = _test_outputs(solver)
    if metric not in outputs:
        raise ConfigError(
            f"`{field}: \"{metric}\"` names no output of test net #0 "
            f"({'its outputs: ' + ', '.join(outputs) if outputs else 'the solver has no test net'}).",
            where=solver.config.where(field),
            fix="Name one of the test net's outputs (and give the solver test_iter/test_interval).",
        )
    return Monitor(metric, resolve_mode(metric, mode), threshold)


def setup_monitors(solver) -> dict[str, Monitor]:
    p = solver.param
    monitors: dict[str, Monitor] = {}
    if p.lr_policy == "plateau":
        monitors["plateau"] = _monitor(solver, p.plateau_metric, p.plateau_mode, "plateau_metric", p.plateau_threshold)
    if p.HasField("snapshot_best"):
        monitors["best"] = _monitor(solver, p.snapshot_best, p.snapshot_best_mode, "snapshot_best")
    if p.early_stop_patience > 0:
        monitors["early_stop"] = _monitor(solver, p.early_stop_metric, p.early_stop_mode, "early_stop_metric")
    return monitors


def after_test(solver, net_id: int, outputs) -> None:
    """Feed test net #0's outputs to the monitors; act on what they say."""
    if net_id != 0 or not solver.monitors:
        return
    values = {o.name: o.value for o in outputs}
    p = solver.param
    plateau = solver.monitors.get("plateau")
    if plateau is not None:
        plateau.update(values[plateau.metric], solver.iter)
        if plateau.stale >= p.plateau_patience:
            from sgdtrain.schedules import learning_rate

            old = learning_rate(p, solver.iter, solver.current_step)[0]
            message = f"Plateau at iteration {solver.iter}: {plateau.describe()}"
            solver.current_step += 1
            plateau.stale = 0
            new = learning_rate(p, solver.iter, solver.current_step)[0]
            solver.log.info("sgdtrain:0", f"{message}; lr {fmt_float(old)} -> {fmt_float(new)}")
    best = solver.monitors.get("best")
    if best is not None and best.update(values[best.metric], solver.iter):
        solver.snapshot(best=True)
    early = solver.monitors.get("early_stop")
    if early is not None:
        early.update(values[early.metric], solver.iter)
        if early.stale >= p.early_stop_patience:
            solver.log.info("sgdtrain:0", f"Early stopping at iteration {solver.iter}: {early.describe()}.")
            solver.requested_early_exit = True


_ITER = re.compile(r"_iter_(\d+)\.caffemodel(\.h5)?$")


def prune_snapshots(solver) -> None:
    """Keep the newest keep_snapshots periodic snapshots (the best one is never touched)."""
    keep = solver.param.keep_snapshots
    if keep <= 0:
        return
    prefix = Path(solver.param.snapshot_prefix)
    folder = prefix.parent if str(prefix.parent) else Path(".")
    found = []
    for path in folder.glob(prefix.name + "_iter_*.caffemodel*"):
        m = _ITER.search(path.name)
        if m and path.name == f"{prefix.name}_iter_{m.group(1)}.caffemodel{m.group(2) or ''}":
            found.append((int(m.group(1)), path))
    for _, model in sorted(found)[:-keep]:
        state = model.with_name(model.name.replace(".caffemodel", ".solverstate"))
        for path in (model, state):
            path.unlink(missing_ok=True)
        solver.log.info("sgdtrain:0", f"Removed old snapshot {model} (keep_snapshots: {keep})")


def check_loss(solver, loss) -> None:
    if solver.param.stop_on_divergence and not np.isfinite(loss):
        raise divergence(solver, f"the loss is {fmt_float(loss)}")


def check_weights(solver) -> None:
    """Never write a snapshot of diverged weights."""
    if not solver.param.stop_on_divergence:
        return
    for p in solver.net.learnable_params:
        if not np.isfinite(p.blob.data).all():
            raise divergence(solver, f"parameter {p.display_name} holds NaN or infinite values")


def divergence(solver, what: str) -> TrainingError:
    base = solver.param.base_lr
    last = (f"The last good snapshot, {solver.last_snapshot_paths[1]}, is intact: resume from it with "
            f"--snapshot after lowering base_lr." if solver.last_snapshot_paths else
            "No snapshot was written before it.")
    return TrainingError(
        f"training diverged at iteration {solver.iter}: {what}. {last}",
        fix=f"Lower base_lr (now {base:g}; try {base / 10:g}) - the Caffe manual's advice when the loss explodes - "
            "or clip the gradients with clip_gradients.",
    )
