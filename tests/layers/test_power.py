import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob

POWER = 'name: "p" type: "Power" bottom: "x" top: "y" power_param {{ power: {p} scale: {a} shift: {b} }}'


def f32(v):
    return float(np.float32(v))


# power, scale, shift, input range (bases kept positive for fractional powers)
CASES = [
    (1.0, 1.0, 0.0, (-1, 1)),
    (1.0, 0.5, -2.0, (-1, 1)),
    (2.0, 1.0, 0.0, (-1, 1)),
    (2.0, 0.5, 2.0, (-1, 1)),
    (3.0, -1.5, 0.0, (-1, 1)),
    (0.37, 0.83, 0.0, (0.2, 1.5)),  # shift 0: dy/dx = power * y / x
    (-1.5, 2.0, 0.0, (0.5, 1.5)),
    (1.7, 0.5, 2.0, (-1, 1)),  # the general case
    (-0.5, -1.0, 3.0, (-1, 1)),
]


@pytest.mark.parametrize("p,a,b,rng_range", CASES)
def test_forward(p, a, b, rng_range):
    bottom = make_blobs([(2, 3, 4)], np.random.default_rng(0), *rng_range)
    layer, top = build(POWER.format(p=p, a=a, b=b), bottom)
    layer.forward(bottom, top)
    np.testing.assert_allclose(top[0].data, (f32(b) + f32(a) * bottom[0].data) ** f32(p), rtol=1e-12)


@pytest.mark.parametrize("p,a,b,rng_range", CASES)
def test_gradient(p, a, b, rng_range):
    bottom = make_blobs([(2, 3, 4)], np.random.default_rng(1), *rng_range)
    layer, top = build(POWER.format(p=p, a=a, b=b), bottom)
    assert check_gradient(layer, bottom, top) > 0


@pytest.mark.parametrize(
    "p,a,b,value",
    [
        (0.0, 1.5, 2.0, 1.0),  # power 0: 1 everywhere
        (0.0, 0.0, 0.0, 1.0),
        (2.0, 0.0, 3.0, 9.0),  # scale 0: shift^power
        (1.0, 0.0, -0.5, -0.5),
    ],
)
def test_input_ignored_when_power_or_scale_is_zero(p, a, b, value):
    bottom = make_blobs([(3, 2)], np.random.default_rng(2))
    layer, top = build(POWER.format(p=p, a=a, b=b), bottom)
    layer.forward(bottom, top)
    np.testing.assert_array_equal(top[0].data, value)
    top[0].diff[...] = 1
    bottom[0].diff[...] = 5
    layer.backward(top, [True], bottom)
    np.testing.assert_array_equal(bottom[0].diff, 0)


def test_shift_zero_at_zero_input_gives_caffes_nan():
    b = Blob((1, 2), dtype=np.float64)
    b.data[...] = [0.0, 2.0]
    layer, top = build(POWER.format(p=3, a=1, b=0), [b])
    layer.forward([b], top)
    top[0].diff[...] = 1
    layer.backward(top, [True], [b])
    assert np.isnan(b.diff[0, 0])  # Caffe divides y by x: 0 / 0
    assert b.diff[0, 1] == pytest.approx(12.0)


def test_float32():
    b = Blob((2,))
    b.data[...] = [1.0, 2.0]
    layer, top = build(POWER.format(p=2, a=0.5, b=1), [b])
    layer.forward([b], top)
    assert top[0].data.dtype == np.float32
    np.testing.assert_allclose(top[0].data, [2.25, 4.0])
