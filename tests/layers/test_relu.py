import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build


@pytest.mark.parametrize("slope", [0.0, 0.1])
def test_relu_gradient(slope):
    rng = np.random.default_rng(1)
    bottom = make_blobs([(2, 3, 4, 5)], rng)
    layer, top = build(f'name: "r" type: "ReLU" bottom: "x" top: "y" relu_param {{ negative_slope: {slope} }}', bottom)
    assert check_gradient(layer, bottom, top, kink=0.0, kink_range=1e-3) > 0


def test_relu_in_place():
    rng = np.random.default_rng(2)
    (b,) = make_blobs([(3, 4)], rng)
    x = b.data.copy()
    layer, _ = build('name: "r" type: "ReLU" bottom: "x" top: "x"', [b])
    layer.setup([b], [b])
    layer.forward([b], [b])
    np.testing.assert_array_equal(b.data, np.maximum(x, 0))
    b.diff[...] = 1.0
    layer.backward([b], [True], [b])
    np.testing.assert_array_equal(b.diff, (x > 0).astype(float))
