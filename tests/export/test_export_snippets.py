"""Every policy, extension and solver type gives a snippet that compiles, with the expected constructs."""

from __future__ import annotations

import itertools

import pytest
from export_helpers import EXTENSIONS, GROUPED, POLICIES, solver

from sgdtrain.errors import ConfigError
from sgdtrain.export import export_solver
from sgdtrain.export.common import effective_stepvalues, resolve_mode
from sgdtrain.updates import known_types

PLATEAU = 'lr_policy: "plateau" gamma: 0.5 plateau_patience: 3 plateau_metric: "accuracy" test_interval: 100'
ALL = {**POLICIES, **EXTENSIONS, "plateau": PLATEAU, "plateau_warmup_min": PLATEAU + " warmup_iter: 10 min_lr: 1e-4"}
TYPES = {t: f'type: "{t}"' + (" momentum: 0.9" if t not in ("AdaGrad", "RMSProp") else "") for t in known_types()}


@pytest.mark.parametrize(("policy", "solver_type"), list(itertools.product(sorted(ALL), sorted(TYPES))))
@pytest.mark.parametrize("target", ["pytorch", "keras"])
def test_every_combination_compiles(policy, solver_type, target):
    param = solver(f"{ALL[policy]} {TYPES[solver_type]} weight_decay: 0.0005 clip_gradients: 10")
    for net in (None, GROUPED):
        result = export_solver(param, target, net, source="s.prototxt")
        compile(result.code, "<snippet>", "exec")
        assert "CAFFE_PARAM_MULTS = {" in result.code
        assert max(len(line) for line in result.code.splitlines()) <= 120
        assert all(isinstance(w, str) and w and "\n" not in w for w in result.warnings)


@pytest.mark.parametrize("policy", sorted(EXTENSIONS))
def test_extensions_in_both_targets(policy):
    param = solver(EXTENSIONS[policy])
    torch_code = export_solver(param, "pytorch").code
    keras_code = export_solver(param, "keras").code
    if param.warmup_iter:
        assert "if it < WARMUP_ITER:" in torch_code and "ops.where(it < WARMUP_ITER, warm, 1.0)" in keras_code
    if param.min_lr:
        assert "rate = max(rate, MIN_LR)" in torch_code and "ops.maximum(rate, MIN_LR)" in keras_code
    if param.lr_policy == "cosine":
        assert "math.cos(math.pi * t / period)" in torch_code and "ops.cos(math.pi * t / period)" in keras_code


def test_plateau_maps_to_reduce_lr_on_plateau():
    result = export_solver(solver(PLATEAU + " min_lr: 1e-5 warmup_iter: 10"), "pytorch", GROUPED)
    code = result.code
    assert "torch.optim.lr_scheduler.ReduceLROnPlateau(" in code
    assert 'mode="max"' in code or "mode='max'" in code  # accuracy is maximised
    assert "patience=PLATEAU_PATIENCE - 1" in code and "eps=0.0" in code
    assert 'PLATEAU_MIN_LRS = [MIN_LR * group["lr"] / BASE_LR for group in optimizer.param_groups]' in code
    assert "min_lr=PLATEAU_MIN_LRS" in code
    assert "LambdaLR" not in code and "scheduler.step()" not in code
    assert "scheduler.step(test_accuracy)" in code
    assert any("ReduceLROnPlateau" in w and "warm-up is not applied" in w for w in result.warnings)
    keras = export_solver(solver(PLATEAU), "keras").code
    assert "class CaffePlateau:" in keras and "improved = value > self.best - margin" not in keras
    assert "improved = value > self.best + margin" in keras and "PLATEAUS.assign_add(1.0)" in keras


def test_l1_and_clipping():
    param = solver('lr_policy: "fixed" type: "SGD" momentum: 0.9 weight_decay: 0.001 regularization_type: "L1" '
                   "clip_gradients: 10 iter_size: 4")
    torch_result = export_solver(param, "pytorch")
    assert "def add_caffe_l1_decay(optimizer):" in torch_result.code and '"l1_decay": WEIGHT_DECAY' in torch_result.code
    assert "caffe_clip_gradients(TRAINABLE, CLIP_GRADIENTS)" in torch_result.code
    assert any("L1" in w for w in torch_result.warnings)
    keras_code = export_solver(param, "keras").code
    assert "ops.sign(v)" in keras_code and "clip_scale = ops.where(norm > CLIP_GRADIENTS" in keras_code
    assert "ITER_SIZE = 4" in keras_code


def test_constant_rate_sgd_uses_torch_sgd_without_warning():
    result = export_solver(solver('lr_policy: "fixed" momentum: 0.9'), "pytorch")
    assert "optimizer = torch.optim.SGD(" in result.code and "CaffeSGD" not in result.code
    assert result.warnings == []
    no_momentum = export_solver(solver('lr_policy: "inv" gamma: 0.1 power: 1'), "pytorch")
    assert "CaffeSGD" not in no_momentum.code and no_momentum.warnings == []  # no buffer, nothing to differ


def test_nesterov_without_momentum():
    result = export_solver(solver('lr_policy: "fixed" type: "Nesterov"'), "pytorch")
    assert "nesterov=False" in result.code and any("Nesterov" in w for w in result.warnings)


def test_warmup_alone_makes_the_rate_vary():
    result = export_solver(solver('lr_policy: "fixed" momentum: 0.9 warmup_iter: 10'), "pytorch")
    assert "CaffeSGD" in result.code and "with warm-up" in result.warnings[0]


def test_effective_stepvalues():
    assert effective_stepvalues([5000, 7000]) == [5000, 7000]
    assert effective_stepvalues([50, 50, 40, 120]) == [50, 51, 52, 120]
    assert effective_stepvalues([]) == []


def test_plateau_mode_follows_sgdtrain_monitors():
    monitors = pytest.importorskip("sgdtrain.solver.monitors")
    for metric in ("loss", "accuracy", "top5_acc", "mAP", "f1_score", "euclidean"):
        for mode in ("", "min", "max"):
            assert resolve_mode(metric, mode) == monitors.resolve_mode(metric, mode)


@pytest.mark.parametrize(("text", "field", "words"), [
    ('lr_policy: "fixed" base_lr: 0', "base_lr", "base_lr"),
    ('lr_policy: "linear"', "lr_policy", "unknown `lr_policy"),
    ('lr_policy: "step" gamma: 0.1', "stepsize", "stepsize"),
    ('lr_policy: "multistep" gamma: 0.1', "stepvalue", "stepvalue"),
    ('lr_policy: "fixed" type: "Adamax"', "type", "Unknown solver type"),
    ('lr_policy: "fixed" type: "AdaGrad" momentum: 0.9', "momentum", "momentum"),
    ('lr_policy: "plateau" gamma: 1', "gamma", "(0, 1)"),
    ('lr_policy: "cosine" max_iter: 0', "cosine_period", "cosine_period"),
    ('lr_policy: "fixed" warmup_iter: -5', "warmup_iter", "negative"),
])
def test_unexportable_solvers_are_config_errors(text, field, words):
    param = solver(text, base="") if "max_iter" in text else solver(text)
    with pytest.raises(ConfigError) as info:
        export_solver(param, "pytorch")
    assert info.value.where.field == field and words in str(info.value)
