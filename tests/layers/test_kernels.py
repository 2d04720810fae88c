"""The compiled layer kernels (numba, ahead of time) give bit for bit what the numpy paths give.

Each case runs one layer forward and backward twice on the same inputs, once
with SGDTRAIN_KERNELS=numpy and once with the kernels, and compares every
output exactly: ties, NaNs, float64, and every col2im addition order included.
"""

import numpy as np
import pytest
from layer_helpers import build

from sgdtrain import jit
from sgdtrain.blob import Blob
from sgdtrain.layers import kernels

pytestmark = pytest.mark.skipif(not jit.available() or not jit.c_compiler(),
                                reason="numba or a C compiler (for its ahead-of-time build) is missing")


def run(monkeypatch, mode, text, x, inf_dy=False, seed=0):
    """Forward and backward of the layer `text` on x under kernels `mode`; every array it produced."""
    monkeypatch.setenv(jit.ENV, mode)
    # channels-last, as a convolution's top is: the kernels take C-contiguous (N, H, W, C) memory only
    bottom = [Blob(x.shape, dtype=x.dtype, channels_last=True)]
    bottom[0].data[...] = x
    layer, top = build(text, bottom, seed=seed)
    layer.forward(bottom, top)
    dy = np.random.default_rng(1).standard_normal(top[0].shape)
    if inf_dy:
        dy.flat[::29] = np.inf  # pooling: a non-winner's gradient is dy * 0, NaN here and -0.0 for a negative dy
    top[0].diff[...] = dy
    for b in layer.blobs:
        b.diff[...] = 0
    layer.backward(top, [True], bottom)
    return [top[0].data.copy(), bottom[0].diff.copy()] + [b.diff.copy() for b in layer.blobs]


def assert_same(monkeypatch, text, x, inf_dy=False):
    plain = run(monkeypatch, "numpy", text, x, inf_dy)
    before = sum(kernels.CALLS.values())
    fast = run(monkeypatch, "numba", text, x, inf_dy)
    assert sum(kernels.CALLS.values()) > before, "no compiled kernel ran: the comparison would be numpy vs numpy"
    for a, b in zip(plain, fast, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        bits = np.uint32 if a.dtype == np.float32 else np.uint64
        np.testing.assert_array_equal(a.view(bits), b.view(bits))  # bit for bit: -0.0 and NaN payloads too
    return plain


POOL = 'name: "p" type: "Pooling" bottom: "x" top: "y" pooling_param {{ pool: MAX {extra} }}'


@pytest.mark.parametrize("extra,shape", [
    ("kernel_size: 2 stride: 2", (3, 20, 24, 24)),  # LeNet's pool1
    ("kernel_size: 2 stride: 2", (2, 5, 8, 8)),
    ("kernel_h: 3 kernel_w: 2 stride_h: 3 stride_w: 2", (2, 3, 9, 8)),
    ("kernel_size: 4 stride: 4", (1, 2, 8, 12)),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pooling_matches_numpy(monkeypatch, extra, shape, dtype):
    rng = np.random.default_rng(3)
    x = rng.integers(-3, 4, size=shape).astype(dtype)  # many ties: the first-max rule decides
    x.flat[::17] = np.nan  # fmax: a NaN never wins ...
    x.flat[5::23] = np.inf
    x[0, 0, :4, :4] = np.nan  # ... unless the whole window is NaN
    with np.errstate(invalid="ignore"):  # inf * 0 in the numpy path, on purpose
        y, dx = assert_same(monkeypatch, POOL.format(extra=extra), x, inf_dy=True)
    assert np.isnan(y[0, 0, 0, 0]) and np.isinf(y).any() and np.signbit(dx[dx == 0]).any()


def test_max_pooling_with_random_values(monkeypatch):
    x = np.random.default_rng(4).standard_normal((4, 6, 12, 12)).astype(np.float32)
    assert_same(monkeypatch, POOL.format(extra="kernel_size: 2 stride: 2"), x)


CONV = ('name: "c" type: "Convolution" bottom: "x" top: "y" convolution_param {{ num_output: {o} {extra} '
        'weight_filler {{ type: "gaussian" std: 0.5 }} bias_filler {{ type: "gaussian" }} }}')


@pytest.mark.parametrize("o,extra,shape", [
    (20, "kernel_size: 5", (4, 1, 28, 28)),  # LeNet's conv1: transposed im2col
    (50, "kernel_size: 5", (4, 20, 12, 12)),  # LeNet's conv2: col2im by output column
    (4, "kernel_size: 3 stride: 2 pad: 1", (2, 3, 9, 8)),  # col2im by kernel column
    (4, "kernel_size: 3 dilation: 2 pad: 2", (2, 2, 9, 9)),
    (4, "kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 1 pad_h: 1", (2, 2, 7, 6)),
    (4, "kernel_size: 2 group: 2", (2, 4, 6, 6)),
    (3, "kernel_size: 3 stride: 1 pad: 1", (2, 1, 16, 16)),  # transposed im2col with padding
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_convolution_matches_numpy(monkeypatch, o, extra, shape, dtype):
    x = np.random.default_rng(5).standard_normal(shape).astype(dtype)
    assert_same(monkeypatch, CONV.format(o=o, extra=extra), x)

