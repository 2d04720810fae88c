import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError
from sgdtrain.proto import caffe_pb2

BN = 'name: "bn" type: "BatchNorm" bottom: "x" top: "y" {extra}'
F32 = float(np.float32(0.999))  # moving_average_fraction as the proto stores it
EPS = float(np.float32(1e-5))


def batch_stats(x):
    axes = (0, *range(2, x.ndim))
    return x.mean(axis=axes), x.var(axis=axes)


def bcast(v, ndim):
    return v.reshape((1, -1) + (1,) * (ndim - 2))


@pytest.mark.parametrize("shape", [(4, 3, 2, 5), (6, 2), (2, 3, 4)])
def test_train_forward_and_running_statistics(shape):
    rng = np.random.default_rng(0)
    bottom = make_blobs([shape], rng, -2, 3)
    layer, top = build(BN.format(extra=""), bottom)
    assert [b.shape for b in layer.blobs] == [(shape[1],), (shape[1],), (1,)]
    assert all(not b.data.any() for b in layer.blobs)
    layer.forward(bottom, top)
    x1 = bottom[0].data.copy()
    mean1, var1 = batch_stats(x1)
    expected = (x1 - bcast(mean1, x1.ndim)) / np.sqrt(bcast(var1, x1.ndim) + EPS)
    np.testing.assert_allclose(top[0].data, expected, rtol=1e-10)
    m = x1.size // shape[1]
    np.testing.assert_allclose(layer.blobs[2].data, [1.0])
    np.testing.assert_allclose(layer.blobs[0].data, mean1, rtol=1e-6)
    np.testing.assert_allclose(layer.blobs[1].data, m / (m - 1) * var1, rtol=1e-6)
    # a second batch: s <- maf s + 1, sums <- new + maf * sums
    bottom[0].data[...] = rng.uniform(-1, 1, shape)
    layer.forward(bottom, top)
    mean2, var2 = batch_stats(bottom[0].data)
    np.testing.assert_allclose(layer.blobs[2].data, [F32 + 1], rtol=1e-6)
    np.testing.assert_allclose(layer.blobs[0].data, mean2 + F32 * mean1, rtol=1e-6)
    np.testing.assert_allclose(layer.blobs[1].data, m / (m - 1) * (var2 + F32 * var1), rtol=1e-6)


def test_global_statistics_divide_by_the_scale_factor():
    rng = np.random.default_rng(1)
    bottom = make_blobs([(3, 2, 2, 2)], rng)
    layer, top = build(BN.format(extra="batch_norm_param { eps: 0.01 }"), bottom, phase=caffe_pb2.TEST)
    assert layer.use_global_stats
    layer.blobs[0].data[...] = [2.0, -4.0]
    layer.blobs[1].data[...] = [8.0, 1.0]
    layer.blobs[2].data[...] = 2.0
    layer.forward(bottom, top)
    eps = float(np.float32(0.01))
    mean, var = np.array([1.0, -2.0]), np.array([4.0, 0.5])
    expected = (bottom[0].data - bcast(mean, 4)) / np.sqrt(bcast(var, 4) + eps)
    np.testing.assert_allclose(top[0].data, expected, rtol=1e-6)
    np.testing.assert_array_equal(layer.blobs[2].data, [2.0])  # nothing updated
    top[0].diff[...] = 1
    layer.backward(top, [True], bottom)
    np.testing.assert_allclose(bottom[0].diff, np.broadcast_to(1 / np.sqrt(bcast(var, 4) + eps), (3, 2, 2, 2)),
                               rtol=1e-6)


def test_zero_scale_factor_means_zero_statistics():
    bottom = make_blobs([(2, 2, 1, 1)], np.random.default_rng(2))
    layer, top = build(BN.format(extra="batch_norm_param { use_global_stats: true }"), bottom)
    layer.blobs[0].data[...] = 5.0  # ignored: 1/s is taken as 0
    layer.forward(bottom, top)
    np.testing.assert_allclose(top[0].data, bottom[0].data / np.sqrt(EPS), rtol=1e-6)


@pytest.mark.parametrize(
    "extra,phase,expected",
    [
        ("", caffe_pb2.TRAIN, False),
        ("", caffe_pb2.TEST, True),
        ("batch_norm_param { use_global_stats: false }", caffe_pb2.TEST, False),
        ("batch_norm_param { use_global_stats: true }", caffe_pb2.TRAIN, True),
    ],
)
def test_use_global_stats_default_follows_the_phase(extra, phase, expected):
    bottom = make_blobs([(2, 2)], np.random.default_rng(3))
    layer, _ = build(BN.format(extra=extra), bottom, phase=phase)
    assert layer.use_global_stats is expected


@pytest.mark.parametrize("shape", [(3, 2, 2, 3), (5, 3), (2, 2, 3)])
def test_gradient_batch_statistics(shape):
    bottom = make_blobs([shape], np.random.default_rng(4))
    layer, top = build(BN.format(extra=""), bottom)
    assert check_gradient(layer, bottom, top, check_params=False) > 0


def test_gradient_global_statistics():
    bottom = make_blobs([(2, 3, 2, 2)], np.random.default_rng(5))
    layer, top = build(BN.format(extra="batch_norm_param { use_global_stats: true }"), bottom)
    layer.blobs[0].data[...] = [0.5, -1.0, 0.0]
    layer.blobs[1].data[...] = [1.0, 2.0, 0.5]
    layer.blobs[2].data[...] = 1.5
    # the statistics are not parameters: only the input gradient is checked
    assert check_gradient(layer, bottom, top, check_params=False) > 0


def test_backward_leaves_the_statistics_diffs_alone():
    bottom = make_blobs([(4, 2)], np.random.default_rng(6))
    layer, top = build(BN.format(extra=""), bottom)
    layer.forward(bottom, top)
    top[0].diff[...] = 1
    layer.backward(top, [True], bottom)
    assert all(not b.diff.any() for b in layer.blobs)


@pytest.mark.parametrize("use_global", ["true", "false"])
def test_in_place_matches_out_of_place(use_global):
    rng = np.random.default_rng(7)
    x, dy = rng.uniform(-1, 1, (3, 2, 2, 2)), rng.uniform(-1, 1, (3, 2, 2, 2))
    extra = f"batch_norm_param {{ use_global_stats: {use_global} }}"
    outputs = []
    for in_place in (False, True):
        b = Blob(x.shape, dtype=np.float64)
        b.data[...] = x
        layer, top = build(BN.format(extra=extra), [b])
        if in_place:
            top = [b]
            layer.setup([b], top)
        layer.blobs[1].data[...] = 1.0
        layer.blobs[2].data[...] = 1.0
        layer.forward([b], top)
        y = top[0].data.copy()
        top[0].diff[...] = dy
        layer.backward(top, [True], [b])
        outputs.append((y, b.diff.copy()))
    np.testing.assert_allclose(outputs[0][0], outputs[1][0], rtol=1e-12)
    np.testing.assert_allclose(outputs[0][1], outputs[1][1], rtol=1e-12)


def test_channels_last_bottom():
    rng = np.random.default_rng(8)
    x = rng.uniform(-1, 1, (2, 3, 2, 2))
    b = Blob(x.shape, channels_last=True, dtype=np.float64)
    b.data[...] = x
    layer, top = build(BN.format(extra=""), [b])
    layer.forward([b], top)
    mean, var = batch_stats(x)
    np.testing.assert_allclose(top[0].data, (x - bcast(mean, 4)) / np.sqrt(bcast(var, 4) + EPS), rtol=1e-10)


def test_lr_mult_is_forced_to_zero():
    bottom = make_blobs([(2, 2)], np.random.default_rng(9))
    layer, _ = build(BN.format(extra="param { lr_mult: 0 } param { lr_mult: 0 } param { lr_mult: 0 }"), bottom)
    assert layer.forced_lr_mult == {0: 0.0, 1: 0.0, 2: 0.0}
    with pytest.raises(ConfigError, match="cannot configure batch normalization statistics as layer parameters"):
        build(BN.format(extra="param { lr_mult: 0 } param { lr_mult: 1 }"), bottom)


def test_errors():
    with pytest.raises(ConfigError, match="at least 2 axes"):
        build(BN.format(extra=""), make_blobs([(4,)], np.random.default_rng(0)))
    bottom = make_blobs([(2, 3)], np.random.default_rng(0))
    layer, top = build(BN.format(extra=""), bottom)
    with pytest.raises(ConfigError, match="set up for 3 channels"):
        layer.reshape(make_blobs([(2, 4)], np.random.default_rng(0)), top)


def test_float32_statistics():
    b = Blob((4, 2))
    b.data[...] = np.arange(8).reshape(4, 2)
    layer, top = build(BN.format(extra=""), [b])
    layer.forward([b], top)
    assert top[0].data.dtype == np.float32 and layer.blobs[0].data.dtype == np.float32
    np.testing.assert_allclose(layer.blobs[0].data, [3.0, 4.0])
    np.testing.assert_allclose(layer.blobs[1].data, [20 / 3, 20 / 3], rtol=1e-6)  # 4/3 * var 5
