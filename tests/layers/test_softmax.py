import math

import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

SOFTMAX = 'name: "sm" type: "Softmax" bottom: "x" top: "{top}" {extra}'


@pytest.mark.parametrize("shape,axis", [((4, 5), 1), ((2, 3, 2, 3), 1), ((2, 3, 4), 0), ((2, 3, 4), -1),
                                        ((2, 3, 2, 3), 2)])
def test_softmax_gradient(shape, axis):
    bottom = make_blobs([shape], np.random.default_rng(1), -2, 2)
    layer, top = build(SOFTMAX.format(top="y", extra=f"softmax_param {{ axis: {axis} }}"), bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_softmax_forward_by_hand():
    b = Blob((2, 3), dtype=np.float64)
    b.data[...] = [[0.0, 1.0, 2.0], [5.0, 5.0, 5.0]]
    layer, (t,) = build(SOFTMAX.format(top="y", extra=""), [b])
    layer.forward([b], [t])
    z = 1 + math.e + math.e**2
    np.testing.assert_allclose(t.data[0], [1 / z, math.e / z, math.e**2 / z], rtol=1e-15)
    np.testing.assert_allclose(t.data[1], [1 / 3] * 3, rtol=1e-15)


def test_softmax_over_channels_at_every_pixel():
    bottom = make_blobs([(2, 4, 3, 3)], np.random.default_rng(2), -3, 3)
    layer, top = build(SOFTMAX.format(top="y", extra=""), bottom)
    layer.forward(bottom, top)
    e = np.exp(bottom[0].data)
    np.testing.assert_allclose(top[0].data, e / e.sum(axis=1, keepdims=True), rtol=1e-14)


def test_large_inputs_are_stable():
    b = Blob((1, 3), dtype=np.float32)
    b.data[...] = [1000.0, 1001.0, -1000.0]
    layer, (t,) = build(SOFTMAX.format(top="y", extra=""), [b])
    layer.forward([b], [t])
    assert np.isfinite(t.data).all()
    np.testing.assert_allclose(t.data[0], [1 / (1 + math.e), math.e / (1 + math.e), 0.0], rtol=1e-6)


def test_softmax_in_place_and_channels_last():
    b = Blob((2, 3, 2, 2), channels_last=True, dtype=np.float64)
    b.data[...] = np.random.default_rng(3).normal(size=b.shape)
    x = b.data.copy()
    layer, _ = build(SOFTMAX.format(top="x", extra=""), [b])
    layer.setup([b], [b])
    layer.forward([b], [b])
    y = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(b.data, y, rtol=1e-14)
    dy = np.random.default_rng(4).normal(size=b.shape)
    b.diff[...] = dy
    layer.backward([b], [True], [b])
    np.testing.assert_allclose(b.diff, (dy - (dy * y).sum(axis=1, keepdims=True)) * y, rtol=1e-12, atol=1e-15)


def test_bad_axis_is_refused():
    bottom = make_blobs([(2, 3)], np.random.default_rng(0))
    with pytest.raises(ConfigError, match=r"layer 'sm' \(Softmax\) has an invalid softmax_param axis"):
        build(SOFTMAX.format(top="y", extra="softmax_param { axis: 2 }"), bottom)
