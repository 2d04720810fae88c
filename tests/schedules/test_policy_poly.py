import math

import pytest
from lr_helpers import rates, solver


def poly(power, max_iter=4, base_lr=1):
    return solver(lr_policy="poly", base_lr=base_lr, power=power, max_iter=max_iter)


def test_poly_tables():
    # rate = base_lr * (1 - iter/max_iter)^power, max_iter 4
    assert rates(poly(1), range(5)) == pytest.approx([1, 0.75, 0.5, 0.25, 0], abs=1e-8)
    assert rates(poly(2), range(5)) == pytest.approx([1, 0.5625, 0.25, 0.0625, 0], abs=1e-8)
    assert rates(poly(0.5), range(5)) == pytest.approx([1, 0.8660254, 0.70710678, 0.5, 0], abs=1e-7)


def test_poly_is_zero_at_max_iter():
    assert rates(poly(0.9, max_iter=10000, base_lr=0.01), [10000]) == [0.0]


def test_poly_past_max_iter_follows_caffe():
    # Caffe uses the current max_iter: an even power rises again, a fractional one gives NaN.
    assert rates(poly(2), [5]) == pytest.approx([0.0625])
    assert math.isnan(rates(poly(0.5), [5])[0])
