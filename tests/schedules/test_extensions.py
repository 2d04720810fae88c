"""sgdtrain's schedule extensions, against tables worked out by hand."""

from __future__ import annotations

import pytest

from sgdtrain.errors import ConfigError
from sgdtrain.proto import caffe_pb2
from sgdtrain.schedules import check_policy, learning_rate


def solver(**fields):
    return caffe_pb2.SolverParameter(**fields)


def rates(param, iters):
    out, step = [], 0
    for i in iters:
        rate, step, _ = learning_rate(param, i, step)
        out.append(float(rate))
    return out


def test_cosine_annealing_to_zero_at_max_iter():
    p = solver(lr_policy="cosine", base_lr=0.1, max_iter=100)
    # 0.1 * (1 + cos(pi t / 100)) / 2 at t = 0, 25, 50, 75, 100
    assert rates(p, [0, 25, 50, 75, 100]) == pytest.approx([0.1, 0.0853553390, 0.05, 0.0146446609, 0.0], abs=1e-8)


def test_cosine_floor_is_a_fraction_of_base_lr():
    p = solver(lr_policy="cosine", base_lr=0.1, max_iter=100, cosine_floor=0.1)
    # 0.1 * (0.1 + 0.9 * (1 + cos(pi t / 100)) / 2)
    assert rates(p, [0, 50, 100]) == pytest.approx([0.1, 0.055, 0.01], rel=1e-6)


def test_cosine_restarts_with_growing_periods():
    p = solver(lr_policy="cosine", base_lr=0.1, max_iter=1000, cosine_period=10, cosine_period_mult=2)
    # periods: [0, 10), [10, 30), [30, 70): each restarts at base_lr and is half-way at its middle
    assert rates(p, [0, 5, 10, 20, 30, 50, 70]) == pytest.approx([0.1, 0.05, 0.1, 0.05, 0.1, 0.05, 0.1], abs=1e-8)


def test_equal_periods():
    p = solver(lr_policy="cosine", base_lr=1.0, max_iter=100, cosine_period=4)
    # t = iter mod 4: (1 + cos(pi t / 4)) / 2 = 1, 0.853553, 0.5, 0.146447, then 1 again
    assert rates(p, range(6)) == pytest.approx([1, 0.8535534, 0.5, 0.1464466, 1, 0.8535534], rel=1e-6)


def test_linear_warmup_composes_with_any_policy():
    p = solver(lr_policy="fixed", base_lr=0.1, warmup_iter=10, warmup_start_factor=0.1)
    # 0.1 * (0.1 + 0.9 * iter / 10) until iter 10
    assert rates(p, [0, 5, 9, 10, 50]) == pytest.approx([0.01, 0.055, 0.091, 0.1, 0.1], rel=1e-6)
    p = solver(lr_policy="step", base_lr=0.1, gamma=0.5, stepsize=4, warmup_iter=8, warmup_start_factor=0.0)
    # step: 0.1, 0.1 (0..3), 0.05 (4..7), 0.025 (8..); times iter / 8 during the warm-up
    assert rates(p, [0, 2, 4, 6, 8]) == pytest.approx([0.0, 0.025, 0.025, 0.0375, 0.025], rel=1e-6)


def test_min_lr_floors_the_decay():
    p = solver(lr_policy="exp", base_lr=1.0, gamma=0.5, min_lr=0.1)
    assert rates(p, [0, 1, 3, 4, 10]) == pytest.approx([1, 0.5, 0.125, 0.1, 0.1], rel=1e-6)


def test_plateau_is_base_lr_times_gamma_to_the_plateaus_counted():
    p = solver(lr_policy="plateau", base_lr=0.1, gamma=0.5)
    assert [float(learning_rate(p, 100, k)[0]) for k in range(4)] == pytest.approx([0.1, 0.05, 0.025, 0.0125])
    assert learning_rate(p, 100, 2)[1] == 2  # the solver, not the policy, moves the counter


@pytest.mark.parametrize("fields,field", [
    (dict(lr_policy="cosine", base_lr=0.1), "max_iter"),
    (dict(lr_policy="cosine", base_lr=0.1, max_iter=10, cosine_floor=1.5), "cosine_floor"),
    (dict(lr_policy="cosine", base_lr=0.1, max_iter=10, cosine_period_mult=0.5), "cosine_period_mult"),
    (dict(lr_policy="plateau", base_lr=0.1, gamma=2.0), "gamma"),
    (dict(lr_policy="plateau", base_lr=0.1, gamma=0.5, plateau_patience=0), "plateau_patience"),
    (dict(lr_policy="fixed", base_lr=0.1, warmup_iter=-1), "warmup_iter"),
    (dict(lr_policy="fixed", base_lr=0.1, warmup_start_factor=2), "warmup_start_factor"),
    (dict(lr_policy="fixed", base_lr=0.1, min_lr=-0.1), "min_lr"),
])
def test_bad_extension_settings_are_refused(fields, field):
    with pytest.raises(ConfigError) as info:
        check_policy(solver(**fields), lambda name: __import__("sgdtrain.errors").errors.Where(field=name))
    assert info.value.where.field == field
