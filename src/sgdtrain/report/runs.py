"""Finished training runs as curves, from sgdtrain's metrics record or a Caffe log.

Both sources become one `Run`: the train loss at each displayed iteration
(this iteration's loss and the smoothed one Caffe prints), the learning rate,
each test output over the tests, the train loss after the last update, and
the wall time. The metrics record (solver/metrics.py) is read for preference:
it holds unrounded values and the raw loss. A Caffe log (real Caffe's or
sgdtrain's, glog prefix with or without the 4-digit year, or none) is read
with `logparse`; its raw loss is the train output named `loss` where the net
has one, else the printed loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from sgdtrain.errors import ConfigError
from sgdtrain.logparse import parse_log
from sgdtrain.solver.metrics import read_metrics

METRICS_SUFFIX = ".metrics.jsonl"


@dataclass
class Curve:
    iters: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)

    def add(self, it: int, value: float) -> None:
        self.iters.append(it)
        self.values.append(value)

    def __bool__(self) -> bool:
        return bool(self.iters)


@dataclass
class Run:
    name: str
    source: str  # the file read
    kind: str  # "sgdtrain" (a metrics record) or "caffe-log"
    loss: Curve = field(default_factory=Curve)  # each displayed iteration's own loss
    smoothed: Curve = field(default_factory=Curve)  # the printed loss (averaged over average_loss iterations)
    lr: Curve = field(default_factory=Curve)
    tests: dict[str, Curve] = field(default_factory=dict)  # "accuracy"; "accuracy#1" for test net 1
    final_loss: float | None = None  # the train loss after the last update, where recorded
    last_iter: int = 0
    wall: float | None = None  # seconds of training, where known


def test_name(output: str, net: int) -> str:
    return output if net == 0 else f"{output}#{net}"


def load_run(path: str | Path) -> Run:
    """A run from a metrics record, a directory holding one, or a Caffe log (ConfigError otherwise)."""
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"the run '{path}' does not exist.",
                          fix="Pass a .metrics.jsonl file, a directory holding one (a snapshot directory), "
                          "or a Caffe training log.")
    if p.is_dir():
        p = _metrics_in(p)
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigError(f"cannot read the run '{path}': {exc.strerror}.") from None
    if text.lstrip().startswith("{"):
        return _from_metrics(p, _name(p))
    return _from_log(p, text, _name(p))


def load_runs(paths: list[str | Path]) -> list[Run]:
    """Runs with distinct names (see `unique_names`)."""
    runs = [load_run(p) for p in paths]
    for run, name in zip(runs, unique_names([r.name for r in runs], [Path(r.source).parent.name for r in runs])):
        run.name = name
    return runs


def unique_names(names: list[str], folders: list[str]) -> list[str]:
    """Names made distinct: a clash gets its folder's name in front (`a/solver`), then a number (`#2`)."""
    out = [f"{folder}/{n}" if names.count(n) > 1 and folder else n for n, folder in zip(names, folders)]
    seen: dict[str, int] = {}
    for i, n in enumerate(out):
        seen[n] = seen.get(n, 0) + 1
        if seen[n] > 1:
            out[i] = f"{n}#{seen[n]}"
    return out


def _name(p: Path) -> str:
    return p.name[: -len(METRICS_SUFFIX)] if p.name.endswith(METRICS_SUFFIX) else p.stem


def _metrics_in(folder: Path) -> Path:
    found = sorted(folder.glob("*" + METRICS_SUFFIX)) or sorted(folder.rglob("*" + METRICS_SUFFIX))
    if len(found) == 1:
        return found[0]
    if not found:
        raise ConfigError(f"the directory '{folder}' holds no metrics record (*{METRICS_SUFFIX}).",
                          fix="Pass the snapshot directory of an sgdtrain run, the record itself, or a Caffe log.")
    shown = ", ".join(str(f) for f in found[:5])
    raise ConfigError(f"the directory '{folder}' holds {len(found)} metrics records: {shown}.",
                      fix="Name the one to read.")


def _segments(records: list[dict]) -> list[list[dict]]:
    """The records of the last run in the file: a fresh start and the resumes that follow it.

    Training again with the same snapshot_prefix appends a new run to the same
    file; resuming appends to the run it continues.
    """
    segments: list[list[dict]] = []
    for r in records:
        if r.get("event") == "start" or not segments:
            segments.append([])
        segments[-1].append(r)
    fresh = [i for i, s in enumerate(segments) if s[0].get("event") == "start" and not s[0].get("resumed_from")]
    return segments[fresh[-1] if fresh else 0:]


def _from_metrics(p: Path, name: str) -> Run:
    records = [r for r in read_metrics(p) if isinstance(r, dict) and "event" in r]
    if not records:
        raise ConfigError(f"'{p}' holds no sgdtrain metrics records.",
                          fix="Pass a .metrics.jsonl file written by `sgdtrain train`, or a Caffe log.")
    run = Run(name, str(p), "sgdtrain")
    display: dict[int, dict] = {}
    tests: dict[tuple[int, int], dict] = {}
    segments = _segments(records)
    for segment in segments:
        for r in segment:  # a resume from an earlier snapshot redoes iterations: the later values count
            it = int(r.get("iter", 0))
            if r["event"] == "display":
                display[it] = r
            elif r["event"] == "test":
                tests[(it, int(r.get("net", 0)))] = r
    finish = [r for r in segments[-1] if r["event"] == "finish"]
    if finish:
        run.last_iter, run.final_loss = int(finish[-1].get("iter", 0)), _number(finish[-1].get("final_loss"))
    else:  # a run that was killed: its last record says how far it got
        run.last_iter = max(int(r.get("iter", 0)) for s in segments for r in s)
    run.wall = sum(max(_number(r.get("wall")) or 0.0 for r in s) for s in segments)
    for it in sorted(display):
        r = display[it]
        for curve, key in ((run.loss, "loss"), (run.smoothed, "smoothed_loss"), (run.lr, "lr")):
            if (v := _number(r.get(key))) is not None:
                curve.add(it, v)
    for (it, net) in sorted(tests):
        for output, value in (tests[(it, net)].get("outputs") or {}).items():
            if (v := _number(value)) is not None:  # multi-element outputs (lists) are not curves
                run.tests.setdefault(test_name(output, net), Curve()).add(it, v)
    return run


def _number(v) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _from_log(p: Path, text: str, name: str) -> Run:
    log = parse_log(text)
    if not log.train and not log.tests:
        raise ConfigError(f"'{p}' is neither an sgdtrain metrics record nor a Caffe training log "
                          "(it has no `Iteration N (...), loss = X` or `Testing net` lines).",
                          fix="Pass a .metrics.jsonl file, a directory holding one, or a log of `caffe train` "
                          "or `sgdtrain train`.")
    run = Run(name, str(p), "caffe-log")
    for row in log.train:
        run.smoothed.add(row.iter, row.loss)
        run.loss.add(row.iter, row.outputs.get("loss", row.loss))
    for it in sorted(log.lr):
        run.lr.add(it, log.lr[it])
    for row in sorted(log.tests, key=lambda t: (t.iter, t.net)):
        for output, value in row.outputs.items():
            run.tests.setdefault(test_name(output, row.net), Curve()).add(row.iter, value)
    if log.final:
        run.last_iter, run.final_loss = log.final
    else:
        run.last_iter = max([r.iter for r in log.train] + [t.iter for t in log.tests] + [0])
    seconds = [r.seconds for r in log.train + log.tests if r.seconds is not None and math.isfinite(r.seconds)]
    run.wall = max(seconds) if seconds else None
    return run
