import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

TANH = 'name: "t" type: "TanH" bottom: "x" top: "{top}"'


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (6, 7), (5,)])
def test_tanh_gradient(shape):
    bottom = make_blobs([shape], np.random.default_rng(1), -3, 3)
    layer, top = build(TANH.format(top="y"), bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_tanh_forward_matches_formula():
    bottom = make_blobs([(3, 4)], np.random.default_rng(2), -5, 5)
    layer, top = build(TANH.format(top="y"), bottom)
    layer.forward(bottom, top)
    x = bottom[0].data
    np.testing.assert_allclose(top[0].data, (np.exp(2 * x) - 1) / (np.exp(2 * x) + 1), rtol=1e-12)


def test_tanh_in_place():
    (b,) = make_blobs([(4, 5)], np.random.default_rng(3), -3, 3)
    x = b.data.copy()
    layer, _ = build(TANH.format(top="x"), [b])
    layer.setup([b], [b])
    layer.forward([b], [b])
    np.testing.assert_allclose(b.data, np.tanh(x), rtol=1e-14)
    b.diff[...] = 3.0
    layer.backward([b], [True], [b])
    np.testing.assert_allclose(b.diff, 3 * (1 - np.tanh(x) ** 2), rtol=1e-13)
