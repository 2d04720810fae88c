import numpy as np
import pytest
from ref_rules import solver

from sgdtrain.errors import ConfigError
from sgdtrain.updates import Updater


def f32(*values):
    return np.array(values, np.float32)


def test_history_is_in_caffes_order():
    shapes = [(2, 3), (3,)]
    one = Updater(solver("SGD"), shapes, [1, 1], [1, 1])
    assert [h.shape for h in one.history] == shapes
    two = Updater(solver("Adam"), shapes, [1, 1], [1, 1])
    # m for all params, then v for all params: what a .solverstate stores
    assert [h.shape for h in two.history] == shapes + shapes
    assert all(h.dtype == np.float32 and not h.any() for h in two.history)
    assert two.history_of(1)[0] is two.history[1] and two.history_of(1)[1] is two.history[3]


def test_lr_mult_and_decay_mult():
    # rate 0.1, λ 0.1, μ 0, W = g = 1 for each param:
    # A (lr_mult 1, decay_mult 1): Δ = 0.1·(1 + 0.1) = 0.11
    # B (lr_mult 2, decay_mult 0): Δ = 0.2·1 = 0.2
    # C (lr_mult 0, decay_mult 1): decay still added to the diff, but Δ = 0 and the diff is overwritten with it
    datas = [f32(1), f32(1), f32(1)]
    diffs = [f32(1), f32(1), f32(1)]
    up = Updater(solver("SGD", weight_decay=0.1), [(1,)] * 3, [1, 2, 0], [1, 0, 1])
    assert up.apply(datas, diffs, np.float32(0.1), 0) is None
    assert [float(d[0]) for d in diffs] == pytest.approx([0.11, 0.2, 0.0])
    assert [float(w[0]) for w in datas] == pytest.approx([0.89, 0.8, 1.0])


def test_frozen_param_still_accumulates_adaptive_history():
    # AdaGrad, lr_mult 0, λ 0.1, W = 1, g = 0: the decayed gradient 0.1 enters H (0.01) but Δ = 0.
    datas, diffs = [f32(1)], [f32(0)]
    up = Updater(solver("AdaGrad", weight_decay=0.1), [(1,)], [0], [1])
    up.apply(datas, diffs, np.float32(0.5), 0)
    assert float(up.history[0][0]) == pytest.approx(0.01) and diffs[0][0] == 0 and datas[0][0] == 1


def test_diff_keeps_the_update_value_and_data_moves_by_it():
    datas, diffs = [f32(1.0, 2.0)], [f32(0.5, -0.5)]
    up = Updater(solver("SGD", momentum=0.9), [(2,)], [1], [1])
    up.apply(datas, diffs, np.float32(0.1), 0)
    assert diffs[0].tolist() == pytest.approx([0.05, -0.05])
    assert datas[0].tolist() == pytest.approx([0.95, 2.05])
    assert up.history[0].tolist() == diffs[0].tolist()


def test_iter_size_normalises_the_accumulated_diff():
    datas, diffs = [f32(0)], [f32(4)]
    Updater(solver("SGD", iter_size=4), [(1,)], [1], [1]).apply(datas, diffs, np.float32(1), 0)
    assert float(diffs[0][0]) == 1.0


def test_local_rate_is_a_float32_product():
    # rate·lr_mult is formed in float32 as Caffe's `Dtype local_rate = rate * lr_mult`
    datas, diffs = [f32(0)], [f32(1)]
    Updater(solver("SGD"), [(1,)], [0.1], [1]).apply(datas, diffs, np.float32(0.3), 0)
    assert diffs[0][0] == np.float32(0.3) * np.float32(0.1)


def test_rejects_float64_arrays_and_mismatched_lists():
    up = Updater(solver("SGD"), [(1,)], [1], [1])
    with pytest.raises(TypeError, match="float32"):
        up.apply([np.zeros(1)], [np.zeros(1)], np.float32(0.1), 0)
    with pytest.raises(ValueError):
        up.apply([f32(0), f32(0)], [f32(0)], np.float32(0.1), 0)
    with pytest.raises(ValueError):
        Updater(solver("SGD"), [(1,)], [1, 1], [1])


def test_unknown_type_is_refused_at_construction():
    with pytest.raises(ConfigError, match="Unknown solver type: Sgd"):
        Updater(solver("Sgd"), [(1,)], [1], [1])
