import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

ABS = 'name: "a" type: "AbsVal" bottom: "x" top: "y"'


def test_forward_backward():
    b = Blob((1, 4), dtype=np.float64)
    b.data[...] = [-2.0, 0.0, 3.0, -0.5]
    layer, top = build(ABS, [b])
    layer.forward([b], top)
    np.testing.assert_array_equal(top[0].data, [[2.0, 0.0, 3.0, 0.5]])
    top[0].diff[...] = [1.0, 2.0, 3.0, 4.0]
    layer.backward(top, [True], [b])
    np.testing.assert_array_equal(b.diff, [[-1.0, 0.0, 3.0, -4.0]])  # sign(0) = 0


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 2, 2)])
def test_gradient(shape):
    bottom = make_blobs([shape], np.random.default_rng(0))
    layer, top = build(ABS, bottom)
    assert check_gradient(layer, bottom, top, kink=0.0, kink_range=1e-3) > 0


def test_in_place_is_refused():
    (b,) = make_blobs([(2, 3)], np.random.default_rng(1))
    layer, _ = build(ABS, [b])
    with pytest.raises(ConfigError, match="does not allow in-place computation"):
        layer.setup([b], [b])
