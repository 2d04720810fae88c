"""Caffe puts the learning rate inside the momentum history; PyTorch outside (§3.5)."""

import numpy as np
import pytest
from ref_rules import solver

from sgdtrain.updates import Updater


def run(kind, rates, g=1.0):
    """W after one step per rate with a constant gradient g (μ 0.9), from W = 0."""
    w, diff = np.zeros(1, np.float32), np.zeros(1, np.float32)
    up = Updater(solver(kind, momentum=0.9), [(1,)], [1], [1])
    for it, rate in enumerate(rates):
        diff[...] = g
        up.apply([w], [diff], np.float32(rate), it)
    return float(w[0])


def pytorch(rates, nesterov=False, g=1.0, mu=0.9):
    """torch.optim.SGD (dampening 0): b ← μb + g;  W ← W − lr·b  (Nesterov: W ← W − lr·(g + μb))."""
    w = b = 0.0
    for lr in rates:
        b = mu * b + g
        w -= lr * (g + mu * b if nesterov else b)
    return w


def test_sgd_changing_rate_by_hand():
    # rates 0.1, 0.1, 0.01, g = 1:
    #   Caffe   V = 0.1, 0.09 + 0.1 = 0.19, 0.171 + 0.01 = 0.181      -> W = −0.471
    #   PyTorch b = 1, 1.9, 2.71; steps 0.1, 0.19, 0.0271             -> W = −0.3171
    rates = [0.1, 0.1, 0.01]
    assert run("SGD", rates) == pytest.approx(-0.471, rel=1e-6)
    assert pytorch(rates) == pytest.approx(-0.3171, rel=1e-12)


def test_nesterov_changing_rate_by_hand():
    # Caffe Δ = μ·V_new + ℓ·g: 0.19, 0.9·0.19 + 0.1 = 0.271, 0.9·0.181 + 0.01 = 0.1729     -> W = −0.6339
    # PyTorch Δ = lr·(g + μ·b_new): 0.19, 0.1·2.71 = 0.271, 0.01·3.439 = 0.03439          -> W = −0.49539
    rates = [0.1, 0.1, 0.01]
    assert run("Nesterov", rates) == pytest.approx(-0.6339, rel=1e-6)
    assert pytorch(rates, nesterov=True) == pytest.approx(-0.49539, rel=1e-12)


@pytest.mark.parametrize("kind", ["SGD", "Nesterov"])
def test_conventions_agree_at_a_constant_rate_and_differ_when_it_changes(kind):
    nesterov = kind == "Nesterov"
    constant = [0.05] * 6
    assert run(kind, constant) == pytest.approx(pytorch(constant, nesterov), rel=1e-6)
    decaying = [0.05 / (1 + i) for i in range(6)]  # e.g. an inv-like schedule
    assert run(kind, decaying) != pytest.approx(pytorch(decaying, nesterov), rel=1e-2)
