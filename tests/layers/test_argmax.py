import numpy as np
import pytest
from gradcheck import make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

ARGMAX = 'name: "am" type: "ArgMax" bottom: "x" top: "y" argmax_param {{ {extra} }}'


def ranked(values):
    """Caffe's order: (value, index) pairs sorted with std::greater."""
    return sorted(((v, j) for j, v in enumerate(values)), reverse=True)


def reference_flat(x, k, out_max_val):
    n = x.shape[0]
    rows = x.reshape(n, -1)
    out = np.zeros((n, 2 if out_max_val else 1, k))
    for i in range(n):
        best = ranked(rows[i])[:k]
        out[i, 0] = [j for _, j in best]
        if out_max_val:
            out[i, 1] = [v for v, _ in best]
    return out


def reference_axis(x, axis, k, out_max_val):
    moved = np.moveaxis(x, axis, -1)
    out = np.zeros(moved.shape[:-1] + (k,))
    for idx in np.ndindex(moved.shape[:-1]):
        best = ranked(moved[idx])[:k]
        out[idx] = [v for v, _ in best] if out_max_val else [j for _, j in best]
    return np.moveaxis(out, -1, axis)


def tied_blob(shape, seed):
    # few distinct values so that ties are common
    b = Blob(shape, dtype=np.float64)
    b.data[...] = np.random.default_rng(seed).integers(0, 3, size=shape)
    return b


@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 2, 2), (2, 4, 3)])
@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("out_max_val", [False, True])
def test_flattened(shape, k, out_max_val):
    b = tied_blob(shape, 0)
    layer, top = build(ARGMAX.format(extra=f"top_k: {k} out_max_val: {str(out_max_val).lower()}"), [b])
    expected = reference_flat(b.data, k, out_max_val)
    assert top[0].shape == (shape[0], expected.shape[1], k) + (1,) * (len(shape) - 3)
    layer.forward([b], top)
    np.testing.assert_array_equal(top[0].data.reshape(expected.shape), expected)


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize("out_max_val", [False, True])
def test_along_an_axis(axis, k, out_max_val):
    b = tied_blob((3, 4, 2), 1)
    layer, top = build(ARGMAX.format(extra=f"axis: {axis} top_k: {k} out_max_val: {str(out_max_val).lower()}"), [b])
    expected = reference_axis(b.data, axis, k, out_max_val)
    assert top[0].shape == expected.shape
    layer.forward([b], top)
    np.testing.assert_array_equal(top[0].data, expected)


def test_ties_list_the_higher_index_first():
    b = Blob((1, 4), dtype=np.float64)
    b.data[...] = [5.0, 1.0, 5.0, 5.0]
    layer, top = build(ARGMAX.format(extra="top_k: 3"), [b])
    layer.forward([b], top)
    np.testing.assert_array_equal(top[0].data.ravel(), [3, 2, 0])


def test_no_backward():
    bottom = make_blobs([(2, 3)], np.random.default_rng(2))
    layer, _ = build(ARGMAX.format(extra=""), bottom)
    assert not layer.has_backward


@pytest.mark.parametrize(
    "extra,match",
    [
        ("top_k: 0", "top k must not be less than 1"),
        ("top_k: 7", "flattened bottom blob per instance"),
        ("axis: 1 top_k: 4", "dimension of the axis"),
        ("axis: 3", "invalid axis"),
    ],
)
def test_errors(extra, match):
    bottom = make_blobs([(2, 3, 2)], np.random.default_rng(3))
    with pytest.raises(ConfigError, match=match):
        build(ARGMAX.format(extra=extra), bottom)
