import numpy as np
import pytest
from ref_rules import solver

from sgdtrain.updates import Updater


def adamw(weight_decay=0.5, **fields):
    return solver("AdamW", momentum=0.5, momentum2=0.75, delta=0, weight_decay=weight_decay, **fields)


def test_adamw_by_hand():
    # As the Adam hand case (Δ_Adam = 0.1, then 0.088191710), plus ℓ·λ·W with ℓ 0.1, λ 0.5, W0 = 1:
    # step 1: Δ = 0.1 + 0.05·1 = 0.15                     -> W = 0.85
    # step 2: Δ = 0.088191710 + 0.05·0.85 = 0.130691710    -> W = 0.71930829
    w, g = np.array([1.0], np.float32), np.zeros(1, np.float32)
    up = Updater(adamw(), [(1,)], [1.0], [1.0])
    got = []
    for it, grad in enumerate([2.0, 1.0]):
        g[...] = grad
        up.apply([w], [g], np.float32(0.1), it)
        got.append((float(g[0]), float(w[0])))
    assert got == [pytest.approx((0.15, 0.85), rel=1e-6), pytest.approx((0.130691710, 0.71930829), rel=1e-6)]
    # The gradient was not regularised: m and v hold what Adam alone gives.
    assert [float(h[0]) for h in up.history] == [1.0, 1.0]


def test_adamw_equals_pytorch_style_shrink_then_adam_step():
    # W ← (1 − ℓλ)·W − Δ_Adam(g), with lr_mult 2 and decay_mult 0.5 folded into ℓ and λ.
    rng = np.random.default_rng(7)
    w0, g0 = rng.standard_normal(6).astype(np.float32), rng.standard_normal(6).astype(np.float32)
    w, g = w0.copy(), g0.copy()
    Updater(adamw(weight_decay=0.1), [(6,)], [2.0], [0.5]).apply([w], [g], np.float32(0.01), 0)
    adam_w, adam_g = w0.copy(), g0.copy()
    Updater(solver("Adam", momentum=0.5, momentum2=0.75, delta=0), [(6,)], [2.0], [0.5]).apply(
        [adam_w], [adam_g], np.float32(0.01), 0)
    lr, lam = 0.01 * 2, 0.1 * 0.5
    np.testing.assert_allclose(w, (1 - lr * lam) * w0 - adam_g, rtol=1e-6)


def test_adamw_with_zero_decay_is_adam():
    rng = np.random.default_rng(8)
    w0, g0 = rng.standard_normal(5).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    outs = []
    for kind in ("Adam", "AdamW"):
        w, g = w0.copy(), g0.copy()
        Updater(solver(kind, momentum=0.9), [(5,)], [1.0], [1.0]).apply([w], [g], np.float32(0.01), 0)
        outs.append(w)
    np.testing.assert_array_equal(*outs)
