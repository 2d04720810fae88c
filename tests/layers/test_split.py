import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError


def split_text(n):
    tops = " ".join(f'top: "x_split_{i}"' for i in range(n))
    return f'name: "x_split" type: "Split" bottom: "x" {tops}'


@pytest.mark.parametrize("n", [1, 2, 3])
def test_split_gradient(n):
    bottom = make_blobs([(2, 3, 2)], np.random.default_rng(n))
    layer, top = build(split_text(n), bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_forward_copies_and_backward_sums():
    (b,) = make_blobs([(2, 3)], np.random.default_rng(1))
    layer, top = build(split_text(3), [b])
    layer.forward([b], top)
    for t in top:
        np.testing.assert_array_equal(t.data, b.data)
    for k, t in enumerate(top):
        t.diff[...] = k + 1.0
    b.diff[...] = 100.0  # overwritten
    layer.backward(top, [True], [b])
    np.testing.assert_array_equal(b.diff, 6.0)


def test_tops_are_independent_of_each_other():
    (b,) = make_blobs([(4,)], np.random.default_rng(2))
    layer, top = build(split_text(2), [b])
    layer.forward([b], top)
    top[0].data[...] = 0  # e.g. what a consumer does to its own blob
    np.testing.assert_array_equal(top[1].data, b.data)


def test_channels_last_bottom():
    b = Blob((1, 3, 2, 2), channels_last=True, dtype=np.float64)
    b.data[...] = np.arange(12).reshape(1, 3, 2, 2)
    layer, top = build(split_text(2), [b])
    layer.forward([b], top)
    np.testing.assert_array_equal(top[1].data, b.data)
    for t in top:
        t.diff[...] = t.data
    layer.backward(top, [True], [b])
    np.testing.assert_array_equal(b.diff, 2 * b.data)


def test_propagate_down_false_leaves_the_bottom_alone():
    (b,) = make_blobs([(3,)], np.random.default_rng(3))
    layer, top = build(split_text(2), [b])
    b.diff[...] = 7.0
    layer.backward(top, [False], [b])
    assert (b.diff == 7.0).all()


def test_in_place_is_refused():
    (b,) = make_blobs([(3,)], np.random.default_rng(0))
    layer, top = build(split_text(2), [b])
    with pytest.raises(ConfigError, match=r"\(Split\) does not allow in-place computation"):
        layer.setup([b], [top[0], b])
