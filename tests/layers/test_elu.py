import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

ELU = 'name: "e" type: "ELU" bottom: "x" top: "y" elu_param {{ alpha: {alpha} }}'


@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
def test_forward(alpha):
    bottom = make_blobs([(2, 3, 4)], np.random.default_rng(0), -3, 3)
    layer, top = build(ELU.format(alpha=alpha), bottom)
    layer.forward(bottom, top)
    x = bottom[0].data
    np.testing.assert_allclose(top[0].data, np.where(x > 0, x, alpha * (np.exp(x) - 1)), rtol=1e-12)


@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
def test_gradient(alpha):
    bottom = make_blobs([(2, 3, 4)], np.random.default_rng(1), -3, 3)
    layer, top = build(ELU.format(alpha=alpha), bottom)
    assert check_gradient(layer, bottom, top, kink=0.0, kink_range=1e-3) > 0


def test_default_alpha_is_one_and_in_place_works():
    (b,) = make_blobs([(3, 4)], np.random.default_rng(2), -2, 2)
    x = b.data.copy()
    layer, _ = build('name: "e" type: "ELU" bottom: "x" top: "x"', [b])
    assert layer.alpha == 1.0
    layer.setup([b], [b])
    layer.forward([b], [b])
    np.testing.assert_allclose(b.data, np.where(x > 0, x, np.exp(x) - 1))
    b.diff[...] = 1.0
    layer.backward([b], [True], [b])
    np.testing.assert_allclose(b.diff, np.where(x > 0, 1.0, np.exp(x)), rtol=1e-12)
