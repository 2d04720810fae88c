"""The emitted Keras code, run with real Keras 3 when it is installed (skipped otherwise).

Keras is not a dependency of sgdtrain; these tests run where `keras` and a backend are importable
(KERAS_BACKEND defaults to "torch" here, since PyTorch is what the test extras have). They check the
CaffeLR schedule against sgdtrain's learning_rate and caffe_update's trajectories against sgdtrain's
Updater. train_iteration itself needs the TensorFlow backend and is not run.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from export_helpers import (
    EXTENSIONS,
    GROUPED,
    MAX_ITER,
    POLICIES,
    extension_support,
    gradients,
    run_snippet,
    sgdtrain_rates,
    sgdtrain_trajectory,
    solver,
)

from sgdtrain.export import export_solver

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
ops = keras.ops

MULTS = [(1.0, 1.0), (2.0, 0.0), (1.0, 1.0), (1.0, 1.0)]  # ip1/kernel, ip1/bias, other/kernel, other/bias


def _model():
    keras.utils.set_random_seed(3)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="ip1"),
                             keras.layers.Dense(2, name="other")])


def _snippet(param, model=None):
    return run_snippet(export_solver(param, "keras", GROUPED).code, model=model or _model())


@pytest.mark.parametrize("name", sorted(POLICIES) + sorted(EXTENSIONS))
def test_schedule_rates(name):
    param = solver({**POLICIES, **EXTENSIONS}[name])
    if name in EXTENSIONS and extension_support(param):
        pytest.skip(extension_support(param))
    schedule = _snippet(param)["CaffeLR"](2.0)
    got = np.array([float(ops.convert_to_numpy(schedule(ops.convert_to_tensor(it)))) for it in range(MAX_ITER)])
    want = 2.0 * np.array(sgdtrain_rates(param, MAX_ITER))
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-6 * float(param.base_lr))


RULES = {
    "SGD-inv": 'lr_policy: "inv" gamma: 0.05 power: 0.75 type: "SGD" momentum: 0.9 weight_decay: 0.0005',
    "Nesterov-step": 'lr_policy: "step" gamma: 0.1 stepsize: 20 type: "Nesterov" momentum: 0.95 weight_decay: 0.0005',
    "Adam": 'lr_policy: "fixed" type: "Adam" momentum: 0.9 weight_decay: 0.0005',
    "AdamW": 'lr_policy: "inv" gamma: 0.05 power: 0.75 type: "AdamW" momentum: 0.9 weight_decay: 0.01',
    "AdaDelta": 'lr_policy: "fixed" type: "AdaDelta" momentum: 0.95 delta: 1e-6 base_lr: 1 weight_decay: 0.0005',
    "L1-clip-iter_size": 'lr_policy: "fixed" type: "SGD" momentum: 0.9 weight_decay: 0.001 regularization_type: "L1" '
                         "clip_gradients: 5 iter_size: 3",
    # epsilon = delta^2 inside the root: close to Caffe's delta outside for ordinary gradients.
    "RMSProp": 'lr_policy: "fixed" type: "RMSProp" rms_decay: 0.98 weight_decay: 0.0005',
    "AdaGrad": 'lr_policy: "fixed" type: "AdaGrad" weight_decay: 0.0005',
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_caffe_update_trajectories(name):
    param = solver(RULES[name])
    model = _model()
    ns = _snippet(param, model)
    variables = ns["VARIABLES"]
    initial = [ops.convert_to_numpy(v).copy() for v in variables]
    grads = gradients([w.shape for w in initial], 100, param.iter_size, 5.0 if param.clip_gradients > 0 else 0.1)
    got = []
    for sub_batches in grads:
        summed = [sum(ops.convert_to_tensor(sub[i]) for sub in sub_batches) for i in range(len(initial))]
        ns["caffe_update"](summed)
        got.append([ops.convert_to_numpy(v).copy() for v in variables])
    want = sgdtrain_trajectory(param, initial, MULTS, grads)
    for it, (g, w) in enumerate(zip(got, want)):
        for a, b in zip(g, w):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=2e-6, err_msg=f"iteration {it}")
    assert max(float(np.abs(a - b).max()) for a, b in zip(want[-1], initial)) > 1e-3


def test_plateau_tracker_drives_the_schedule():
    param = solver('lr_policy: "plateau" gamma: 0.5 plateau_patience: 2 plateau_metric: "loss" test_interval: 10')
    ns = _snippet(param)
    schedule = ns["CaffeLR"](1.0)
    rates = []
    for value in [1.0, 0.9, 0.95, 0.92, 0.8, 0.85, 0.81, 0.9]:
        ns["plateau"].update(value)
        rates.append(float(ops.convert_to_numpy(schedule(ops.convert_to_tensor(5)))))
    np.testing.assert_allclose(rates, [0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.0025, 0.0025], rtol=1e-6)
