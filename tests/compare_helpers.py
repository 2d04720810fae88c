"""Fixtures of the compare/plot tests: a real Caffe log excerpt and an sgdtrain metrics record."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import DATA

COMPARE = DATA / "compare"
# Real Caffe's log (tests/data/caffe-lenet-fashion/logs/traj_sgd_inv.log) from `Solving LeNet` through
# iteration 60: the test at iteration 0 and 61 display lines (display: 1), glog prefix with the 4-digit year.
CAFFE_LOG = COMPARE / "caffe_sgd_inv_first60.log"
# `sgdtrain train` of solver_helpers' small net, SOLVERS["SGD"], 16 iterations, tests every 4.
METRICS = COMPARE / "small_sgd.metrics.jsonl"


def classic_prefix(log: Path, out: Path) -> Path:
    """The same log with glog's classic prefix (`I1121 ...`, no year), as older Caffe builds write it."""
    out.write_text("\n".join(line.replace("I20261121 ", "I1121 ", 1) for line in log.read_text().splitlines()))
    return out


def write_records(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path
