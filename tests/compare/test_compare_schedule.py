"""Learning-rate schedules compared as the solver computes them, step counter included."""

from __future__ import annotations

import numpy as np

from sgdtrain.compare.schedule import Parting, first_parting, rates
from sgdtrain.config.textformat import parse_text
from sgdtrain.proto import caffe_pb2


def solver(body: str) -> caffe_pb2.SolverParameter:
    return parse_text(body, caffe_pb2.SolverParameter())


def test_multistep_rates_follow_the_step_counter():
    r = rates(solver('lr_policy: "multistep" base_lr: 1 gamma: 0.5 stepvalue: 3 stepvalue: 3 max_iter: 6'))
    # a duplicate stepvalue takes effect one iteration later, as in Caffe
    assert [float(x) for x in r] == [1, 1, 1, 0.5, 0.25, 0.25]


def test_where_schedules_part():
    inv = rates(solver('lr_policy: "inv" base_lr: 0.01 gamma: 0.0001 power: 0.75 max_iter: 100'))
    fixed = rates(solver('lr_policy: "fixed" base_lr: 0.01 max_iter: 50'))
    parting = first_parting(inv, fixed)
    assert parting == Parting(1, float(np.float32(0.00999925)), float(np.float32(0.01)))
    assert parting.describe() == "lr schedules part at iteration 1: 0.00999925 vs 0.01"
    assert first_parting(fixed, fixed) is None
    assert first_parting(fixed[:10], rates(solver('lr_policy: "step" base_lr: 0.01 gamma: 0.1 stepsize: 10 '
                                                  'max_iter: 20'))) is None  # only where both run


def test_rates_that_print_alike_are_shown_in_full():
    a, b = np.float32(0.01), np.nextafter(np.float32(0.01), np.float32(1))
    assert Parting(7, float(a), float(b)).describe() == "lr schedules part at iteration 7: 0.01 vs 0.010000001"
    assert Parting(7, float(a), float(b)).as_dict() == {"iteration": 7, "a": 0.01, "b": 0.010000001}
