"""tolerances.md checks 1 and 5: one update from each of real Caffe's saved states,
and the losses just after Caffe's iteration-100 snapshot with the data uninterrupted."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import REFERENCE
from fidelity_helpers import DATA

from sgdtrain.fidelity.steps import one_update, reanchored_window
from sgdtrain.logparse import read_log


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    return one_update(REFERENCE, DATA, tmp_path_factory.mktemp("steps"))


def test_one_update_median_within_3e_5(steps):
    assert len(steps) == 6
    assert np.median([s.weights for s in steps]) <= 3e-5, steps
    assert np.median([s.history for s in steps]) <= 3e-5, steps


@pytest.mark.parametrize("folder", ["sgd_inv", "adam", "multistep"])
def test_each_solver_kind(steps, folder):
    ours = [s for s in steps if s.folder == folder]
    assert min(s.weights for s in ours) <= 3e-5 and min(s.history for s in ours) <= 3e-5


def test_reanchored_window_from_caffes_iteration_100(tmp_path):
    losses = reanchored_window(REFERENCE, DATA, tmp_path)
    caffe = read_log(REFERENCE / "logs" / "traj_sgd_inv.log").train_loss()
    assert sorted(losses) == list(range(100, 108))
    worst = max(abs(v - caffe[i]) / caffe[i] for i, v in losses.items())
    assert worst <= 1e-5
