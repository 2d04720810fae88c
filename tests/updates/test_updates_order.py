"""Clipping runs before the iter_size normalisation and before the weight decay (Caffe's ApplyUpdate)."""

import numpy as np
import pytest
from ref_rules import solver

from sgdtrain.updates import Updater


def test_clip_sees_the_summed_gradient_without_decay():
    # Two params; the diffs hold the *sum* of iter_size = 2 sub-batch gradients: [3, 0] and [4], norm 5.
    # W = [1, 2] and [-1], λ 0.1 (L2), SGD with rate 1 and μ 0, clip 4.
    # Caffe:  clip 5 > 4, scale 0.8 -> [2.4, 0], [3.2]; /2 -> [1.2, 0], [1.6]; + 0.1·W -> Δ = [1.3, 0.2], [1.5]
    # Clipping after the normalisation would see norm 2.5 < 4 and give Δ = [1.6, 0.2], [1.9];
    # clipping after the decay would see ‖[3.1, 0.2], [3.9]‖ = 4.986 and give yet another Δ.
    datas = [np.array([1.0, 2.0], np.float32), np.array([-1.0], np.float32)]
    diffs = [np.array([3.0, 0.0], np.float32), np.array([4.0], np.float32)]
    up = Updater(solver("SGD", clip_gradients=4, iter_size=2, weight_decay=0.1), [(2,), (1,)], [1, 1], [1, 1])
    clipped = up.apply(datas, diffs, np.float32(1), 0)
    assert clipped == (5.0, pytest.approx(0.8))
    assert diffs[0].tolist() == pytest.approx([1.3, 0.2]) and diffs[1].tolist() == pytest.approx([1.5])
    assert datas[0].tolist() == pytest.approx([-0.3, 1.8]) and datas[1].tolist() == pytest.approx([-2.5])

    after_normalise = [1.6, 0.2, 1.9]
    g_decayed = np.array([3.1, 0.2, 3.9])
    after_decay = list(g_decayed * (4 / np.linalg.norm(g_decayed)) / 2)
    got = [*diffs[0].tolist(), *diffs[1].tolist()]
    assert got != pytest.approx(after_normalise, rel=1e-3) and got != pytest.approx(after_decay, rel=1e-3)


def test_no_clipping_below_the_threshold_leaves_the_order_irrelevant():
    datas = [np.array([1.0, 2.0], np.float32)]
    diffs = [np.array([3.0, 0.0], np.float32)]
    up = Updater(solver("SGD", clip_gradients=10, iter_size=2, weight_decay=0.1), [(2,)], [1], [1])
    assert up.apply(datas, diffs, np.float32(1), 0) is None
    assert diffs[0].tolist() == pytest.approx([1.6, 0.2])
