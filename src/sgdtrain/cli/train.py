"""`sgdtrain train` (and plain `sgdtrain --solver S`): Caffe's `caffe train`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sgdtrain.cli.app import STATE, debug_option, fail, level_option, log_format_option, run_guarded, stage_option
from sgdtrain.cli.signals import EFFECTS, SignalPoller
from sgdtrain.config.solver import read_solver
from sgdtrain.log import CaffeLog


def train_options(fn):
    for opt in reversed(
        [
            click.option("--solver", "solver", metavar="SOLVER.prototxt", help="The solver prototxt (required)."),
            click.option("--weights", metavar="A.caffemodel[,B.caffemodel]",
                         help="Fine-tune: copy these weights, by layer name, into the train and test nets."),
            click.option("--snapshot", metavar="X.solverstate", help="Resume training from this solver state."),
            level_option,
            stage_option,
            click.option("--sigint-effect", type=click.Choice(EFFECTS), default="stop", show_default=True,
                         help="What Ctrl-C does: stop (after the final snapshot), snapshot and go on, or nothing."),
            click.option("--sighup-effect", type=click.Choice(EFFECTS), default="snapshot", show_default=True,
                         help="What SIGHUP does."),
            click.option("--gpu", hidden=True, help="Accepted for Caffe compatibility; sgdtrain runs on the CPU."),
            click.option("--metrics", metavar="PATH", default=None,
                         help="Where to write the metrics record (JSON Lines; default: <snapshot_prefix>.metrics.jsonl "
                         "beside the snapshots)."),
            click.option("--no-metrics", is_flag=True, help="Do not write a metrics record."),
            click.option("--progress/--no-progress", default=None,
                         help="Show a live progress bar (default: only when stderr is a terminal)."),
            log_format_option,
            debug_option,
        ]
    ):
        fn = opt(fn)
    return fn


def do_train(solver, weights, snapshot, level, stage, sigint_effect, sighup_effect, gpu, metrics, no_metrics, progress,
             log_format, debug):
    STATE.debug = STATE.debug or debug
    if not solver:
        fail("train needs a solver prototxt: `sgdtrain train --solver lenet_solver.prototxt`.")
    if weights and snapshot:
        fail("Give a snapshot to resume training or weights to finetune but not both.")
    run_guarded(_train, solver, weights, snapshot, level, stage, sigint_effect, sighup_effect, gpu,
                None if no_metrics else (metrics or ""), progress, log_format)


def _train(solver_path, weights, snapshot, level, stage, sigint_effect, sighup_effect, gpu, metrics, progress,
           log_format):
    import numpy as np

    from sgdtrain.solver import Solver
    from sgdtrain.solver.resume import restore

    np.seterr(all="ignore")  # a diverging run is reported by sgdtrain itself (stop_on_divergence), not by numpy
    stages = stage.split(",")  # Caffe: an empty --stage gives one empty stage ""
    show_progress = sys.stderr.isatty() if progress is None else progress
    console = None
    if show_progress:
        from rich.console import Console

        from sgdtrain.cli.progress import ConsoleStream

        console = Console(stderr=True)
        log = CaffeLog(ConsoleStream(console), fmt=log_format)
    else:
        log = CaffeLog(sys.stderr, fmt=log_format)
    config = read_solver(solver_path, level=level, stages=stages)
    if gpu:
        log.info("caffe.cpp:204", f"Ignoring --gpu={gpu}: sgdtrain computes on the CPU.")
    log.info("caffe.cpp:197", "Use CPU.")
    if weights:
        del config.param.weights[:]
        config.param.weights.append(weights)
    if snapshot:
        del config.param.weights[:]
    poller = SignalPoller(sigint_effect, sighup_effect)
    listeners = []
    if metrics is not None:
        from sgdtrain.solver.metrics import MetricsWriter, metrics_path

        listeners.append(MetricsWriter(Path(metrics) if metrics else metrics_path(config.param.snapshot_prefix),
                                       resumed_from=snapshot))
    progress_listener = None
    if console is not None:
        from sgdtrain.cli.progress import RichProgress

        progress_listener = RichProgress(console, config.param.max_iter)
        listeners.append(progress_listener)
    with poller.installed():
        solver = Solver(config, log=log, listeners=listeners, signal_poll=poller.poll)
        if snapshot:
            log.info("caffe.cpp:235", f"Resuming from {snapshot}")
            restore(solver, snapshot)
        log.info("caffe.cpp:239", "Starting Optimization")
        if progress_listener is not None:
            with progress_listener:
                solver.solve()
        else:
            solver.solve()
    log.info("caffe.cpp:250", "Optimization Done.")


@click.command("train")
@train_options
def train(**kwargs):
    """Train a net with a Caffe solver prototxt (Caffe's `caffe train`).

    \b
      sgdtrain train --solver configs/lenet_solver.prototxt
      sgdtrain train --solver S --weights init.caffemodel     # fine-tune
      sgdtrain train --solver S --snapshot X_iter_500.solverstate   # resume
    Caffe's spellings (-solver=S, -solver S, --solver=S) work too.
    """
    do_train(**kwargs)
