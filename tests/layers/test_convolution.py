import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.errors import ConfigError

CONV = ('name: "c" type: "Convolution" bottom: "x" top: "y" convolution_param {{ num_output: {o} {extra} '
        'weight_filler {{ type: "gaussian" std: 0.5 }} bias_filler {{ type: "gaussian" }} }}')


def reference_conv(x, w, b, stride, pad, dil, group):
    """Direct loops over output positions: an independent oracle."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    oh = (h + 2 * pad[0] - (dil[0] * (kh - 1) + 1)) // stride[0] + 1
    ow = (wd + 2 * pad[1] - (dil[1] * (kw - 1) + 1)) // stride[1] + 1
    y = np.zeros((n, o, oh, ow))
    og = o // group
    for oc in range(o):
        g = oc // og
        for yy in range(oh):
            for xx in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg,
                           yy * stride[0]: yy * stride[0] + dil[0] * (kh - 1) + 1: dil[0],
                           xx * stride[1]: xx * stride[1] + dil[1] * (kw - 1) + 1: dil[1]]
                y[:, oc, yy, xx] = (patch * w[oc]).sum(axis=(1, 2, 3)) + (b[oc] if b is not None else 0)
    return y


CASES = [
    ("kernel_size: 3", (1, 1), (0, 0), (1, 1), 1, (2, 3, 6, 5)),
    ("kernel_size: 3 stride: 2 pad: 1", (2, 2), (1, 1), (1, 1), 1, (2, 2, 7, 6)),
    ("kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 1 pad_h: 1 pad_w: 0", (2, 1), (1, 0), (1, 1), 1, (1, 2, 6, 5)),
    ("kernel_size: 3 dilation: 2 pad: 2", (1, 1), (2, 2), (2, 2), 1, (1, 2, 7, 7)),
    ("kernel_size: 2 group: 2", (1, 1), (0, 0), (1, 1), 2, (2, 4, 4, 4)),
    ("kernel_size: 5", (1, 1), (0, 0), (1, 1), 1, (2, 3, 12, 12)),
    ("kernel_size: 3 kernel_size: 2 stride: 1 stride: 2", (1, 2), (0, 0), (1, 1), 1, (1, 2, 5, 7)),
]


@pytest.mark.parametrize("extra,stride,pad,dil,group,shape", CASES)
def test_convolution_forward_matches_direct_loops(extra, stride, pad, dil, group, shape):
    rng = np.random.default_rng(5)
    bottom = make_blobs([shape], rng)
    layer, top = build(CONV.format(o=4, extra=extra), bottom)
    w = layer.blobs[0].data.astype(np.float64)
    b = layer.blobs[1].data.astype(np.float64)
    layer.blobs[0].data, layer.blobs[1].data = w, b
    layer.forward(bottom, top)
    np.testing.assert_allclose(top[0].data, reference_conv(bottom[0].data, w, b, stride, pad, dil, group), rtol=1e-10)


@pytest.mark.parametrize("extra,stride,pad,dil,group,shape", CASES[:5])
def test_convolution_gradient(extra, stride, pad, dil, group, shape):
    rng = np.random.default_rng(6)
    bottom = make_blobs([(1,) + shape[1:]], rng)
    layer, top = build(CONV.format(o=2 * group, extra=extra), bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_convolution_two_bottoms_share_weights():
    rng = np.random.default_rng(7)
    bottom = make_blobs([(1, 2, 4, 4), (1, 2, 4, 4)], rng)
    layer, top = build(CONV.format(o=2, extra="kernel_size: 3").replace('top: "y"', 'top: "y" top: "z" bottom: "x2"'),
                       bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_lenet_shapes():
    rng = np.random.default_rng(0)
    bottom = make_blobs([(64, 1, 28, 28)], rng)
    layer, top = build(CONV.format(o=20, extra="kernel_size: 5 stride: 1"), bottom)
    assert top[0].shape == (64, 20, 24, 24)
    assert layer.blobs[0].shape == (20, 1, 5, 5)


def test_missing_kernel_is_a_clear_error():
    bottom = make_blobs([(1, 1, 4, 4)], np.random.default_rng(0))
    with pytest.raises(ConfigError, match="kernel size"):
        build('name: "c" type: "Convolution" bottom: "x" top: "y" convolution_param { num_output: 2 }', bottom)


def test_group_must_divide_channels():
    bottom = make_blobs([(1, 3, 4, 4)], np.random.default_rng(0))
    with pytest.raises(ConfigError, match="group"):
        build(CONV.format(o=4, extra="kernel_size: 1 group: 2"), bottom)
