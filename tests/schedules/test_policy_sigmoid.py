import pytest
from lr_helpers import rates, solver


def test_sigmoid_table():
    # rate = base_lr / (1 + exp(-gamma*(iter - stepsize))), gamma 1, stepsize 2: half of base_lr at 2.
    p = solver(lr_policy="sigmoid", base_lr=1, gamma=1, stepsize=2)
    assert rates(p, range(5)) == pytest.approx([0.11920292, 0.26894142, 0.5, 0.73105858, 0.88079708], rel=1e-6)


def test_sigmoid_scales_with_base_lr_and_gamma_zero_is_flat():
    p = solver(lr_policy="sigmoid", base_lr=0.1, gamma=0, stepsize=50)
    assert rates(p, [0, 50, 1000]) == pytest.approx([0.05, 0.05, 0.05], rel=1e-7)


def test_sigmoid_far_before_the_ramp_underflows_to_zero():
    # exp(1000) overflows; C gives 1/(1+inf) = 0 rather than an exception.
    p = solver(lr_policy="sigmoid", base_lr=0.1, gamma=1, stepsize=1000)
    assert rates(p, [0, 2000]) == [0.0, pytest.approx(0.1)]
