"""schedules/curve.py against hand-worked tables."""

from __future__ import annotations

import numpy as np
import pytest

from sgdtrain.proto import caffe_pb2
from sgdtrain.schedules.curve import compute, key_iterations, summarize
from sgdtrain.schedules.rate import learning_rate


def solver(**fields) -> caffe_pb2.SolverParameter:
    p = caffe_pb2.SolverParameter(base_lr=0.1, max_iter=13, display=2)
    for k, v in fields.items():
        if k == "stepvalue":
            p.stepvalue.extend(v)
        else:
            setattr(p, k, v)
    return p


def test_step_table_by_hand():
    p = solver(lr_policy="step", gamma=0.5, stepsize=3)
    curve = compute(p)
    expect = [0.1] * 3 + [0.05] * 3 + [0.025] * 3 + [0.0125] * 3 + [0.00625] * 2
    np.testing.assert_array_equal(curve.rates, np.float32(expect))
    assert curve.boundaries == [3, 6, 9, 12]
    assert key_iterations(p, curve) == [0, 2, 3, 4, 6, 8, 9, 10, 12, 13]


def test_summary_by_hand():
    p = solver(lr_policy="step", gamma=0.5, stepsize=3)
    s = summarize(p, compute(p))
    # updates 0..12: three each at 0.1, 0.05, 0.025, 0.0125, one at 0.00625
    assert s.area == pytest.approx(0.3 + 0.15 + 0.075 + 0.0375 + 0.00625, rel=1e-6)
    assert s.mean_lr == pytest.approx(s.area / 13, rel=1e-6)
    assert s.low_iters == 1  # iteration 12's 0.00625 <= 10% of 0.1
    assert (s.min_lr, s.max_lr) == (pytest.approx(0.00625), pytest.approx(0.1))


def test_multistep_counts_from_zero_even_when_a_range_starts_later():
    p = solver(lr_policy="multistep", gamma=0.1, stepvalue=[2, 5])
    curve = compute(p, start=4, end=8)
    assert curve.iters.tolist() == [4, 5, 6, 7, 8]
    np.testing.assert_allclose(curve.rates, [0.01, 0.001, 0.001, 0.001, 0.001], rtol=1e-6)
    assert curve.boundaries == [5]


def test_each_rate_is_the_solver_rate():
    p = solver(lr_policy="inv", gamma=0.0001, power=0.75, max_iter=500)
    curve = compute(p)
    for i in (0, 1, 250, 499, 500):
        assert curve.rates[i] == learning_rate(p, i, 0)[0]


def test_warmup_end_and_cosine_restarts_are_boundaries():
    p = solver(lr_policy="cosine", cosine_period=4, cosine_period_mult=2, warmup_iter=2, max_iter=20)
    curve = compute(p)
    assert curve.boundaries == [2, 4, 12]  # warm-up ends at 2; periods of 4 then 8 restart at 4 and 12


def test_max_rows_thins_display_rows_but_keeps_boundaries():
    p = solver(lr_policy="step", gamma=0.5, stepsize=7, max_iter=1000, display=1)
    curve = compute(p)
    rows = key_iterations(p, curve, max_rows=10)
    assert set(curve.boundaries) <= set(rows)
    assert len([r for r in rows if r % 100 == 0]) == 11  # 0, 100, ..., 1000
    assert len(key_iterations(p, curve, max_rows=0)) == 1001
