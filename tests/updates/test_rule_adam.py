import numpy as np
import pytest
from ref_rules import solver
from rule_helpers import steps

from sgdtrain.updates.rules.adam import bias_correction


def test_adam_by_hand():
    # β1 0.5, β2 0.75, δ 0, ℓ 0.1
    # t=1, g=2: m = 1, v = 0.25·4 = 1; correction = sqrt(0.25)/0.5 = 1;  Δ = 0.1
    # t=2, g=1: m = 0.5 + 0.5 = 1, v = 0.75 + 0.25 = 1; correction = sqrt(1−0.5625)/(1−0.25)
    #           = 0.66143783/0.75 = 0.88191710;  Δ = 0.088191710
    deltas, (m, v) = steps(solver("Adam", momentum=0.5, momentum2=0.75, delta=0), [[2], [1]], rate=0.1)
    assert [float(d[0]) for d in deltas] == pytest.approx([0.1, 0.088191710], rel=1e-6)
    assert (float(m[0]), float(v[0])) == (1.0, 1.0)


def test_adam_beta1_is_momentum_and_zero_when_unset():
    # β1 0 (momentum unset), β2 0.75: m = g = 2, v = 1, correction = sqrt(0.25)/1 = 0.5: Δ = 0.1·0.5·2 = 0.1
    deltas, (m, _) = steps(solver("Adam", momentum2=0.75, delta=0), [[2]], rate=0.1)
    assert float(deltas[0][0]) == pytest.approx(0.1, rel=1e-6) and float(m[0]) == 2


def test_adam_t_is_iter_plus_one():
    # β1 = β2 = 0.5, g = 2 from empty history: m = 1, v = 2, m/sqrt(v) = 0.70710678
    # iter 0 (t=1): correction = sqrt(0.5)/0.5 = 1.41421356         -> Δ = 1
    # iter 3 (t=4, e.g. after a resume): sqrt(15/16)/(15/16) = 1.03279556 -> Δ = 0.73029674
    param = solver("Adam", momentum=0.5, momentum2=0.5, delta=0)
    assert float(steps(param, [[2]], rate=1, start_iter=0)[0][0][0]) == pytest.approx(1.0, rel=1e-6)
    assert float(steps(param, [[2]], rate=1, start_iter=3)[0][0][0]) == pytest.approx(0.73029674, rel=1e-6)
    assert bias_correction(np.float32(0.5), np.float32(0.5), 4) == pytest.approx(1.03279556, rel=1e-7)


def test_adam_adds_delta_to_the_uncorrected_root():
    # β1 0.9, β2 0.999, δ 1e-3, g = 1e-3, t = 1: m = 1e-4, v = 1e-9, sqrt(v) = 3.1622777e-5
    # Caffe:   Δ = sqrt(0.001)/0.1 · 1e-4/(3.1622777e-5 + 1e-3) = 0.030653430
    # PyTorch: m̂ = 1e-3, v̂ = 1e-6:  Δ = 1e-3/(1e-3 + 1e-3) = 0.5   (δ on sqrt(v̂): a different update)
    param = solver("Adam", momentum=0.9, momentum2=0.999, delta=1e-3)
    (delta,), _ = steps(param, [[1e-3]], rate=1)
    assert float(delta[0]) == pytest.approx(0.030653430, rel=1e-5)
    b1, b2, eps, g = param.momentum, param.momentum2, param.delta, np.float32(1e-3)
    m_hat, v_hat = (1 - b1) * g / (1 - b1), (1 - b2) * g * g / (1 - b2)
    assert float(delta[0]) != pytest.approx(m_hat / (np.sqrt(v_hat) + eps), rel=0.5)


def test_adam_against_the_hand_formula_over_steps():
    param = solver("Adam", momentum=0.9, momentum2=0.999)
    grads = np.random.default_rng(3).standard_normal((5, 4)).astype(np.float32)
    deltas, _ = steps(param, list(grads), rate=0.01)
    b1, b2, eps = param.momentum, param.momentum2, param.delta
    m = v = np.zeros(4)
    for t, (g, got) in enumerate(zip(grads.astype(np.float64), deltas), start=1):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        want = 0.01 * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
        np.testing.assert_allclose(got, want, rtol=1e-5)
