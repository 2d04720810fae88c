import pytest
from lr_helpers import printed, rates, run, solver

from sgdtrain.schedules import learning_rate


def test_step_table():
    # base_lr 0.1, gamma 0.5, stepsize 3: rate halves at 3, 6, 9 (iter // 3).
    p = solver(lr_policy="step", base_lr=0.1, gamma=0.5, stepsize=3)
    got = run(p, range(10))
    assert [r for r, _, _ in got] == pytest.approx(
        [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125], rel=1e-7)
    assert [s for _, s, _ in got] == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]
    assert all(m is None for _, _, m in got)


def test_step_overwrites_current_step_with_iter_over_stepsize():
    p = solver(lr_policy="step", base_lr=0.1, gamma=0.5, stepsize=3)
    _, step, _ = learning_rate(p, 4, 7)  # a stale current_step (say from a multistep run) is replaced
    assert step == 1


def test_step_prints_like_caffe():
    # base_lr 0.01, gamma 0.1, stepsize 5000 (a common ImageNet-style schedule).
    p = solver(lr_policy="step", base_lr=0.01, gamma=0.1, stepsize=5000)
    assert [printed(r) for r in rates(p, [0, 4999, 5000, 9999, 10000, 15000])] == [
        "0.01", "0.01", "0.001", "0.001", "0.0001", "1e-05"]
