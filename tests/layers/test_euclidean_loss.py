import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

EUC = 'name: "euc" type: "EuclideanLoss" bottom: "a" bottom: "b" top: "loss" {extra}'


def blob(a, dtype=np.float64):
    a = np.asarray(a, dtype=dtype)
    b = Blob(a.shape, dtype=dtype)
    b.data[...] = a
    return b


def test_forward_by_hand():
    a, b = blob([[1, 2], [3, 4]]), blob([[0, 0], [1, 1]])
    layer, (t,) = build(EUC.format(extra=""), [a, b])
    layer.forward([a, b], [t])
    assert t.shape == ()
    assert t.data[()] == (1 + 4 + 4 + 9) / (2 * 2)  # sum of squares / 2N, N = 2
    assert layer.is_loss and layer.loss_weights == [1.0]


def test_backward_signs_and_loss_weight_from_top_diff():
    a, b = blob([[1, 2], [3, 4]]), blob([[0, 0], [1, 1]])
    layer, (t,) = build(EUC.format(extra=""), [a, b])
    layer.forward([a, b], [t])
    t.diff[...] = 3.0
    layer.backward([t], [True, True], [a, b])
    d = np.array([[1, 2], [2, 3]])
    np.testing.assert_array_equal(a.diff, 3.0 * d / 2)
    np.testing.assert_array_equal(b.diff, -3.0 * d / 2)


def test_propagate_down_is_respected():
    a, b = blob([[1.0, 2.0]]), blob([[0.0, 0.0]])
    layer, (t,) = build(EUC.format(extra=""), [a, b])
    layer.forward([a, b], [t])
    t.diff[...] = 1.0
    a.diff[...] = 7.0
    layer.backward([t], [False, True], [a, b])
    assert (a.diff == 7.0).all()
    np.testing.assert_array_equal(b.diff, [[-1.0, -2.0]])


def test_float32_loss():
    a, b = blob([[0.1, 0.2, 0.3]], np.float32), blob([[0.0, 0.0, 0.0]], np.float32)
    layer, (t,) = build(EUC.format(extra=""), [a, b])
    layer.forward([a, b], [t])
    assert t.data.dtype == np.float32
    assert t.data[()] == pytest.approx(0.07, rel=1e-6)


@pytest.mark.parametrize("shapes", [[(4, 3), (4, 3)], [(2, 3, 2, 2), (2, 3, 2, 2)], [(3, 4), (3, 2, 2)]])
def test_euclidean_gradient(shapes):
    bottom = make_blobs(shapes, np.random.default_rng(2))
    layer, top = build(EUC.format(extra=""), bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_loss_weight_scales_the_gradient():
    bottom = make_blobs([(3, 2), (3, 2)], np.random.default_rng(3))
    layer, top = build(EUC.format(extra="loss_weight: 0.5"), bottom)
    assert layer.loss_weights == [0.5]
    assert check_gradient(layer, bottom, top) > 0


def test_shapes_must_agree():
    with pytest.raises(ConfigError, match="same first dimension"):
        build(EUC.format(extra=""), make_blobs([(3, 2), (2, 3)], np.random.default_rng(0)))
    with pytest.raises(ConfigError, match="inputs must have the same dimension"):
        build(EUC.format(extra=""), make_blobs([(3, 2), (3, 4)], np.random.default_rng(0)))
