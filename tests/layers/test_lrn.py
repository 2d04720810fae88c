import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

LRN = 'name: "norm" type: "LRN" bottom: "x" top: "y" lrn_param {{ {extra} }}'


def f32(*values):
    """Parameters as the proto stores them (float fields)."""
    return [float(np.float32(v)) for v in values]


def across_reference(x, n, alpha, beta, k):
    """Loops over channels: the centred window of n channels, clipped to the blob."""
    alpha, beta, k = f32(alpha, beta, k)
    c = x.shape[1]
    y = np.empty_like(x)
    for i in range(c):
        lo, hi = max(0, i - (n - 1) // 2), min(c, i + (n - 1) // 2 + 1)
        s = k + alpha / n * (x[:, lo:hi] ** 2).sum(axis=1)
        y[:, i] = x[:, i] * s ** -beta
    return y


def within_reference(x, n, alpha, beta):
    """Caffe's sublayers: x^2, AVE pooling (k n, stride 1, pad (n-1)/2, Caffe's divisor), power, product."""
    alpha, beta = f32(alpha, beta)
    _, _, h, w = x.shape
    pad = (n - 1) // 2
    sq = x**2
    pooled = np.empty_like(x)
    for i in range(h):
        for j in range(w):
            hs, ws = i - pad, j - pad
            he, we = min(hs + n, h + pad), min(ws + n, w + pad)
            size = (he - hs) * (we - ws)
            hs, ws, he, we = max(hs, 0), max(ws, 0), min(he, h), min(we, w)
            pooled[:, :, i, j] = sq[:, :, hs:he, ws:we].sum(axis=(2, 3)) / size
    return x * (1 + alpha * pooled) ** -beta


ACROSS = [
    ("", (5, 1.0, 0.75, 1.0), (2, 7, 3, 3)),
    ("local_size: 3 alpha: 0.5 beta: 0.6 k: 2", (3, 0.5, 0.6, 2.0), (2, 4, 2, 3)),
    ("local_size: 7 alpha: 2", (7, 2.0, 0.75, 1.0), (1, 3, 2, 2)),  # window wider than the channels
    ("local_size: 1 alpha: 3", (1, 3.0, 0.75, 1.0), (1, 3, 2, 2)),
]
WITHIN = [
    ("norm_region: WITHIN_CHANNEL", (5, 1.0, 0.75), (2, 2, 6, 7)),
    ("norm_region: WITHIN_CHANNEL local_size: 3 alpha: 2 beta: 0.6 k: 5", (3, 2.0, 0.6), (1, 3, 4, 5)),
    ("norm_region: WITHIN_CHANNEL local_size: 5 alpha: 4", (5, 4.0, 0.75), (1, 1, 3, 2)),  # window > plane
]


@pytest.mark.parametrize("extra,params,shape", ACROSS)
def test_across_channels_forward(extra, params, shape):
    bottom = make_blobs([shape], np.random.default_rng(0), -2, 2)
    layer, top = build(LRN.format(extra=extra), bottom)
    layer.forward(bottom, top)
    np.testing.assert_allclose(top[0].data, across_reference(bottom[0].data, *params), rtol=1e-12)


@pytest.mark.parametrize("extra,params,shape", WITHIN)
def test_within_channel_forward(extra, params, shape):
    bottom = make_blobs([shape], np.random.default_rng(1), -2, 2)
    layer, top = build(LRN.format(extra=extra), bottom)
    layer.forward(bottom, top)
    np.testing.assert_allclose(top[0].data, within_reference(bottom[0].data, *params), rtol=1e-12)


@pytest.mark.parametrize("extra,params,shape", ACROSS + WITHIN)
def test_gradient(extra, params, shape):
    bottom = make_blobs([shape], np.random.default_rng(2), -2, 2)
    layer, top = build(LRN.format(extra=extra), bottom)
    assert check_gradient(layer, bottom, top) > 0


@pytest.mark.parametrize("extra", ["", "norm_region: WITHIN_CHANNEL local_size: 3"])
def test_channels_last_bottom_gives_the_same_values_and_gradients(extra):
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (2, 5, 3, 4))
    dy = rng.uniform(-1, 1, x.shape)
    results = []
    for cl in (False, True):
        b = Blob(x.shape, channels_last=cl, dtype=np.float64)
        b.data[...] = x
        layer, top = build(LRN.format(extra=extra), [b])
        assert top[0].channels_last == cl
        layer.forward([b], top)
        top[0].diff[...] = dy
        layer.backward(top, [True], [b])
        results.append((top[0].data.copy(), b.diff.copy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-14)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-14)


def test_float32():
    b = Blob((1, 3, 2, 2))
    b.data[...] = 1.5
    layer, top = build(LRN.format(extra=""), [b])
    layer.forward([b], top)
    assert top[0].data.dtype == np.float32
    np.testing.assert_allclose(top[0].data[0, 1], 1.5 * (1 + 1 / 5 * 3 * 2.25) ** -0.75, rtol=1e-6)


def test_even_local_size_is_refused():
    bottom = make_blobs([(1, 3, 2, 2)], np.random.default_rng(4))
    with pytest.raises(ConfigError, match="only supports odd values for local_size"):
        build(LRN.format(extra="local_size: 4"), bottom)


def test_needs_four_axes():
    bottom = make_blobs([(2, 3)], np.random.default_rng(5))
    with pytest.raises(ConfigError, match="4-D input"):
        build(LRN.format(extra=""), bottom)
