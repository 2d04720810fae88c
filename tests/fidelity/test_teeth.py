"""The fidelity checks have teeth: change one detail of Caffe's semantics and the
check that guards it fails. Each test sabotages sgdtrain with monkeypatch."""

from __future__ import annotations

import numpy as np
from conftest import REFERENCE
from fidelity_helpers import DATA

from sgdtrain.fidelity.checks import early_window
from sgdtrain.fidelity.replay import replay
from sgdtrain.fidelity.runs import BY_NAME
from sgdtrain.fidelity.steps import one_update
from sgdtrain.logparse import read_log
from sgdtrain.updates import steps as update_steps
from sgdtrain.updates import updater as updater_module
from sgdtrain.updates.rules.adam import Adam
from sgdtrain.updates.rules.sgd import SGD

F = np.float32


def one_update_median(tmp_path) -> float:
    return float(np.median([s.weights for s in one_update(REFERENCE, DATA, tmp_path)]))


def early(name: str, tmp_path) -> float:
    run = BY_NAME[name]
    mine = replay(run, REFERENCE, DATA, tmp_path, iterations=21, with_tests=False)
    return early_window(mine, read_log(REFERENCE / run.log), run).value


def test_unsabotaged_baseline(tmp_path):
    assert one_update_median(tmp_path / "a") <= 3e-5
    assert early("sgd_l1", tmp_path / "b") <= 1e-5


def test_pytorch_style_momentum(tmp_path, monkeypatch):
    def pytorch(self, diff, history, local_rate, iter):
        (h,) = history
        h *= self.momentum
        h += diff  # torch.optim.SGD: the rate stays outside the history
        diff[...] = local_rate * h

    monkeypatch.setattr(SGD, "compute_update_value", pytorch)
    assert one_update_median(tmp_path) > 3e-5


def test_bias_lr_mult_ignored(tmp_path, monkeypatch):
    original = updater_module.Updater.__init__

    def init(self, param, shapes, lr_mults, decay_mults):
        original(self, param, shapes, [1.0] * len(lr_mults), decay_mults)

    monkeypatch.setattr(updater_module.Updater, "__init__", init)
    assert one_update_median(tmp_path) > 3e-5


def test_l1_treated_as_l2(tmp_path, monkeypatch):
    original = update_steps.regularize

    def as_l2(diff, data, local_decay, regularization_type):
        original(diff, data, local_decay, "L2")

    monkeypatch.setattr(updater_module, "regularize", as_l2)
    assert early("sgd_l1", tmp_path) > 1e-5


def test_clipping_after_normalisation_and_decay(tmp_path, monkeypatch):
    """Caffe clips the summed iter_size gradients before normalising and before the decay term."""
    from sgdtrain.fidelity.checks import clip_window

    original = updater_module.Updater.apply

    def late_clip(self, datas, diffs, rate, iter):
        for data, diff, decay_mult in zip(datas, diffs, self.decay_mults):
            update_steps.normalize(diff, self.iter_size)
            update_steps.regularize(diff, data, self.weight_decay * decay_mult, self.regularization_type)
        clip, self.clip = self.clip, F(-1)
        norm = update_steps.clip_gradients(list(diffs), clip)
        saved = self.iter_size, self.weight_decay
        self.iter_size, self.weight_decay = 1, F(0)
        try:
            original(self, datas, diffs, rate, iter)
        finally:
            self.clip, (self.iter_size, self.weight_decay) = clip, saved
        return norm

    monkeypatch.setattr(updater_module.Updater, "apply", late_clip)
    run = BY_NAME["sgd_clip"]
    mine = replay(run, REFERENCE, DATA, tmp_path, iterations=21, with_tests=False)
    caffe = read_log(REFERENCE / run.log)
    assert clip_window(mine, caffe, run).value > 1e-5 or early_window(mine, caffe, run).value > 1e-5


def test_adam_bias_correction_misplaced(tmp_path, monkeypatch):
    def textbook(self, diff, history, local_rate, iter):
        m, v = history
        t = iter + 1
        m *= self.beta1
        m += (F(1) - self.beta1) * diff
        v *= self.beta2
        v += (F(1) - self.beta2) * diff * diff
        m_hat = m / (F(1) - self.beta1**t)
        v_hat = v / (F(1) - self.beta2**t)
        diff[...] = local_rate * m_hat / (np.sqrt(v_hat) + self.delta)  # delta on the corrected sqrt(v)

    monkeypatch.setattr(Adam, "compute_update_value", textbook)
    steps = one_update(REFERENCE, DATA, tmp_path)
    assert max(s.weights for s in steps if s.folder == "adam") > 3e-5


def test_floor_pooling_changes_caffes_shapes(monkeypatch):
    """cifar10_quick's pool1 on 32x32 is 16x16 in Caffe (ceil); floor rounding gives 15."""
    from example_nets import cifar10_quick_shapes_match

    import sgdtrain.layers.pooling as pooling

    assert cifar10_quick_shapes_match()
    original = pooling.pooled_size
    monkeypatch.setattr(pooling, "pooled_size", lambda size, k, s, p, ceil: original(size, k, s, p, False))
    assert not cifar10_quick_shapes_match()


def test_last_max_ties(monkeypatch):
    """Caffe's first-max rule: the window [1, 3, 3, 0] sends its gradient to index 1."""
    from tie_rules import max_pool_tie_winner

    import sgdtrain.layers.pooling as pooling

    assert max_pool_tie_winner() == 1
    original = pooling.PoolingLayer.forward

    def last_max(self, bottom, top):
        original(self, bottom, top)
        src = self._source(bottom[0].data)
        best = np.full(self._idx.shape, -np.inf, src.dtype)
        for k, v in self._windows(src):
            at_least = v >= best  # ties go to the later element
            best = np.maximum(best, v)
            self._idx[...] = np.where(at_least, k, self._idx)

    monkeypatch.setattr(pooling.PoolingLayer, "forward", last_max)
    assert max_pool_tie_winner() == 2
