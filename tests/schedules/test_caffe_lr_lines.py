"""Every `Iteration N, lr = X` line of every real Caffe run, reproduced as identical text."""

from __future__ import annotations

import pytest
from conftest import REFERENCE

from sgdtrain.config.textformat import parse_text
from sgdtrain.fidelity.runs import RUNS
from sgdtrain.log import fmt_float
from sgdtrain.logparse import read_log
from sgdtrain.proto import caffe_pb2
from sgdtrain.schedules import learning_rate
from sgdtrain.snapshot import read_solverstate

LOGGED = [r for r in RUNS if not r.fails]


@pytest.mark.parametrize("run", LOGGED, ids=lambda r: r.name)
def test_lr_lines_identical(run):
    param = parse_text((REFERENCE / run.solver).read_text(), caffe_pb2.SolverParameter())
    log = read_log(REFERENCE / run.log)
    step = read_solverstate(REFERENCE / run.snapshot).current_step if run.snapshot else 0
    assert log.lr_text
    for it in sorted(log.lr_text):
        rate, step, _ = learning_rate(param, it, step)
        assert fmt_float(rate) == log.lr_text[it], f"{run.name} iteration {it}"


def test_lines_counted():
    assert sum(len(read_log(REFERENCE / r.log).lr_text) for r in LOGGED) == 3400  # 18 runs
