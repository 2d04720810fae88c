"""The emitted PyTorch schedule gives, at every iteration, sgdtrain's learning_rate(...) times each group's lr_mult."""

from __future__ import annotations

import numpy as np
import pytest
from export_helpers import EXTENSIONS, MAX_ITER, POLICIES, extension_support, sgdtrain_rates, solver, torch_snippet

torch = pytest.importorskip("torch")


def _torch_rates(param, n):
    """The lr of every parameter group at iterations 0..n-1, and each group's lr_mult."""
    ns = torch_snippet(param)
    optimizer, scheduler = ns["optimizer"], ns["scheduler"]
    mults = [group["initial_lr"] / ns["BASE_LR"] for group in optimizer.param_groups]
    rates = []
    for _ in range(n):
        rates.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()  # no gradients: nothing moves, but the scheduler sees a step
        scheduler.step()
    return np.array(rates), np.array(mults)


def _check(param):
    got, mults = _torch_rates(param, MAX_ITER)
    assert mults.tolist() == [1.0, 2.0]  # ip1.weight and other: (1, 1); ip1.bias: (2, 0)
    want = np.array(sgdtrain_rates(param, MAX_ITER))[:, None] * mults[None, :]
    # float32 (Caffe) against double (the snippet): poly's 1 - it/max_iter loses digits near the end.
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6 * float(param.base_lr))
    return want


@pytest.mark.parametrize("name", sorted(POLICIES))
@pytest.mark.parametrize("solver_type", ["SGD", "Adam"])
def test_caffe_policy_rates(name, solver_type):
    param = solver(POLICIES[name] + f' type: "{solver_type}" momentum: 0.9')
    want = _check(param)
    if name != "fixed":
        assert len(set(want[:, 0].tolist())) > 3  # the test has teeth: the rate really varies


@pytest.mark.parametrize("name", sorted(EXTENSIONS))
def test_extension_rates(name):
    param = solver(EXTENSIONS[name] + " momentum: 0.9")
    reason = extension_support(param)
    if reason:
        pytest.skip(reason)
    _check(param)


def test_lenet_inv_rates_print_as_caffe():
    """The rates Caffe printed for lenet_solver (caffe-reference §2) at the iterations it logs."""
    param = solver('lr_policy: "inv" gamma: 0.0001 power: 0.75', base="base_lr: 0.01 max_iter: 10000")
    ns = torch_snippet(param)
    printed = {0: "0.01", 100: "0.00992565", 500: "0.00964069", 1000: "0.00931012", 5000: "0.00737788",
               9900: "0.00596843"}
    assert {it: f"{ns['caffe_lr'](it):.6g}" for it in printed} == printed


def test_multistep_duplicates_follow_caffe_current_step():
    # stepvalues 50, 50, 40, 120: Caffe steps at 50, 51, 52 (one step per iteration), then 120.
    param = solver(POLICIES["multistep_dup"])
    ns = torch_snippet(param)
    assert ns["STEPVALUES"] == [50, 51, 52, 120]
    rates = [ns["caffe_lr"](it) for it in (49, 50, 51, 52, 119, 120)]
    np.testing.assert_allclose(rates, [0.01, 0.005, 0.0025, 0.00125, 0.00125, 0.000625], rtol=1e-7)


def test_epoch_units_use_the_train_set_size():
    param = solver('lr_policy: "step" gamma: 0.5 stepsize_epoch: 2 max_epoch: 3 iter_size: 2', base="base_lr: 0.1")
    ns = torch_snippet(param, train_dataset=range(1280))  # 1280 / (64 * 2) = 10 iterations per epoch
    assert (ns["STEPSIZE"], ns["MAX_ITER"]) == (20, 30)
    assert [ns["caffe_lr"](it) for it in (19, 20, 40)] == pytest.approx([0.1, 0.05, 0.025])
