"""`compare --train N`: short runs of each configuration, on the same data and seed, side by side.

Each solver is copied into a work directory with `max_iter: N`, its snapshots
redirected there and, so the runs differ only in their configuration, the
first solver's `random_seed` (1701, Caffe's examples' seed, when the first sets
none). Its nets are copied too, with every data source, mean file and weights
file the original would find made absolute: the copy no longer sits beside
the original solver, where sgdtrain's fallback would have looked for them.
The runs are `python -m sgdtrain train` processes started from the current
directory (relative paths mean what they meant), several at once when the
machine has the cores, each then limited to its share of BLAS threads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from google.protobuf import text_format

from sgdtrain.config.paths import PathResolver
from sgdtrain.config.solver import read_solver
from sgdtrain.errors import ConfigError
from sgdtrain.proto import caffe_pb2

DEFAULT_SEED = 1701
# (sub-message, field) of LayerParameter that name files, resolved as the layers resolve them.
PATH_FIELDS = (("data_param", "source"), ("transform_param", "mean_file"), ("hdf5_data_param", "source"),
               ("image_data_param", "source"), ("window_data_param", "source"))


@dataclass(frozen=True)
class Trial:
    name: str
    solver: Path  # the original
    copy: Path  # the solver that runs
    metrics: Path
    log: Path


def seed_of(solver: str | Path) -> int:
    """The seed every trial uses: the first solver's, or Caffe's examples' 1701 when it sets none."""
    seed = read_solver(solver).param.random_seed
    return seed if seed >= 0 else DEFAULT_SEED


def prepare(solver: str | Path, name: str, iterations: int, workdir: Path, seed: int) -> Trial:
    """Write the copy of `solver` (and its nets) that trains `iterations` iterations under `workdir/name`."""
    config = read_solver(solver)
    folder = workdir / name
    folder.mkdir(parents=True, exist_ok=True)
    param = caffe_pb2.SolverParameter()
    param.CopyFrom(config.param)
    param.max_iter = iterations
    param.random_seed = seed
    param.snapshot_prefix = str(folder / name)
    resolve = _absolute(config.resolver)
    weights = [resolve(w, "weights file") for w in param.weights]
    del param.weights[:]
    param.weights.extend(weights)
    if param.HasField("net"):
        param.net = _write_net(config.train_net.param, folder / "net.prototxt", resolve)
    elif param.HasField("train_net"):
        param.train_net = _write_net(config.train_net.param, folder / "train_net.prototxt", resolve)
    for net in [*param.test_net_param, *([param.net_param] if param.HasField("net_param") else []),
                *([param.train_net_param] if param.HasField("train_net_param") else [])]:
        _absolute_paths(net, resolve)
    first_file = len(param.test_net_param)  # test nets read from files follow the inline ones
    files = [_write_net(config.test_nets[first_file + i].param, folder / f"test_net_{i}.prototxt", resolve)
             for i in range(len(param.test_net))]
    del param.test_net[:]
    param.test_net.extend(files)
    copy = folder / "solver.prototxt"
    copy.write_text(text_format.MessageToString(param))
    return Trial(name, Path(solver), copy, folder / f"{name}.metrics.jsonl", folder / "train.log")


def _absolute(resolver: PathResolver) -> Callable[[str, str], str]:
    def resolve(path: str, what: str) -> str:
        try:
            return os.path.abspath(resolver.resolve(path, what))
        except ConfigError:
            return path  # left for the training run to report, in its own words
    return resolve


def _absolute_paths(net: caffe_pb2.NetParameter, resolve: Callable[[str, str], str]) -> None:
    for layer in net.layer:
        for message, name in PATH_FIELDS:
            if layer.HasField(message) and getattr(getattr(layer, message), name):
                sub = getattr(layer, message)
                setattr(sub, name, resolve(getattr(sub, name), f"{message}.{name}"))


def _write_net(net: caffe_pb2.NetParameter, path: Path, resolve: Callable[[str, str], str]) -> str:
    copy = caffe_pb2.NetParameter()
    copy.CopyFrom(net)
    _absolute_paths(copy, resolve)
    path.write_text(text_format.MessageToString(copy))
    return str(path.resolve())


def jobs_for(count: int) -> int:
    """How many runs at once: one per core, at most one per configuration."""
    return max(1, min(count, os.cpu_count() or 1))


def run_trials(trials: list[Trial], jobs: int | None = None, say: Callable[[str], None] = lambda _: None) -> None:
    """Train every trial, `jobs` processes at a time; ConfigError naming the first that fails."""
    jobs = jobs or jobs_for(len(trials))
    env = dict(os.environ)
    if jobs > 1:  # the runs share the cores: each gets its part for BLAS, unless the user decided
        share = str(max(1, (os.cpu_count() or 1) // jobs))
        env.setdefault("OPENBLAS_NUM_THREADS", share)
        env.setdefault("OMP_NUM_THREADS", share)
    pending, running, failed = list(trials), [], []
    while pending or running:
        while pending and len(running) < jobs:
            trial = pending.pop(0)
            say(f"training {trial.name} ({trial.solver}) ...")
            running.append((trial, _start(trial, env)))
        time.sleep(0.05)
        for trial, proc in list(running):
            if proc.poll() is not None:
                running.remove((trial, proc))
                if proc.returncode != 0:
                    failed.append((trial, proc.returncode))
    if failed:
        trial, code = failed[0]
        raise ConfigError(f"training {trial.name} ({trial.solver}) failed with exit status {code}: "
                          f"{_last_words(trial.log)}", fix=f"Its whole log is {trial.log} (kept with --workdir).")


def _start(trial: Trial, env: dict) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "sgdtrain", "train", "--solver", str(trial.copy), "--log-format", "plain",
           "--metrics", str(trial.metrics), "--no-progress"]
    with open(trial.log, "wb") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)


def _last_words(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("sgdtrain: error:")]
    return (errors[-1][len("sgdtrain: error: "):] if errors else " | ".join(lines[-3:])) or "(no output)"
