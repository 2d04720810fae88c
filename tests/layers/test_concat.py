import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError


def concat_text(n, extra=""):
    bottoms = " ".join(f'bottom: "x{i}"' for i in range(n))
    return f'name: "c" type: "Concat" {bottoms} top: "y" {extra}'


@pytest.mark.parametrize("shapes,extra,axis", [
    ([(2, 3, 4), (2, 5, 4)], "", 1),
    ([(2, 3, 4), (1, 3, 4), (3, 3, 4)], "concat_param { axis: 0 }", 0),
    ([(2, 3, 4), (2, 3, 1)], "concat_param { axis: -1 }", 2),
    ([(2, 3, 4), (2, 3, 2)], "concat_param { concat_dim: 2 }", 2),
    ([(2, 3, 2, 2)], "", 1),
])
def test_concat_forward_and_gradient(shapes, extra, axis):
    bottom = make_blobs(shapes, np.random.default_rng(1))
    layer, (t,) = build(concat_text(len(shapes), extra), bottom)
    layer.forward(bottom, [t])
    np.testing.assert_array_equal(t.data, np.concatenate([b.data for b in bottom], axis=axis))
    assert check_gradient(layer, bottom, [t]) > 0


def test_backward_slices_and_propagate_down():
    bottom = make_blobs([(2, 1, 2), (2, 2, 2)], np.random.default_rng(2))
    layer, (t,) = build(concat_text(2), bottom)
    layer.forward(bottom, [t])
    t.diff[...] = np.arange(12).reshape(2, 3, 2)
    bottom[1].diff[...] = 5.0
    layer.backward([t], [True, False], bottom)
    np.testing.assert_array_equal(bottom[0].diff, [[[0, 1]], [[6, 7]]])
    assert (bottom[1].diff == 5.0).all()


def test_channels_last_bottoms():
    bs = [Blob((1, c, 2, 2), channels_last=True, dtype=np.float64) for c in (2, 3)]
    for k, b in enumerate(bs):
        b.data[...] = np.random.default_rng(k).normal(size=b.shape)
    layer, (t,) = build(concat_text(2), bs)
    layer.forward(bs, [t])
    np.testing.assert_array_equal(t.data, np.concatenate([b.data for b in bs], axis=1))
    t.diff[...] = np.arange(20).reshape(1, 5, 2, 2)
    layer.backward([t], [True, True], bs)
    np.testing.assert_array_equal(bs[1].diff, np.arange(8, 20).reshape(1, 3, 2, 2))


@pytest.mark.parametrize("shapes,extra,message", [
    ([(2, 3), (2, 3)], "concat_param { axis: 1 concat_dim: 1 }", "either axis or concat_dim should be specified"),
    ([(2, 3), (2, 3, 1)], "", "all inputs must have the same #axes"),
    ([(2, 3), (3, 3)], "", r"same shape, except at concat_axis \(1\)"),
    ([(2, 3), (2, 3)], "concat_param { concat_dim: 2 }", "concat_dim out of range"),
    ([(2, 3), (2, 3)], "concat_param { axis: -3 }", "invalid concat_param axis"),
])
def test_concat_errors(shapes, extra, message):
    with pytest.raises(ConfigError, match=message):
        build(concat_text(len(shapes), extra), make_blobs(shapes, np.random.default_rng(0)))
