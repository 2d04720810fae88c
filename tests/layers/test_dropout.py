import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError
from sgdtrain.proto import caffe_pb2

DROP = 'name: "d" type: "Dropout" bottom: "x" top: "{top}" {extra}'


def drop(extra="", top="y", shape=(4, 5), dtype=np.float64, phase=caffe_pb2.TRAIN, seed=0):
    b = Blob(shape, dtype=dtype)
    b.data[...] = np.random.default_rng(7).uniform(1, 2, size=shape)  # no zeros: a zero output means dropped
    layer, top_blobs = build(DROP.format(top=top, extra=extra), [b], seed=seed, phase=phase)
    return layer, b, top_blobs


def test_train_scales_kept_units_and_zeroes_the_rest():
    layer, b, (t,) = drop("dropout_param { dropout_ratio: 0.3 }", shape=(50, 40), dtype=np.float32)
    layer.forward([b], [t])
    kept = t.data != 0
    # Caffe keeps scale_ as a float: 1 / (1 - 0.3f) rounded to float32.
    scale = np.float32(1.0 / (1.0 - float(np.float32(0.3))))
    assert scale == np.float32(1.4285715)
    np.testing.assert_array_equal(t.data[kept], b.data[kept] * scale)
    assert abs(kept.mean() - 0.7) < 0.03  # Bernoulli(1 - ratio) over 2000 units


def test_default_ratio_is_a_half_and_masks_change_every_forward():
    layer, b, (t,) = drop(shape=(100, 20))
    layer.forward([b], [t])
    first = t.data != 0
    np.testing.assert_array_equal(t.data[first], 2 * b.data[first])
    assert abs(first.mean() - 0.5) < 0.05
    layer.forward([b], [t])
    assert (first != (t.data != 0)).any()


def test_backward_uses_the_forward_mask():
    layer, b, (t,) = drop("dropout_param { dropout_ratio: 0.25 }")
    layer.forward([b], [t])
    t.diff[...] = np.arange(20).reshape(4, 5) + 1.0
    b.diff[...] = np.nan  # overwritten, not accumulated
    layer.backward([t], [True], [b])
    kept = t.data != 0
    np.testing.assert_allclose(b.diff, np.where(kept, t.diff / 0.75, 0), rtol=1e-15)


def test_same_seed_same_mask():
    _, b1, _ = drop()
    l1, _, (t1,) = drop(seed=5)
    l2, _, (t2,) = drop(seed=5)
    l1.forward([b1], [t1])
    l2.forward([b1], [t2])
    np.testing.assert_array_equal(t1.data, t2.data)


def test_test_phase_is_identity():
    layer, b, (t,) = drop("dropout_param { dropout_ratio: 0.6 }", phase=caffe_pb2.TEST)
    layer.forward([b], [t])
    np.testing.assert_array_equal(t.data, b.data)
    t.diff[...] = 3.0
    layer.backward([t], [True], [b])
    np.testing.assert_array_equal(b.diff, 3.0)


def test_in_place_train():
    layer, b, _ = drop(top="x")
    x = b.data.copy()
    layer.setup([b], [b])
    layer.forward([b], [b])
    kept = b.data != 0
    np.testing.assert_allclose(b.data, np.where(kept, 2 * x, 0), rtol=1e-15)
    b.diff[...] = 1.0
    layer.backward([b], [True], [b])
    np.testing.assert_array_equal(b.diff, np.where(kept, 2.0, 0.0))


def test_in_place_test_phase():
    layer, b, _ = drop(top="x", phase=caffe_pb2.TEST)
    x = b.data.copy()
    layer.setup([b], [b])
    layer.forward([b], [b])
    np.testing.assert_array_equal(b.data, x)


def test_channels_last_bottom_keeps_its_layout():
    b = Blob((2, 3, 4, 5), channels_last=True, dtype=np.float64)
    b.data[...] = 1.0
    layer, (t,) = build(DROP.format(top="y", extra=""), [b])
    assert t.channels_last
    layer.forward([b], [t])
    assert set(np.unique(t.data)) <= {0.0, 2.0}


@pytest.mark.parametrize("ratio", [0.5, 0.2])
def test_dropout_gradient(ratio):
    bottom = make_blobs([(3, 4, 5)], np.random.default_rng(4))
    layer, top = build(DROP.format(top="y", extra=f"dropout_param {{ dropout_ratio: {ratio} }}"), bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_dropout_gradient_test_phase():
    bottom = make_blobs([(3, 4)], np.random.default_rng(4))
    layer, top = build(DROP.format(top="y", extra=""), bottom, phase=caffe_pb2.TEST)
    assert check_gradient(layer, bottom, top) > 0


@pytest.mark.parametrize("ratio", ["1.0", "-0.1", "1.5"])
def test_ratio_out_of_range_is_refused(ratio):
    with pytest.raises(ConfigError, match=r"layer 'd' \(Dropout\) has dropout_ratio .* \[0, 1\)"):
        drop(f"dropout_param {{ dropout_ratio: {ratio} }}")
