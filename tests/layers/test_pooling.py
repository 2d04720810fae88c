import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.layers.pooling import pooled_size

POOL = 'name: "p" type: "Pooling" bottom: "x" top: "y" pooling_param {{ {extra} }}'


def reference_pool(x, kh, kw, sh, sw, ph, pw, oh, ow, method):
    """Caffe's pooling_layer.cpp loops, transcribed: an independent oracle."""
    n, c, h, w = x.shape
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            hs, ws = i * sh - ph, j * sw - pw
            if method == "MAX":
                he, we = min(hs + kh, h), min(ws + kw, w)
                hs, ws = max(hs, 0), max(ws, 0)
                y[:, :, i, j] = x[:, :, hs:he, ws:we].max(axis=(2, 3))
            else:
                he, we = min(hs + kh, h + ph), min(ws + kw, w + pw)
                size = (he - hs) * (we - ws)
                hs, ws, he, we = max(hs, 0), max(ws, 0), min(he, h), min(we, w)
                y[:, :, i, j] = x[:, :, hs:he, ws:we].sum(axis=(2, 3)) / size
    return y


CASES = [
    # extra, (kh, kw, sh, sw, ph, pw), input shape
    ("kernel_size: 2 stride: 2", (2, 2, 2, 2, 0, 0), (2, 3, 6, 6)),
    ("kernel_size: 2 stride: 2", (2, 2, 2, 2, 0, 0), (1, 2, 5, 5)),  # ceil: 5 -> 3
    ("kernel_size: 3 stride: 2", (3, 3, 2, 2, 0, 0), (1, 2, 8, 8)),  # cifar's overlapping windows
    ("kernel_size: 3 stride: 2 pad: 1", (3, 3, 2, 2, 1, 1), (1, 2, 7, 6)),
    ("kernel_h: 3 kernel_w: 2 stride_h: 1 stride_w: 2 pad_h: 1", (3, 2, 1, 2, 1, 0), (1, 1, 5, 6)),
]


@pytest.mark.parametrize("method", ["MAX", "AVE"])
@pytest.mark.parametrize("extra,geo,shape", CASES)
def test_pooling_forward_matches_caffe_loops(method, extra, geo, shape):
    rng = np.random.default_rng(8)
    bottom = make_blobs([shape], rng)
    layer, top = build(POOL.format(extra=f"pool: {method} " + extra), bottom)
    kh, kw, sh, sw, ph, pw = geo
    oh = pooled_size(shape[2], kh, sh, ph, True)
    ow = pooled_size(shape[3], kw, sw, pw, True)
    assert top[0].shape == shape[:2] + (oh, ow)
    layer.forward(bottom, top)
    np.testing.assert_allclose(top[0].data, reference_pool(bottom[0].data, *geo, oh, ow, method), rtol=1e-12)


@pytest.mark.parametrize("method", ["MAX", "AVE"])
@pytest.mark.parametrize("extra,geo,shape", CASES)
def test_pooling_gradient(method, extra, geo, shape):
    rng = np.random.default_rng(9)
    # distinct values keep max pooling away from ties (its kinks)
    bottom = [Blob(shape, dtype=np.float64)]
    bottom[0].data[...] = rng.permutation(np.prod(shape)).reshape(shape) * 0.1
    layer, top = build(POOL.format(extra=f"pool: {method} " + extra), bottom)
    assert check_gradient(layer, bottom, top, step=1e-3) > 0


def test_ceil_rounding_5x5_k2_s2_gives_3x3():
    assert pooled_size(5, 2, 2, 0, True) == 3
    assert pooled_size(5, 2, 2, 0, False) == 2
    assert pooled_size(32, 3, 2, 0, True) == 16  # cifar10_quick pool1 (floor would give 15)


def test_padding_clip_rule():
    # in 5, k 2, s 2, pad 1: ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th window
    # would start at 3 * 2 - 1 = 5, inside the padding, so Caffe drops it: 3.
    assert pooled_size(5, 2, 2, 1, True) == 3
    # in 6: ceil(6 / 2) + 1 = 4 and the 4th window starts at 5 < 6: kept.
    assert pooled_size(6, 2, 2, 1, True) == 4
    # without padding the rule never applies
    assert pooled_size(5, 2, 2, 0, True) == 3


@pytest.mark.parametrize("extra", ["kernel_size: 4 stride: 4", "kernel_size: 4 stride: 3 pad: 1"])
def test_max_ties_go_to_the_first_element(extra):
    # Caffe: a value replaces the maximum only when strictly greater, so the
    # window [1, 3, 3, 0] sends its gradient to index 1, not 2.
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, :] = [1, 3, 3, 0]
    x[0, 0, 1:, :] = -5
    bottom = [Blob(x.shape, dtype=np.float64)]
    bottom[0].data[...] = x
    layer, top = build(POOL.format(extra="pool: MAX " + extra), bottom)
    layer.forward(bottom, top)
    top[0].diff[...] = 0
    top[0].diff[0, 0, 0, 0] = 1
    layer.backward(top, [True], bottom)
    assert bottom[0].diff[0, 0, 0, 1] == 1
    assert bottom[0].diff[0, 0, 0, 2] == 0


def test_max_backward_survives_in_place_layer_on_top():
    # cifar10_quick applies ReLU in place on pool1's top: backward must still
    # route the gradient to the input that won the forward pass.
    x = -np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4) - 1
    bottom = [Blob(x.shape, dtype=np.float64)]
    bottom[0].data[...] = x
    layer, top = build(POOL.format(extra="pool: MAX kernel_size: 2 stride: 2"), bottom)
    layer.forward(bottom, top)
    top[0].data[...] = np.maximum(top[0].data, 0)  # what an in-place ReLU does
    top[0].diff[...] = 1
    layer.backward(top, [True], bottom)
    assert bottom[0].diff.sum() == 4


def test_global_pooling():
    rng = np.random.default_rng(1)
    bottom = make_blobs([(2, 3, 4, 5)], rng)
    layer, top = build(POOL.format(extra="pool: AVE global_pooling: true"), bottom)
    layer.forward(bottom, top)
    assert top[0].shape == (2, 3, 1, 1)
    np.testing.assert_allclose(top[0].data[..., 0, 0], bottom[0].data.mean(axis=(2, 3)))
