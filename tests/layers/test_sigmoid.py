import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob

SIGMOID = 'name: "s" type: "Sigmoid" bottom: "x" top: "{top}"'


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (6, 7), (5,)])
def test_sigmoid_gradient(shape):
    bottom = make_blobs([shape], np.random.default_rng(1), -4, 4)
    layer, top = build(SIGMOID.format(top="y"), bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_sigmoid_forward_matches_formula():
    bottom = make_blobs([(3, 4)], np.random.default_rng(2), -10, 10)
    layer, top = build(SIGMOID.format(top="y"), bottom)
    layer.forward(bottom, top)
    x = bottom[0].data
    # 0.5 tanh(x / 2) + 0.5 loses relative precision near 0, not absolute
    np.testing.assert_allclose(top[0].data, 1 / (1 + np.exp(-x)), rtol=1e-12, atol=1e-15)


def test_sigmoid_float32_rounds_caffes_double_expression_once():
    x = np.linspace(-20, 20, 401, dtype=np.float32)
    b = Blob(x.shape)
    b.data[...] = x
    layer, top = build(SIGMOID.format(top="y"), [b])
    layer.forward([b], top)
    assert top[0].data.dtype == np.float32
    np.testing.assert_array_equal(top[0].data, (1 / (1 + np.exp(-x.astype(np.float64)))).astype(np.float32))


def test_sigmoid_extremes_do_not_overflow():
    b = Blob((3,), dtype=np.float64)
    b.data[...] = [-1000.0, 0.0, 1000.0]
    layer, top = build(SIGMOID.format(top="y"), [b])
    with np.errstate(all="raise"):
        layer.forward([b], top)
    np.testing.assert_array_equal(top[0].data, [0.0, 0.5, 1.0])


def test_sigmoid_in_place():
    (b,) = make_blobs([(4, 5)], np.random.default_rng(3), -3, 3)
    x = b.data.copy()
    layer, _ = build(SIGMOID.format(top="x"), [b])
    layer.setup([b], [b])
    layer.forward([b], [b])
    y = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(b.data, y, rtol=1e-12, atol=1e-15)
    b.diff[...] = 2.0
    layer.backward([b], [True], [b])
    np.testing.assert_allclose(b.diff, 2 * y * (1 - y), rtol=1e-12, atol=1e-15)
