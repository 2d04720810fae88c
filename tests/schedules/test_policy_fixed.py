import numpy as np
import pytest
from lr_helpers import rates, solver

from sgdtrain.schedules import learning_rate


def test_fixed_is_base_lr_at_every_iteration():
    p = solver(lr_policy="fixed", base_lr=0.05, gamma=0.5, stepsize=1)  # gamma/stepsize are ignored
    assert rates(p, [0, 1, 999, 10**6]) == pytest.approx([0.05] * 4, rel=1e-7)


def test_fixed_returns_float32_and_leaves_current_step_alone():
    rate, step, message = learning_rate(solver(lr_policy="fixed", base_lr=0.01), 123, 4)
    assert type(rate) is np.float32 and rate == np.float32(0.01)
    assert (step, message) == (4, None)
