"""Caffe's Solver, for every solver type: build nets, Solve, Step, Test, Snapshot.

The order inside one iteration is Caffe's (solver.cpp, Step):

    clear parameter diffs
    test, when iter % test_interval == 0 (and iter > 0 or test_initialization)
    iter_size x forward/backward; loss = mean of their losses
    update the smoothed loss; on display iterations print it and the outputs
    ApplyUpdate: lr for `iter`, clip -> normalise -> regularise -> rule -> W -= update
    iter += 1; poll signals; snapshot when iter % snapshot == 0 (or asked); stop if asked

Solve() runs Step(max_iter - iter), then the final snapshot (unless one was
just taken), one extra forward printed as "Iteration N, loss = L", the final
test, and "Optimization Done.".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from google.protobuf import text_format

from sgdtrain.config.solver import SolverConfig
from sgdtrain.errors import Where
from sgdtrain.log import CaffeLog, NullLog, fmt_float
from sgdtrain.net import Net
from sgdtrain.schedules import check_policy, learning_rate
from sgdtrain.snapshot import (
    ensure_prefix_directory,
    snapshot_filename,
    solver_state,
    write_caffemodel,
    write_solverstate,
)
from sgdtrain.solver import workflow
from sgdtrain.solver.events import Output, SolverListener
from sgdtrain.solver.resume import resume_state
from sgdtrain.solver.smoothing import SmoothedLoss
from sgdtrain.updates import Updater, check_rule
from sgdtrain.weights import load_weights

f32 = np.float32

NONE, STOP, SNAPSHOT = "none", "stop", "snapshot"


class Solver:
    def __init__(
        self,
        config: SolverConfig,
        *,
        log: CaffeLog | None = None,
        listeners: list[SolverListener] | None = None,
        signal_poll: Callable[[], str] | None = None,
    ):
        self.config = config
        self.param = param = config.param
        self.log = log or NullLog()
        self.listeners = list(listeners or [])
        self.signal_poll = signal_poll or (lambda: NONE)
        if not workflow.uses_epochs(param):
            check_policy(param, lambda name: config.where(name))
        check_rule(param, lambda name: config.where(name))
        self.log.info("solver.cpp:45", "Initializing solver from parameters: ")
        self.log.raw(text_format.MessageToString(param))
        for tag, note in config.notes:
            self.log.info(tag, note)
        seed = param.random_seed
        self.rng = np.random.default_rng(seed if seed >= 0 else None)
        self.log.info(*_creating_train_net(config.train_net.source))
        self.net = self._build(config.train_net)
        weights = list(param.weights)
        for w in weights:
            load_weights([self.net], w, self.log)
        self.test_nets = []
        for i, spec in enumerate(config.test_nets):
            self.log.info("solver.cpp:190", f"Creating test net (#{i}) specified by {spec.source}")
            test_net = self._build(spec)
            for w in weights:
                load_weights([test_net], w, self.log)
            test_net.share_trained_layers_with(self.net)
            self.test_nets.append(test_net)
        workflow.resolve_epochs(self)
        if workflow.uses_epochs(param):
            check_policy(param, lambda name: config.where(name))
        self.monitors = workflow.setup_monitors(self)
        self.log.info("solver.cpp:57", "Solver scaffolding done.")
        self.iter = 0
        self.current_step = 0
        params = self.net.learnable_params
        self.updater = Updater(
            param,
            [p.blob.shape for p in params],
            [p.lr_mult for p in params],
            [p.decay_mult for p in params],
        )
        self.smoothed = SmoothedLoss(param.average_loss)
        self.loss_start_iter = 0  # the iteration the current Step began at (the smoothing's index base)
        self._resumed_window = False  # set by resume: the next Step keeps the restored loss window
        self.requested_early_exit = False
        self.last_snapshot_iter: int | None = None
        self.last_snapshot_paths: list[str] = []
        if param.snapshot > 0 or param.snapshot_after_train:
            ensure_prefix_directory(param.snapshot_prefix)
            if self.hdf5:
                from sgdtrain.hdf5 import h5py_module

                h5py_module()  # fail now, not at the first snapshot

    def _build(self, spec) -> Net:
        filtered = spec.filtered(self.log.info)
        source = str(spec.path) if spec.path else spec.source

        def where_of(layer_name: str):
            return lambda *parts: spec.layer_where(layer_name, *parts)

        return Net(filtered, rng=self.rng, resolver=self.config.resolver, log=self.log, source=source,
                   where=where_of)

    # -- listeners ------------------------------------------------------------------------
    def _emit(self, name: str, *args) -> None:
        for listener in self.listeners:
            getattr(listener, name)(*args)

    # -- the loop --------------------------------------------------------------------------
    def solve(self) -> None:
        p = self.param
        self.log.info("solver.cpp:289", f"Solving {self.net.name}")
        self.log.info("solver.cpp:290", f"Learning Rate Policy: {p.lr_policy}")
        self._emit("on_start", self)
        self.step(p.max_iter - self.iter)
        start_iter = self.loss_start_iter
        if p.snapshot_after_train and (not p.snapshot or self.iter % p.snapshot != 0):
            self.snapshot()
            workflow.prune_snapshots(self)  # the final snapshot counts towards keep_snapshots too
        if self.requested_early_exit:
            self.log.info("solver.cpp:311", "Optimization stopped early.")
            self._emit("on_finish", self.iter, True, None)
            return
        final_loss = None
        if p.display and self.iter % p.display == 0:
            loss = self.net.forward()
            final_loss = float(self.smoothed.update(loss, self.iter, start_iter))
            self.log.info("solver.cpp:327", f"Iteration {self.iter}, loss = {fmt_float(final_loss)}")
        if p.test_interval and self.iter % p.test_interval == 0:
            self.test_all()
        self.log.info("solver.cpp:332", "Optimization Done.")
        self._emit("on_finish", self.iter, False, final_loss)

    def step(self, iters: int) -> None:
        p = self.param
        stop_iter = self.iter + iters
        if self._resumed_window:
            self._resumed_window = False  # an exact resume continues the interrupted Step's window
        else:
            self.smoothed.reset()
            self.loss_start_iter = self.iter
        start_iter = self.loss_start_iter
        timer = time.perf_counter()
        iterations_last: int | None = None  # Caffe leaves it uninitialised: the first rate prints 0
        while self.iter < stop_iter:
            self.net.clear_param_diffs()
            if p.test_interval and self.iter % p.test_interval == 0 and (self.iter > 0 or p.test_initialization):
                self.test_all()
                if self.requested_early_exit:
                    break
            display = bool(p.display) and self.iter % p.display == 0
            loss = f32(0)
            for _ in range(p.iter_size):
                loss = f32(loss + self.net.forward_backward())
            loss = f32(loss / f32(p.iter_size))
            workflow.check_loss(self, loss)
            smoothed = self.smoothed.update(loss, self.iter, start_iter)
            outputs: list[Output] = []
            lapse = 0.0
            if display:
                lapse = time.perf_counter() - timer
                per_s = 0.0 if iterations_last is None else (self.iter - iterations_last) / (lapse or 1.0)
                self.log.info(
                    "solver.cpp:239",
                    f"Iteration {self.iter} ({fmt_float(per_s)} iter/s, {fmt_float(lapse)}s/{p.display} iters), "
                    f"loss = {fmt_float(smoothed)}",
                )
                timer = time.perf_counter()
                iterations_last = self.iter
                outputs = self._outputs(self.net)
                for o in outputs:
                    self.log.info("solver.cpp:258", "    Train net output " + _output_text(o))
            rate = self.apply_update(display)
            if display:
                self._emit("on_display", self.iter - 1, float(rate), float(loss), float(smoothed), outputs, lapse)
            self._emit("on_iteration", self.iter, float(rate), float(smoothed))
            request = self.signal_poll()
            if (p.snapshot and self.iter % p.snapshot == 0) or request == SNAPSHOT:
                self.snapshot()
                workflow.prune_snapshots(self)
            if request == STOP:
                self.requested_early_exit = True
                break

    def apply_update(self, display: bool) -> np.float32:
        """Caffe's SGDSolver::ApplyUpdate for every rule; returns the rate used."""
        rate, self.current_step, message = learning_rate(self.param, self.iter, self.current_step)
        if message:
            self.log.info("sgd_solver.cpp:50", message)
        if display:
            self.log.info("sgd_solver.cpp:112", f"Iteration {self.iter}, lr = {fmt_float(rate)}")
        params = self.net.learnable_params
        clip = self.updater.apply([q.blob.data for q in params], [q.blob.diff for q in params], rate, self.iter)
        if clip is not None:
            norm, scale = clip
            self.log.info(
                "sgd_solver.cpp:99",
                f"Gradient clipping: scaling down gradients (L2 norm {fmt_float(norm)} > "
                f"{fmt_float(self.param.clip_gradients)}) by scale factor {fmt_float(scale)}",
            )
        self.iter += 1
        return rate

    # -- testing ----------------------------------------------------------------------------
    def _outputs(self, net: Net) -> list[Output]:
        out: list[Output] = []
        for name, blob, weight in net.outputs():
            for value in blob.data.reshape(-1):
                out.append(Output(len(out), name, float(value), weight))
        return out

    def test_all(self) -> None:
        for i in range(len(self.test_nets)):
            if self.requested_early_exit:
                break
            self.test(i)

    def test(self, net_id: int) -> None:
        p = self.param
        started = time.perf_counter()
        self.log.info("solver.cpp:347", f"Iteration {self.iter}, Testing net (#{net_id})")
        net = self.test_nets[net_id]
        scores: np.ndarray | None = None
        names: list[tuple[str, float]] = []
        loss = f32(0)
        iters = p.test_iter[net_id]
        for _ in range(iters):
            request = self.signal_poll()
            while request != NONE:
                if request == SNAPSHOT:
                    self.snapshot()
                elif request == STOP:
                    self.requested_early_exit = True
                request = self.signal_poll()
            if self.requested_early_exit:
                break
            iter_loss = net.forward()
            if p.test_compute_loss:
                loss = f32(loss + iter_loss)
            values = np.concatenate([blob.data.reshape(-1) for _, blob, _ in net.outputs()]).astype(f32) \
                if net.outputs() else np.zeros(0, f32)
            if scores is None:
                scores = values.copy()
                names = [(name, w) for name, blob, w in net.outputs() for _ in range(blob.count)]
            else:
                scores += values  # sequential float32 accumulation, as Caffe
        if self.requested_early_exit:
            self.log.info("solver.cpp:396", "Test interrupted.")
            return
        mean_loss = None
        if p.test_compute_loss:
            mean_loss = float(f32(loss / f32(iters)))
            self.log.info("solver.cpp:401", f"Test loss: {fmt_float(mean_loss)}")
        outputs: list[Output] = []
        if scores is not None:
            means = (scores / f32(iters)).astype(f32)
            for k, ((name, w), v) in enumerate(zip(names, means)):
                o = Output(k, name, float(v), w)
                outputs.append(o)
                self.log.info("solver.cpp:414", "    Test net output " + _output_text(o))
        self._emit("on_test", self.iter, net_id, outputs, mean_loss, time.perf_counter() - started)
        workflow.after_test(self, net_id, outputs)

    # -- snapshots --------------------------------------------------------------------------
    @property
    def hdf5(self) -> bool:
        return self.param.snapshot_format == self.param.HDF5

    def snapshot_paths(self) -> tuple[str, str]:
        prefix, h5 = self.param.snapshot_prefix, ".h5" if self.hdf5 else ""
        return (snapshot_filename(prefix, self.iter, ".caffemodel" + h5),
                snapshot_filename(prefix, self.iter, ".solverstate" + h5))

    def snapshot(self, best: bool = False) -> list[str]:
        """Caffe's Snapshot(): the weights, then the solver state, each written atomically.
        `best`: sgdtrain's snapshot_best files, <prefix>_best.caffemodel/.solverstate."""
        workflow.check_weights(self)
        model, state_path = self.snapshot_paths()
        if best:
            prefix, h5 = self.param.snapshot_prefix, ".h5" if self.hdf5 else ""
            model, state_path = prefix + "_best.caffemodel" + h5, prefix + "_best.solverstate" + h5
            monitor = self.monitors["best"]
            self.log.info("sgdtrain:0", f"New best {monitor.metric} {monitor.best:g} at iteration {self.iter}: "
                          f"writing {model}")
        ensure_prefix_directory(self.param.snapshot_prefix)
        state = solver_state(self.iter, model, self.current_step, self.updater.history)
        state.sgdtrain_resume.CopyFrom(resume_state(self))
        if self.hdf5:
            from sgdtrain.hdf5 import write_caffemodel_h5, write_solverstate_h5

            self.log.info("solver.cpp:474", f"Snapshotting to HDF5 file {model}")
            write_caffemodel_h5(model, self.net, self.param.snapshot_diff)
            self.log.info("sgd_solver.cpp:296", f"Snapshotting solver state to HDF5 file {state_path}")
            write_solverstate_h5(state_path, state, self.updater.history)
        else:
            self.log.info("solver.cpp:464", f"Snapshotting to binary proto file {model}")
            write_caffemodel(model, self.net.to_proto(self.param.snapshot_diff))
            self.log.info("sgd_solver.cpp:284", f"Snapshotting solver state to binary proto file {state_path}")
            write_solverstate(state_path, state)
        if not best:
            self.last_snapshot_iter = self.iter
            self.last_snapshot_paths = [model, state_path]
        self._emit("on_snapshot", self.iter, [model, state_path])
        return [model, state_path]

    def where(self, name: str) -> Where:
        return self.config.where(name)

    @property
    def snapshot_dir(self) -> Path:
        return Path(self.param.snapshot_prefix).parent


def _creating_train_net(source: str) -> tuple[str, str]:
    """Caffe's log line (tag, text) for where the train net comes from."""
    if source == "train_net_param":
        return "solver.cpp:88", "Creating training net specified in train_net_param."
    if source == "net_param":
        return "solver.cpp:97", "Creating training net specified in net_param."
    if source.startswith("train_net file: "):
        return "solver.cpp:92", "Creating training net from " + source
    return "solver.cpp:102", "Creating training net from " + source


def _output_text(o: Output) -> str:
    """'#k: name = v' plus ' (* w = w*v loss)' for weighted outputs, as Caffe prints them."""
    text = f"#{o.index}: {o.name} = {fmt_float(o.value)}"
    if o.loss_weight:
        text += f" (* {fmt_float(o.loss_weight)} = {fmt_float(f32(o.loss_weight) * f32(o.value))} loss)"
    return text
