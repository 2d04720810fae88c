import numpy as np
import pytest
from ref_rules import solver
from rule_helpers import steps


def test_nesterov_by_hand():
    # μ 0.5, ℓ 0.1:  H ← 0.5·H + 0.1·g;  Δ = 1.5·H − 0.5·H_old
    # g = 1:  H = 0.1,   Δ = 0.15
    # g = 2:  H = 0.25,  Δ = 0.375 − 0.05 = 0.325
    # g = -1: H = 0.025, Δ = 0.0375 − 0.125 = −0.0875
    deltas, (h,) = steps(solver("Nesterov", momentum=0.5), [[1], [2], [-1]], rate=0.1)
    assert [float(d[0]) for d in deltas] == pytest.approx([0.15, 0.325, -0.0875], rel=1e-6)
    assert float(h[0]) == pytest.approx(0.025, rel=1e-6)


def test_nesterov_equals_momentum_plus_gradient_step():
    # (1+μ)·H_new − μ·H_old = μ·H_new + ℓ·g
    rng = np.random.default_rng(0)
    grads = rng.standard_normal((4, 5)).astype(np.float32)
    deltas, _ = steps(solver("Nesterov", momentum=0.9), list(grads), rate=0.01)
    sgd, _ = steps(solver("SGD", momentum=0.9), list(grads), rate=0.01)  # its Δ is H_new
    for d, h, g in zip(deltas, sgd, grads):
        np.testing.assert_allclose(d, np.float32(0.9) * h + np.float32(0.01) * g, rtol=1e-5)
