import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError


def slice_text(n_tops, extra=""):
    tops = " ".join(f'top: "t{i}"' for i in range(n_tops))
    return f'name: "s" type: "Slice" bottom: "x" {tops} slice_param {{ {extra} }}'


@pytest.mark.parametrize(
    "shape,n_tops,extra,axis,bounds",
    [
        ((2, 6, 3), 3, "", 1, [0, 2, 4, 6]),
        ((2, 6, 3), 3, "slice_point: 1 slice_point: 5", 1, [0, 1, 5, 6]),
        ((4, 3), 2, "axis: 0 slice_point: 3", 0, [0, 3, 4]),
        ((2, 3, 4), 2, "axis: -1", 2, [0, 2, 4]),
        ((2, 3, 4), 2, "slice_dim: 2 slice_point: 1", 2, [0, 1, 4]),
        ((2, 3, 4), 2, "slice_point: 3", 1, [0, 3, 3]),  # an empty last piece is allowed, as in Caffe
    ],
)
def test_forward_backward(shape, n_tops, extra, axis, bounds):
    bottom = make_blobs([shape], np.random.default_rng(0))
    layer, top = build(slice_text(n_tops, extra), bottom)
    layer.forward(bottom, top)
    x = bottom[0].data
    for i, t in enumerate(top):
        np.testing.assert_array_equal(t.data, np.take(x, range(bounds[i], bounds[i + 1]), axis=axis))
        t.diff[...] = np.arange(t.count).reshape(t.shape) + 100 * i
    layer.backward(top, [True], bottom)
    np.testing.assert_array_equal(bottom[0].diff, np.concatenate([t.diff for t in top], axis=axis))


@pytest.mark.parametrize("extra", ["", "slice_point: 2", "axis: 2 slice_point: 1 slice_point: 2"])
def test_gradient(extra):
    bottom = make_blobs([(2, 4, 3)], np.random.default_rng(1))
    n_tops = 3 if "slice_point: 1" in extra else 2
    layer, top = build(slice_text(n_tops, extra), bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_channels_last_bottom():
    b = Blob((2, 4, 3, 3), channels_last=True, dtype=np.float64)
    b.data[...] = np.random.default_rng(2).uniform(size=b.shape)
    layer, top = build(slice_text(2, "slice_point: 1"), [b])
    layer.forward([b], top)
    np.testing.assert_array_equal(top[1].data, b.data[:, 1:])
    top[0].diff[...] = 1
    top[1].diff[...] = 2
    layer.backward(top, [True], [b])
    assert (b.diff[:, 0] == 1).all() and (b.diff[:, 1:] == 2).all()


def test_single_top_shares_the_bottom():
    bottom = make_blobs([(2, 3)], np.random.default_rng(3))
    layer, top = build(slice_text(1), bottom)
    layer.forward(bottom, top)
    assert top[0].data is bottom[0].data and top[0].diff is bottom[0].diff


@pytest.mark.parametrize(
    "n_tops,extra,match",
    [
        (2, "axis: 1 slice_dim: 1", "Either axis or slice_dim"),
        (2, "slice_dim: 3", "slice_dim 3 out of range"),
        (2, "axis: 3", "invalid axis"),
        (3, "slice_point: 2", "one fewer than the tops"),
        (2, "slice_point: 0", "increase strictly"),
        (3, "slice_point: 2 slice_point: 2", "increase strictly"),
        (2, "slice_point: 7", "not exceed the axis size"),
        (4, "", "do not evenly divide the input slice axis"),
        (7, "slice_point: 1 slice_point: 2 slice_point: 3 slice_point: 4 slice_point: 5 slice_point: 6",
         "7 tops for an axis of size 6"),
    ],
)
def test_errors(n_tops, extra, match):
    bottom = make_blobs([(2, 6, 3)], np.random.default_rng(4))
    with pytest.raises(ConfigError, match=match):
        build(slice_text(n_tops, extra), bottom)
