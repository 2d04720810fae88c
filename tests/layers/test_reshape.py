import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

RESHAPE = 'name: "r" type: "Reshape" bottom: "x" top: "{top}" reshape_param {{ {param} }}'


def shape_param(dims, extra=""):
    return "shape { " + " ".join(f"dim: {d}" for d in dims) + " } " + extra


# Caffe's test_reshape_layer.cpp cases, on a (2, 3, 6, 5) bottom.
@pytest.mark.parametrize("dims,extra,shape", [
    ((0, -1, 1, 1), "", (2, 90, 1, 1)),                       # TestFlattenOutputSizes
    ((6, 0, 15), "", None),                                   # 0 copies dim 1 (3): 6 * 3 * 15 = 270 -> error below
    ((1, 1, 1), "axis: 0 num_axes: 0", (1, 1, 1, 2, 3, 6, 5)),  # TestInsertSingletonAxesStart
    ((1, 1, 1), "axis: 2 num_axes: 0", (2, 3, 1, 1, 1, 6, 5)),  # ...Middle
    ((1, 1, 1), "axis: -1 num_axes: 0", (2, 3, 6, 5, 1, 1, 1)),  # ...End
    ((-1,), "axis: 1 num_axes: 2", (2, 18, 5)),              # TestFlattenMiddle
    ((0, 0, 0, 0), "", (2, 3, 6, 5)),                         # TestCopyDimensions
    ((0, 3, 10, -1), "", (2, 3, 10, 3)),                      # TestInferenceOfUnspecified
    ((3, 10, -1), "axis: 1", (2, 3, 10, 3)),                  # ...WithStartAxis
    ((0, 2, -1), "axis: 1", (2, 3, 2, 15)),                   # a 0 after a start axis copies from there
    ((-1, 1), "axis: -2", (2, 3, 6, 5, 1)),                  # axis -2 starts at the last axis
])
def test_reshape_shapes(dims, extra, shape):
    bottom = make_blobs([(2, 3, 6, 5)], np.random.default_rng(0))
    text = RESHAPE.format(top="y", param=shape_param(dims, extra))
    if shape is None:
        with pytest.raises(ConfigError, match="output count must match input count"):
            build(text, bottom)
        return
    layer, (t,) = build(text, bottom)
    assert t.shape == shape
    layer.forward(bottom, [t])
    np.testing.assert_array_equal(t.data, bottom[0].data.reshape(shape))


def test_reshape_gradient():
    bottom = make_blobs([(2, 3, 2)], np.random.default_rng(1))
    layer, top = build(RESHAPE.format(top="y", param=shape_param((0, -1))), bottom)
    assert top[0].shape == (2, 6)
    assert check_gradient(layer, bottom, top) > 0


def test_channels_last_bottom():
    b = Blob((2, 3, 2, 2), channels_last=True, dtype=np.float64)
    b.data[...] = np.arange(24).reshape(2, 3, 2, 2)
    layer, (t,) = build(RESHAPE.format(top="y", param=shape_param((-1, 4))), [b])
    layer.forward([b], [t])
    np.testing.assert_array_equal(t.data, np.arange(24).reshape(6, 4))
    t.diff[...] = np.arange(24).reshape(6, 4) * 2
    layer.backward([t], [True], [b])
    np.testing.assert_array_equal(b.diff, np.arange(24).reshape(2, 3, 2, 2) * 2)


@pytest.mark.parametrize("param,message", [
    (shape_param((-1, -1)), "multiple -1 dims"),
    (shape_param((2, -2)), "dims must be >= 0, or -1"),
    (shape_param((0, 0, 0, 0, 0)), "no corresponding bottom axis to copy"),
    (shape_param((1, 0), "axis: 3"), "no corresponding bottom axis to copy"),
    (shape_param((7, -1)), r"bottom count \(24\) must be divisible by the product of the specified dimensions \(7\)"),
    (shape_param((5, 5)), "output count must match input count"),
    (shape_param((1,), "axis: 5"), "axis 5, out of range for a 4-D input blob"),
    (shape_param((1,), "axis: -6"), "axis -6, out of range"),
    (shape_param((1,), "num_axes: -2"), "num_axes must be >= 0, or -1 for all"),
    (shape_param((1,), "axis: 2 num_axes: 3"), "end_axis = axis \\+ num_axes is out of range"),
])
def test_reshape_errors(param, message):
    bottom = make_blobs([(2, 3, 2, 2)], np.random.default_rng(0))
    with pytest.raises(ConfigError, match=message):
        build(RESHAPE.format(top="y", param=param), bottom)


def test_in_place_is_refused():
    (b,) = make_blobs([(2, 3)], np.random.default_rng(0))
    with pytest.raises(ConfigError, match="does not allow in-place computation"):
        layer, _ = build(RESHAPE.format(top="y", param=shape_param((-1,))), [b])
        layer.setup([b], [b])
