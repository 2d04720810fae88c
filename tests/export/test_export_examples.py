"""Golden-ish checks of the snippets for Caffe's example solvers (read with their nets, as the CLI does)."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, REPO

from sgdtrain.export import export_solver, load_solver

MNIST = EXAMPLES / "examples" / "mnist"
LENET_MULTS = [
    '"conv1": [(1.0, 1.0), (2.0, 1.0)],',
    '"conv2": [(1.0, 1.0), (2.0, 1.0)],',
    '"ip1": [(1.0, 1.0), (2.0, 1.0)],',
    '"ip2": [(1.0, 1.0), (2.0, 1.0)],',
]

# solver file -> (PyTorch constructs, Keras constructs, a phrase of each expected warning)
CASES = {
    REPO / "configs" / "lenet_solver.prototxt": (
        ["class CaffeSGD(torch.optim.Optimizer)", "EXACT_CAFFE_MOMENTUM = True",
         "optimizer = optimizer_class(caffe_param_groups(model), lr=BASE_LR, momentum=MOMENTUM, nesterov=False)",
         "rate = BASE_LR * (1.0 + GAMMA * it) ** (-POWER)", "torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)",
         "GAMMA = 0.0001", "POWER = 0.75", "MOMENTUM = 0.9", "WEIGHT_DECAY = 0.0005", *LENET_MULTS],
        ["keras.optimizers.SGD(learning_rate=CaffeLR(lr_mult), momentum=MOMENTUM, nesterov=False)",
         "rate = BASE_LR * ops.power(1.0 + GAMMA * it, -POWER)", "InverseTimeDecay is NOT Caffe's inv",
         "g = g + (WEIGHT_DECAY * decay_mult) * v", *LENET_MULTS],
        ["momentum buffer"], ["decoupled in Keras 3"],
    ),
    MNIST / "lenet_multistep_solver.prototxt": (
        ["STEPVALUES = [5000, 7000, 8000, 9000, 9500]", "import bisect",
         "rate = BASE_LR * GAMMA ** bisect.bisect_right(STEPVALUES, it)", "class CaffeSGD", *LENET_MULTS],
        ["ops.greater_equal(it, ops.convert_to_tensor(STEPVALUES", "PiecewiseConstantDecay",
         "boundaries=[s - 1 for s in STEPVALUES]"],
        ["momentum buffer"], ["decoupled in Keras 3"],
    ),
    MNIST / "lenet_solver_adam.prototxt": (
        ["optimizer = torch.optim.Adam(caffe_param_groups(model), lr=BASE_LR, betas=(MOMENTUM, MOMENTUM2), eps=DELTA)",
         "MOMENTUM2 = 0.999", "DELTA = 1e-08", "WEIGHT_DECAY = 0.0  # L2", "rate = BASE_LR\n"],
        ["keras.optimizers.Adam(learning_rate=CaffeLR(lr_mult), beta_1=MOMENTUM, beta_2=MOMENTUM2, epsilon=DELTA)",
         "rate = ops.full_like(it, BASE_LR)"],
        ["sqrt(1 − β2^t)"], [],
    ),
    MNIST / "lenet_solver_rmsprop.prototxt": (
        ["torch.optim.RMSprop(\n    caffe_param_groups(model), lr=BASE_LR, alpha=RMS_DECAY, eps=DELTA, momentum=0.0",
         "RMS_DECAY = 0.98"],
        ["learning_rate=CaffeLR(lr_mult), rho=RMS_DECAY, momentum=0.0, epsilon=DELTA ** 2, centered=False)"],
        [], ["inside the square root", "decoupled in Keras 3"],
    ),
    MNIST / "lenet_adadelta_solver.prototxt": (
        ["torch.optim.Adadelta(caffe_param_groups(model), lr=BASE_LR, rho=MOMENTUM, eps=DELTA)", "DELTA = 1e-06",
         "MOMENTUM = 0.95", "BASE_LR = 1.0"],
        ["keras.optimizers.Adadelta(learning_rate=CaffeLR(lr_mult), rho=MOMENTUM, epsilon=DELTA)"],
        [], ["decoupled in Keras 3"],
    ),
    MNIST / "mnist_autoencoder_solver_adagrad.prototxt": (
        ["caffe_param_groups(model), lr=BASE_LR, lr_decay=0.0, initial_accumulator_value=0.0, eps=DELTA)"],
        ["keras.optimizers.Adagrad(learning_rate=CaffeLR(lr_mult), initial_accumulator_value=0.0, "
         "epsilon=DELTA ** 2)"],
        [], ["inside the square root", "decoupled in Keras 3"],
    ),
    MNIST / "mnist_autoencoder_solver_nesterov.prototxt": (
        ["optimizer_class(caffe_param_groups(model), lr=BASE_LR, momentum=MOMENTUM, nesterov=True)",
         "rate = BASE_LR * GAMMA ** (it // STEPSIZE)", "STEPSIZE = 10000"],
        ["keras.optimizers.SGD(learning_rate=CaffeLR(lr_mult), momentum=MOMENTUM, nesterov=True)",
         "ExponentialDecay(BASE_LR, decay_steps=STEPSIZE"],
        ["momentum buffer"], ["decoupled in Keras 3"],
    ),
}


@pytest.mark.parametrize("path", list(CASES), ids=lambda p: p.name)
@pytest.mark.parametrize("target", ["pytorch", "keras"])
def test_example_solver(path, target):
    torch_code, keras_code, torch_warn, keras_warn = CASES[path]
    loaded = load_solver(path)
    assert loaded.net is not None and not loaded.notes  # the net resolves beside the solver
    result = export_solver(loaded.param, target, loaded.net, source=str(path))
    compile(result.code, str(path), "exec")
    for construct in torch_code if target == "pytorch" else keras_code:
        assert construct in result.code
    expected = torch_warn if target == "pytorch" else keras_warn
    assert len(result.warnings) == len(expected), result.warnings
    for phrase, warning in zip(expected, result.warnings):
        assert phrase in warning


def test_without_the_net_one_group_and_a_note():
    result = export_solver(load_solver(REPO / "configs" / "lenet_solver.prototxt").param, "pytorch")
    assert "lr_policy \"inv\"" in result.code and "max_iter 10000" in result.code
    assert "The net was not read" in result.code and "CAFFE_PARAM_MULTS = {\n}" in result.code
