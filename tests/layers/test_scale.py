import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

GAUSS = 'filler { type: "gaussian" } bias_filler { type: "gaussian" }'


def scale_text(extra, two_bottoms=False):
    second = 'bottom: "s" ' if two_bottoms else ""
    return f'name: "sc" type: "Scale" bottom: "x" {second}top: "y" scale_param {{ {extra} }}'


# extra, bottom shape, the operand's shape, the shape broadcasting it against the bottom
ONE_BOTTOM = [
    ("", (2, 3, 4), (3,), (1, 3, 1)),
    ("axis: 0 num_axes: 2", (2, 3, 4), (2, 3), (2, 3, 1)),
    ("axis: -2 num_axes: -1", (2, 3, 2, 2), (2, 2), (1, 1, 2, 2)),
    ("axis: 0 num_axes: -1", (2, 3, 2), (2, 3, 2), (2, 3, 2)),  # element-wise
    ("num_axes: 0", (2, 3, 2), (), (1, 1, 1)),  # one scalar
]


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("extra,shape,pshape,bshape", ONE_BOTTOM)
def test_learned_scale_forward(extra, shape, pshape, bshape, bias):
    rng = np.random.default_rng(0)
    bottom = make_blobs([shape], rng)
    text = scale_text(f"{extra} {GAUSS}" + (" bias_term: true" if bias else ""))
    layer, top = build(text, bottom)
    assert [b.shape for b in layer.blobs] == [pshape] * (2 if bias else 1)
    layer.forward(bottom, top)
    expected = bottom[0].data * layer.blobs[0].data.reshape(bshape)
    if bias:
        expected = expected + layer.blobs[1].data.reshape(bshape)
    np.testing.assert_allclose(top[0].data, expected, rtol=1e-6)


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("extra,shape,pshape,bshape", ONE_BOTTOM)
def test_learned_scale_gradient(extra, shape, pshape, bshape, bias):
    bottom = make_blobs([shape], np.random.default_rng(1))
    layer, top = build(scale_text(f"{extra} {GAUSS}" + (" bias_term: true" if bias else "")), bottom)
    assert check_gradient(layer, bottom, top) > 0


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize(
    "extra,shape,sshape,bshape",
    [
        ("", (2, 3, 2), (3,), (1, 3, 1)),
        ("axis: 0", (2, 3, 2), (2, 3), (2, 3, 1)),
        ("axis: 2", (2, 3, 2), (2,), (1, 1, 2)),
    ],
)
def test_two_bottoms(extra, shape, sshape, bshape, bias):
    rng = np.random.default_rng(2)
    bottom = make_blobs([shape, sshape], rng)
    text = scale_text(extra + (' bias_term: true bias_filler { type: "gaussian" }' if bias else ""), True)
    layer, top = build(text, bottom)
    assert [b.shape for b in layer.blobs] == ([sshape] if bias else [])
    layer.forward(bottom, top)
    expected = bottom[0].data * bottom[1].data.reshape(bshape)
    if bias:
        expected = expected + layer.blobs[0].data.reshape(bshape)
    np.testing.assert_allclose(top[0].data, expected, rtol=1e-6)
    assert check_gradient(layer, bottom, top) > 0


def test_default_fillers_give_the_identity():
    bottom = make_blobs([(2, 3)], np.random.default_rng(3))
    layer, top = build(scale_text("bias_term: true"), bottom)
    np.testing.assert_array_equal(layer.blobs[0].data, 1)
    np.testing.assert_array_equal(layer.blobs[1].data, 0)
    layer.forward(bottom, top)
    np.testing.assert_array_equal(top[0].data, bottom[0].data)


def test_parameter_gradients_accumulate_and_second_bottom_is_overwritten():
    rng = np.random.default_rng(4)
    bottom = make_blobs([(2, 3, 2)], rng)
    layer, top = build(scale_text("bias_term: true"), bottom)
    layer.forward(bottom, top)
    top[0].diff[...] = rng.uniform(-1, 1, top[0].shape)
    for b in layer.blobs:
        b.diff[...] = 1.0
    layer.backward(top, [True], bottom)
    dy, x = top[0].diff, bottom[0].data
    np.testing.assert_allclose(layer.blobs[0].diff, 1 + (dy * x).sum(axis=(0, 2)))
    np.testing.assert_allclose(layer.blobs[1].diff, 1 + dy.sum(axis=(0, 2)))

    bottom = make_blobs([(2, 3, 2), (3,)], rng)
    layer, top = build(scale_text("", True), bottom)
    layer.forward(bottom, top)
    top[0].diff[...] = 1
    bottom[1].diff[...] = 7.0
    layer.backward(top, [True, True], bottom)
    np.testing.assert_allclose(bottom[1].diff, bottom[0].data.sum(axis=(0, 2)))


@pytest.mark.parametrize("two_bottoms", [False, True])
def test_in_place(two_bottoms):
    rng = np.random.default_rng(5)
    x, dy = rng.uniform(-1, 1, (2, 3, 2)), rng.uniform(-1, 1, (2, 3, 2))
    s = rng.uniform(-1, 1, (3,))
    results = []
    for in_place in (False, True):
        b = Blob(x.shape, dtype=np.float64)
        b.data[...] = x
        bottom = [b]
        if two_bottoms:
            bottom.append(Blob((3,), dtype=np.float64))
            bottom[1].data[...] = s
        layer, top = build(scale_text("bias_term: true", two_bottoms), bottom)
        if in_place:
            top = [b]
            layer.setup(bottom, top)
        if not two_bottoms:
            layer.blobs[0].data[...] = s
        layer.forward(bottom, top)
        y = top[0].data.copy()
        top[0].diff[...] = dy
        layer.backward(top, [True] * len(bottom), bottom)
        results.append([y, b.diff.copy()] + [p.diff.copy() for p in layer.blobs] + [c.diff.copy() for c in bottom[1:]])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_channels_last_bottom():
    rng = np.random.default_rng(6)
    x = rng.uniform(-1, 1, (2, 3, 2, 2))
    b = Blob(x.shape, channels_last=True, dtype=np.float64)
    b.data[...] = x
    layer, top = build(scale_text(GAUSS + " bias_term: true"), [b])
    layer.forward([b], top)
    s, c = layer.blobs[0].data.reshape(1, 3, 1, 1), layer.blobs[1].data.reshape(1, 3, 1, 1)
    np.testing.assert_allclose(top[0].data, x * s + c, rtol=1e-6)
    assert check_gradient(layer, [b], top) > 0


@pytest.mark.parametrize(
    "extra,shapes,match",
    [
        ("num_axes: -2", [(2, 3)], "num_axes must be non-negative, or -1"),
        ("axis: 1 num_axes: 2", [(2, 3)], "extends past bottom"),
        ("axis: 2", [(2, 3)], "invalid axis"),
        ("", [(2, 3, 4), (4,)], r"dimension mismatch between bottom\[0\]->shape\(1\) = 3 and scale->shape\(0\) = 4"),
        ("axis: 1", [(2, 3), (3, 2)], "extends past bottom"),
    ],
)
def test_errors(extra, shapes, match):
    bottom = make_blobs(shapes, np.random.default_rng(7))
    with pytest.raises(ConfigError, match=match):
        build(scale_text(extra, len(shapes) == 2), bottom)
