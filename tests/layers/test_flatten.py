import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

FLAT = 'name: "f" type: "Flatten" bottom: "x" top: "{top}" {extra}'


@pytest.mark.parametrize("extra,shape", [
    ("", (2, 60)),
    ("flatten_param { axis: 1 end_axis: 2 }", (2, 12, 5)),
    ("flatten_param { axis: 2 }", (2, 3, 20)),
    ("flatten_param { axis: 0 }", (120,)),
    ("flatten_param { axis: -3 end_axis: -2 }", (2, 12, 5)),
    ("flatten_param { axis: 2 end_axis: 1 }", (2, 3, 1, 4, 5)),  # an empty range inserts a 1, as Caffe's count
])
def test_flatten_shapes_and_values(extra, shape):
    bottom = make_blobs([(2, 3, 4, 5)], np.random.default_rng(1))
    layer, (t,) = build(FLAT.format(top="y", extra=extra), bottom)
    assert t.shape == shape
    layer.forward(bottom, [t])
    np.testing.assert_array_equal(t.data, bottom[0].data.reshape(shape))


def test_flatten_gradient():
    bottom = make_blobs([(2, 3, 2, 2)], np.random.default_rng(2))
    layer, top = build(FLAT.format(top="y", extra=""), bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_channels_last_bottom_flattens_in_nchw_order():
    b = Blob((2, 3, 2, 2), channels_last=True, dtype=np.float64)
    b.data[...] = np.arange(24).reshape(2, 3, 2, 2)
    assert b.channels_last
    layer, (t,) = build(FLAT.format(top="y", extra=""), [b])
    layer.forward([b], [t])
    np.testing.assert_array_equal(t.data, np.arange(24).reshape(2, 12))
    t.diff[...] = -np.arange(24).reshape(2, 12)
    layer.backward([t], [True], [b])
    assert b.channels_last  # the gradient is written into the bottom's own buffer
    np.testing.assert_array_equal(b.diff, -np.arange(24).reshape(2, 3, 2, 2))


def test_in_place_is_refused():
    (b,) = make_blobs([(2, 3)], np.random.default_rng(0))
    layer, _ = build(FLAT.format(top="y", extra=""), [b])
    with pytest.raises(ConfigError, match="does not allow in-place computation"):
        layer.setup([b], [b])


def test_bad_axes_are_refused():
    bottom = make_blobs([(2, 3)], np.random.default_rng(0))
    with pytest.raises(ConfigError, match="invalid flatten_param axis"):
        build(FLAT.format(top="y", extra="flatten_param { axis: 3 }"), bottom)
    bottom = make_blobs([(2, 3, 4)], np.random.default_rng(0))
    with pytest.raises(ConfigError, match="end_axis 0 before axis 2"):
        build(FLAT.format(top="y", extra="flatten_param { axis: 2 end_axis: 0 }"), bottom)
