"""Caffe's inductive least-squares check (test_gradient_based_solver.cpp, TestLeastSquaresUpdate; §8.2).

Run K updates; from the weights and history after K, and the batch of
iteration K, predict update K+1 analytically for the solver type; run K+1
updates afresh and compare. Caffe allows 1 % relative; float32 here reaches
1e-5.
"""

import numpy as np
import pytest
from lsq_problem import CASES, D, Problem, make


def predict(param, theta, hist, data_grad, t):
    """Update K+1 for each coordinate (D weights, then the bias), written out per type in float64.

    Returns (update, expected history after the update).
    """
    kind = param.type
    lr, lam, mu, eps = param.base_lr, param.weight_decay, param.momentum, param.delta
    # The bias is decayed too (decay_mult 1); AdamW decays W outside the gradient.
    grad = data_grad + (0.0 if kind == "AdamW" else lam * theta)
    if kind == "SGD":
        return lr * grad + mu * hist[0], (lr * grad + mu * hist[0],)
    if kind == "Nesterov":
        h = lr * grad + mu * hist[0]
        return (1 + mu) * h - mu * hist[0], (h,)
    if kind == "AdaGrad":
        h = hist[0] + grad**2
        return lr * grad / (np.sqrt(h) + eps), (h,)
    if kind == "RMSProp":
        h = 0.95 * hist[0] + 0.05 * grad**2
        return lr * grad / (np.sqrt(h) + eps), (h,)
    if kind == "AdaDelta":
        h1 = mu * hist[0] + (1 - mu) * grad**2
        step = grad * np.sqrt((hist[1] + eps) / (h1 + eps))
        return lr * step, (h1, mu * hist[1] + (1 - mu) * step**2)
    b1, b2 = mu, param.momentum2  # Adam, AdamW
    m = (1 - b1) * grad + b1 * hist[0]
    v = (1 - b2) * grad**2 + b2 * hist[1]
    update = lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    if kind == "AdamW":
        update = update + lr * lam * theta
    return update, (m, v)


def flat(pair):
    return np.concatenate([np.ravel(pair[0]), np.ravel(pair[1])]).astype(np.float64)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("k", range(5))
def test_least_squares_update(case, k):
    param = make(*CASES[case])
    problem = Problem()
    datas, _, updater = problem.run(param, k)
    theta = flat(datas)
    sets = updater.rule.history_sets
    hist = [flat(updater.history[2 * s: 2 * s + 2]) for s in range(sets)]
    data_grad = problem.data_gradient(*problem.batch(k), *datas)
    update, new_hist = predict(param, theta, hist, data_grad, t=k + 1)

    datas_next, diffs_next, updater_next = Problem().run(param, k + 1)
    np.testing.assert_allclose(flat(datas_next), theta - update, rtol=1e-5, atol=1e-7)
    # The diff keeps the update value, and the history is what the formula says.
    np.testing.assert_allclose(flat(diffs_next), update, rtol=1e-5, atol=1e-6 * np.abs(update).max())
    for s in range(sets):
        got = flat(updater_next.history[2 * s: 2 * s + 2])
        np.testing.assert_allclose(got, new_hist[s], rtol=1e-5, atol=1e-6 * np.abs(new_hist[s]).max())
    assert len(theta) == D + 1
