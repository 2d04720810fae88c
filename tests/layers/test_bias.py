import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError


def bias_text(extra, two_bottoms=False):
    second = 'bottom: "b" ' if two_bottoms else ""
    return f'name: "bias" type: "Bias" bottom: "x" {second}top: "y" bias_param {{ {extra} }}'


CASES = [
    ("", (2, 3, 4), (3,), (1, 3, 1)),
    ("axis: 0 num_axes: 2", (2, 3, 4), (2, 3), (2, 3, 1)),
    ("axis: -1", (2, 3, 4), (4,), (1, 1, 4)),
    ("axis: 1 num_axes: -1", (2, 3, 2, 2), (3, 2, 2), (1, 3, 2, 2)),
    ("num_axes: 0", (2, 3), (), (1, 1)),
]


@pytest.mark.parametrize("extra,shape,pshape,bshape", CASES)
def test_learned_bias(extra, shape, pshape, bshape):
    bottom = make_blobs([shape], np.random.default_rng(0))
    layer, top = build(bias_text(extra + ' filler { type: "gaussian" }'), bottom)
    assert layer.blobs[0].shape == pshape
    layer.forward(bottom, top)
    np.testing.assert_allclose(top[0].data, bottom[0].data + layer.blobs[0].data.reshape(bshape), rtol=1e-6)
    assert check_gradient(layer, bottom, top) > 0


@pytest.mark.parametrize("extra,shape,pshape,bshape", CASES)
def test_second_bottom(extra, shape, pshape, bshape):
    bottom = make_blobs([shape, pshape], np.random.default_rng(1))
    layer, top = build(bias_text(extra, True), bottom)
    assert layer.blobs == []
    layer.forward(bottom, top)
    np.testing.assert_allclose(top[0].data, bottom[0].data + bottom[1].data.reshape(bshape), rtol=1e-12)
    assert check_gradient(layer, bottom, top) > 0


def test_default_filler_is_zero_and_gradients_accumulate():
    rng = np.random.default_rng(2)
    bottom = make_blobs([(2, 3)], rng)
    layer, top = build(bias_text(""), bottom)
    np.testing.assert_array_equal(layer.blobs[0].data, 0)
    layer.forward(bottom, top)
    top[0].diff[...] = rng.uniform(-1, 1, (2, 3))
    layer.blobs[0].diff[...] = 1
    layer.backward(top, [True], bottom)
    np.testing.assert_allclose(layer.blobs[0].diff, 1 + top[0].diff.sum(axis=0))
    np.testing.assert_array_equal(bottom[0].diff, top[0].diff)


def test_in_place():
    b = Blob((2, 3), dtype=np.float64)
    b.data[...] = 1.0
    layer, _ = build(bias_text('filler { type: "constant" value: 2 }'), [b])
    layer.setup([b], [b])
    layer.forward([b], [b])
    np.testing.assert_array_equal(b.data, 3.0)
    b.diff[...] = 0.5
    layer.backward([b], [True], [b])
    np.testing.assert_array_equal(b.diff, 0.5)
    np.testing.assert_array_equal(layer.blobs[0].diff, 1.0)


@pytest.mark.parametrize(
    "extra,shapes,match",
    [
        ("num_axes: -3", [(2, 3)], "num_axes must be non-negative"),
        ("axis: 1 num_axes: 3", [(2, 3)], "extends past bottom"),
        ("", [(2, 3), (2,)], "dimension mismatch"),
    ],
)
def test_errors(extra, shapes, match):
    bottom = make_blobs(shapes, np.random.default_rng(3))
    with pytest.raises(ConfigError, match=match):
        build(bias_text(extra, len(shapes) == 2), bottom)
