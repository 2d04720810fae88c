import pytest
from lr_helpers import rates, run, solver


def test_exp_table():
    # rate = base_lr * gamma^iter with base_lr 1, gamma 0.5.
    p = solver(lr_policy="exp", base_lr=1, gamma=0.5)
    assert rates(p, range(5)) == pytest.approx([1, 0.5, 0.25, 0.125, 0.0625], rel=1e-7)


def test_exp_long_run():
    # 0.01 * 0.99^100 = 0.01 * 0.36603234 = 0.0036603234; float32(0.99) = 0.99 + 9.5e-9 moves
    # the power by about +9.6e-7 relative, hence the tolerance.
    p = solver(lr_policy="exp", base_lr=0.01, gamma=0.99)
    assert rates(p, [100]) == pytest.approx([0.0036603234], rel=2e-6)


def test_exp_leaves_current_step_alone():
    p = solver(lr_policy="exp", base_lr=1, gamma=0.5)
    assert [s for _, s, _ in run(p, [0, 5, 10], current_step=2)] == [2, 2, 2]
