"""The emitted PyTorch optimizer moves the weights as sgdtrain's Updater does, on the same gradients.

The snippet's own train_iteration runs each iteration (gradients summed over
iter_size, Caffe's clipping, normalisation, L1, optimizer.step(),
scheduler.step()), fed through TinyModel so that the gradients are exactly
the arrays given to sgdtrain.
"""

from __future__ import annotations

import numpy as np
import pytest
from export_helpers import gradients, sgdtrain_trajectory, solver, torch_adam_delta, torch_snippet

torch = pytest.importorskip("torch")
torch_models = pytest.importorskip("torch_models")

MULTS = [(1.0, 1.0), (1.0, 1.0), (2.0, 0.0)]  # other, ip1.weight, ip1.bias under GROUPED
N = 200


def _torch_trajectory(param, grads, **names):
    ns = torch_snippet(param, **names)
    model = ns["model"]
    initial = torch_models.weights(model)
    out = []
    for sub_batches in grads:
        ns["train_iteration"](torch_models.identity_loss, [torch_models.feed(model, g) for g in sub_batches])
        out.append(torch_models.weights(model))
    return initial, out, ns


def _assert_close(got, want, rtol=1e-5, atol=1e-6):
    """Weight trajectories (values of order 1) equal to float32 rounding accumulated over the run."""
    for it, (g, w) in enumerate(zip(got, want)):
        for a, b in zip(g, w):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"iteration {it}")


def _max_difference(got, want) -> float:
    return max(float(np.abs(a - b).max()) for g, w in zip(got, want) for a, b in zip(g, w))


def _compare(param, scale=1.0, iter_size=1, n=N, **names):
    """Run the snippet and sgdtrain on the same gradients; their weights must agree at every iteration.

    Adam/AdamW: torch's eps is Caffe's delta * sqrt(1 - beta2^t), so the snippet is compared with sgdtrain
    using that delta, and with sgdtrain as configured only up to the (small) documented difference.
    """
    model = torch_models.TinyModel()
    grads = gradients([w.shape for w in torch_models.weights(model)], n, iter_size, scale)
    initial, got, ns = _torch_trajectory(param, grads, model=model, **names)
    want = sgdtrain_trajectory(param, initial, MULTS, grads)
    if param.type in ("Adam", "AdamW"):
        _assert_close(got, sgdtrain_trajectory(param, initial, MULTS, grads, delta_at=torch_adam_delta))
        assert _max_difference(got, want) < 2e-5  # the eps placement: small for ordinary gradients
    else:
        _assert_close(got, want)
    moved = max(float(np.abs(a - b).max()) for a, b in zip(want[-1], initial))
    assert moved > 1e-3  # the weights really moved
    return ns, got, want


FIXED_RULES = {
    "SGD": 'type: "SGD" momentum: 0.9 weight_decay: 0.0005',
    "Nesterov": 'type: "Nesterov" momentum: 0.95 weight_decay: 0.0005',
    "AdaGrad": 'type: "AdaGrad" weight_decay: 0.0005',
    "RMSProp": 'type: "RMSProp" rms_decay: 0.98 weight_decay: 0.0005',
    "AdaDelta": 'type: "AdaDelta" momentum: 0.95 delta: 1e-6 weight_decay: 0.0005 base_lr: 1.0',
    "Adam": 'type: "Adam" momentum: 0.9 momentum2: 0.999 weight_decay: 0.0005',
    "AdamW": 'type: "AdamW" momentum: 0.9 momentum2: 0.999 weight_decay: 0.01',
    "SGD-L1": 'type: "SGD" momentum: 0.9 weight_decay: 0.001 regularization_type: "L1"',
    "SGD-no-momentum": 'type: "SGD" weight_decay: 0.0005',
}


@pytest.mark.parametrize("name", sorted(FIXED_RULES))
def test_fixed_rate_trajectories(name):
    param = solver('lr_policy: "fixed" ' + FIXED_RULES[name])
    ns, _, _ = _compare(param, scale=0.1)
    if name.startswith("SGD") or name == "Nesterov":
        assert isinstance(ns["optimizer"], torch.optim.SGD)  # a constant rate needs no custom optimizer


def test_clipping_iter_size_and_groups_follow_caffe_order():
    # Gradients of norm ~ 20 summed over 3 sub-batches: clipping at 5 scales every iteration.
    param = solver('lr_policy: "step" gamma: 0.5 stepsize: 50 type: "SGD" momentum: 0.9 weight_decay: 0.001 '
                   "clip_gradients: 5 iter_size: 3")
    _compare(param, scale=5.0, iter_size=3)


@pytest.mark.parametrize("policy", ['"inv" gamma: 0.05 power: 0.75', '"step" gamma: 0.1 stepsize: 20',
                                    '"poly" power: 2'])
@pytest.mark.parametrize("rule", ["SGD", "Nesterov"])
def test_caffe_sgd_matches_under_a_changing_rate(policy, rule):
    param = solver(f'lr_policy: {policy} type: "{rule}" momentum: 0.9 weight_decay: 0.0005')
    ns, _, _ = _compare(param, scale=0.1)
    assert type(ns["optimizer"]).__name__ == "CaffeSGD"


def test_torch_sgd_drifts_from_caffe_after_a_rate_change():
    """Why the warning exists: with EXACT_CAFFE_MOMENTUM = False, torch.optim.SGD differs once the rate drops."""
    param = solver('lr_policy: "step" gamma: 0.1 stepsize: 20 type: "SGD" momentum: 0.9')
    model = torch_models.TinyModel()
    grads = gradients([w.shape for w in torch_models.weights(model)], 40, scale=0.1)
    ns = torch_snippet(param, model=model)
    ns["optimizer"] = torch.optim.SGD(ns["caffe_param_groups"](model), lr=ns["BASE_LR"], momentum=0.9)
    ns["scheduler"] = torch.optim.lr_scheduler.LambdaLR(ns["optimizer"], ns["lr_lambda"])
    initial = torch_models.weights(model)
    for sub in grads:
        ns["train_iteration"](torch_models.identity_loss, [torch_models.feed(model, g) for g in sub])
    want = sgdtrain_trajectory(param, initial, MULTS, grads)[-1]
    got = torch_models.weights(model)
    assert max(float(np.abs(a - b).max()) for a, b in zip(got, want)) > 1e-3


@pytest.mark.parametrize("rule", ['"RMSProp" rms_decay: 0.98', '"AdaGrad"', '"AdaDelta" momentum: 0.95 base_lr: 1',
                                  '"Adam" momentum: 0.9'])
def test_adaptive_rules_under_a_changing_rate(rule):
    # The rate multiplies the whole step in Caffe and torch alike: schedules are exact for these rules.
    param = solver(f'lr_policy: "inv" gamma: 0.05 power: 0.75 type: {rule} weight_decay: 0.0005')
    _compare(param, scale=0.1)


def test_adam_epsilon_difference_is_the_documented_one():
    """torch's eps sits on sqrt(v_hat): Caffe's delta times sqrt(1 - beta2^t). Negligible for ordinary
    gradients (checked above); visible when gradients are as small as delta, where torch follows that formula."""
    param = solver('lr_policy: "fixed" type: "Adam" momentum: 0.9 momentum2: 0.999 delta: 1e-8')
    model = torch_models.TinyModel()
    grads = gradients([w.shape for w in torch_models.weights(model)], 30, scale=1e-8)
    initial, got, _ = _torch_trajectory(param, grads, model=model)
    caffe = sgdtrain_trajectory(param, initial, MULTS, grads)[-1]
    steps_caffe = [c - i for c, i in zip(caffe, initial)]
    steps_torch = [g - i for g, i in zip(got[-1], initial)]
    # Caffe's steps are much smaller: its delta is ~30x torch's effective one at t = 1 ...
    assert all(np.abs(c).max() < 0.8 * np.abs(t).max() for c, t in zip(steps_caffe, steps_torch))
    # ... and torch follows Caffe's formula with delta_t = eps * sqrt(1 - beta2^t).
    adjusted = sgdtrain_trajectory(param, initial, MULTS, grads, delta_at=torch_adam_delta)[-1]
    for g, w, i in zip(got[-1], adjusted, initial):
        np.testing.assert_allclose(g - i, w - i, rtol=1e-4, atol=1e-9)
