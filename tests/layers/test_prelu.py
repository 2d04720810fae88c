import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

PRELU = 'name: "pr" type: "PReLU" bottom: "x" top: "y" prelu_param {{ {extra} }}'
GAUSS = 'filler { type: "gaussian" std: 0.5 }'


def reference(x, a):
    y = np.empty_like(x)
    for c in range(x.shape[1]):
        slope = a if np.ndim(a) == 0 else a[c]
        y[:, c] = np.maximum(x[:, c], 0) + slope * np.minimum(x[:, c], 0)
    return y


def test_default_filler_and_shapes():
    bottom = make_blobs([(2, 3, 4)], np.random.default_rng(0))
    layer, _ = build(PRELU.format(extra=""), bottom)
    assert layer.blobs[0].shape == (3,)
    np.testing.assert_allclose(layer.blobs[0].data, 0.25)
    layer, _ = build(PRELU.format(extra="channel_shared: true"), bottom)
    assert layer.blobs[0].shape == ()
    np.testing.assert_allclose(layer.blobs[0].data, 0.25)


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4), (2, 3, 2, 2)])
def test_forward(shape, shared):
    bottom = make_blobs([shape], np.random.default_rng(1))
    layer, top = build(PRELU.format(extra=f"channel_shared: {str(shared).lower()} {GAUSS}"), bottom)
    layer.forward(bottom, top)
    np.testing.assert_allclose(top[0].data, reference(bottom[0].data, layer.blobs[0].data), rtol=1e-6)


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 2, 2)])
def test_gradient(shape, shared):
    bottom = make_blobs([shape], np.random.default_rng(2))
    layer, top = build(PRELU.format(extra=f"channel_shared: {str(shared).lower()} {GAUSS}"), bottom)
    assert check_gradient(layer, bottom, top, kink=0.0, kink_range=1e-3) > 0


def test_slope_gradient_accumulates():
    b = Blob((1, 2, 2), dtype=np.float64)
    b.data[...] = [[[-1.0, 2.0], [-3.0, -0.5]]]
    layer, top = build(PRELU.format(extra=""), [b])
    layer.forward([b], top)
    top[0].diff[...] = 2.0
    layer.blobs[0].diff[...] = 1.0
    layer.backward(top, [True], [b])
    np.testing.assert_allclose(layer.blobs[0].diff, [1 - 2.0, 1 - 7.0])
    np.testing.assert_allclose(b.diff, [[[0.5, 2.0], [0.5, 0.5]]])


def test_in_place_keeps_a_copy_of_the_bottom():
    rng = np.random.default_rng(3)
    x, dy = rng.uniform(-1, 1, (2, 3, 2)), rng.uniform(-1, 1, (2, 3, 2))
    results = []
    for in_place in (False, True):
        b = Blob(x.shape, dtype=np.float64)
        b.data[...] = x
        layer, top = build(PRELU.format(extra=GAUSS), [b], seed=5)
        if in_place:
            top = [b]
            layer.setup([b], top)
        layer.forward([b], top)
        y = top[0].data.copy()
        top[0].diff[...] = dy
        layer.backward(top, [True], [b])
        results.append((y, b.diff.copy(), layer.blobs[0].diff.copy()))
    for a, c in zip(*results):
        np.testing.assert_allclose(a, c, rtol=1e-12)


def test_channels_last_bottom():
    x = np.random.default_rng(4).uniform(-1, 1, (2, 3, 2, 2))
    b = Blob(x.shape, channels_last=True, dtype=np.float64)
    b.data[...] = x
    layer, top = build(PRELU.format(extra=GAUSS), [b])
    layer.forward([b], top)
    np.testing.assert_allclose(top[0].data, reference(x, layer.blobs[0].data), rtol=1e-6)
    assert check_gradient(layer, [b], top, kink=0.0, kink_range=1e-3) > 0


def test_errors():
    with pytest.raises(ConfigError, match="at least 2 axes"):
        build(PRELU.format(extra=""), make_blobs([(3,)], np.random.default_rng(0)))
    # a stored slope blob of 4 values for 3 channels
    text = PRELU.format(extra="") + " blobs { shape { dim: 4 } data: [0.1, 0.1, 0.1, 0.1] }"
    with pytest.raises(ConfigError, match="inconsistent with the prototxt config"):
        build(text, make_blobs([(2, 3)], np.random.default_rng(0)))
