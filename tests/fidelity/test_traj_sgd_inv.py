"""Agreement with real Caffe on LeNet/Fashion-MNIST, SGD with the inv policy
(logs/traj_sgd_inv.log, weights/traj_sgd_inv_iter_200.caffemodel), within
../shared/spec/tolerances.md; and the same check fails when sgdtrain uses
PyTorch's momentum convention instead of Caffe's."""

from __future__ import annotations

import pytest
from fidelity_helpers import failures, run_and_check

from sgdtrain.updates.rules.sgd import SGD


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_and_check("traj_sgd_inv", tmp_path_factory.mktemp("traj_sgd_inv"))


def test_every_check_passes(result):
    _, checks = result
    assert not failures(checks), "\n".join(failures(checks))


def test_checks_cover_loss_lr_tests_and_weights(result):
    mine, checks = result
    names = " ".join(c.name for c in checks)
    for needle in ("lr lines", "early loss", "loss median", "test accuracy at 0", "test accuracy at 100",
                   "test accuracy at 200", "test loss at 200", "final weights"):
        assert needle in names
    assert len(mine.losses) == 200 and mine.final[0] == 200


def pytorch_momentum(self, diff, history, local_rate, iter):
    """torch.optim.SGD: b = mu*b + g; step lr*b (the rate outside the history)."""
    (h,) = history
    h *= self.momentum
    h += diff
    diff[...] = local_rate * h


def test_the_check_has_teeth_pytorch_momentum_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(SGD, "compute_update_value", pytorch_momentum)
    _, checks = run_and_check("traj_sgd_inv", tmp_path, max_iter=30, with_tests=False)
    failed = failures(checks)
    assert any("early loss" in f for f in failed), checks
