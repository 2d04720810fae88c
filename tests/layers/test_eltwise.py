import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError


def eltwise_text(n, param=""):
    bottoms = " ".join(f'bottom: "x{i}"' for i in range(n))
    return f'name: "e" type: "Eltwise" {bottoms} top: "y" eltwise_param {{ {param} }}'


def blobs(*arrays):
    out = []
    for a in arrays:
        a = np.asarray(a, dtype=np.float64)
        b = Blob(a.shape, dtype=np.float64)
        b.data[...] = a
        out.append(b)
    return out


def distinct(n, shape, seed):
    """n blobs with all values distinct (MAX's kinks are ties)."""
    values = np.random.default_rng(seed).permutation(n * int(np.prod(shape))) * 0.1 - 1
    return blobs(*values.reshape((n, *shape)))


def test_forward_by_hand():
    a, b, c = [1.0, -2.0, 3.0], [4.0, 5.0, -6.0], [0.5, 0.5, 2.0]
    for param, expected in [
        ("operation: SUM", [5.5, 3.5, -1.0]),
        ("operation: SUM coeff: 1 coeff: -1 coeff: 2", [-2.0, -6.0, 13.0]),
        ("operation: PROD", [2.0, -5.0, -36.0]),
        ("operation: MAX", [4.0, 5.0, 3.0]),
        ("", [5.5, 3.5, -1.0]),  # SUM is the default
    ]:
        bottom = blobs(a, b, c)
        layer, (t,) = build(eltwise_text(3, param), bottom)
        layer.forward(bottom, [t])
        np.testing.assert_array_equal(t.data, expected, err_msg=param)


@pytest.mark.parametrize("n,param", [
    (2, "operation: SUM"),
    (3, "operation: SUM coeff: 0.5 coeff: -2 coeff: 1"),
    (2, "operation: PROD"),
    (3, "operation: PROD"),
    (3, "operation: PROD stable_prod_grad: false"),
])
def test_sum_and_prod_gradient(n, param):
    bottom = make_blobs([(2, 3, 2)] * n, np.random.default_rng(n), 0.5, 1.5)  # away from 0 for y / x
    layer, top = build(eltwise_text(n, param), bottom)
    assert check_gradient(layer, bottom, top) > 0


@pytest.mark.parametrize("n", [2, 3, 4])
def test_max_gradient(n):
    bottom = distinct(n, (2, 3, 2), seed=n)
    layer, top = build(eltwise_text(n, "operation: MAX"), bottom)
    assert check_gradient(layer, bottom, top, step=1e-3) > 0


def max_winner(*values):
    """Which bottom receives the gradient of one element."""
    bottom = blobs(*[[v] for v in values])
    layer, (t,) = build(eltwise_text(len(values), "operation: MAX"), bottom)
    layer.forward(bottom, [t])
    t.diff[...] = 1.0
    layer.backward([t], [True] * len(values), bottom)
    grads = [b.diff[0] for b in bottom]
    assert sorted(grads) == [0.0] * (len(values) - 1) + [1.0]
    return grads.index(1.0)


def test_max_tie_rules_follow_caffes_comparisons():
    assert max_winner(2.0, 2.0) == 1          # bottoms 0 and 1: `a > b ? 0 : 1`
    assert max_winner(2.0, 2.0, 2.0) == 1     # later bottoms need to be strictly greater
    assert max_winner(2.0, 1.0, 2.0) == 0
    assert max_winner(1.0, 2.0, 2.0, 2.0) == 1
    assert max_winner(1.0, 2.0, 3.0, 3.0) == 2


def test_propagate_down_is_respected():
    bottom = blobs([1.0, 2.0], [3.0, 4.0])
    layer, (t,) = build(eltwise_text(2, "operation: PROD"), bottom)
    layer.forward(bottom, [t])
    t.diff[...] = 1.0
    bottom[0].diff[...] = 9.0
    layer.backward([t], [False, True], bottom)
    assert (bottom[0].diff == 9.0).all()
    np.testing.assert_array_equal(bottom[1].diff, [1.0, 2.0])


def test_max_ignores_coeff_as_caffe_does():
    bottom = blobs([1.0, 5.0], [3.0, 4.0])
    layer, (t,) = build(eltwise_text(2, "operation: MAX coeff: 2 coeff: 3"), bottom)
    layer.forward(bottom, [t])
    np.testing.assert_array_equal(t.data, [3.0, 5.0])


def test_channels_last_bottoms_keep_their_layout():
    bottom = [Blob((1, 3, 2, 2), channels_last=True, dtype=np.float64) for _ in range(2)]
    for k, b in enumerate(bottom):
        b.data[...] = np.random.default_rng(k).normal(size=b.shape)
    layer, (t,) = build(eltwise_text(2, "operation: SUM"), bottom)
    assert t.channels_last
    layer.forward(bottom, [t])
    np.testing.assert_allclose(t.data, bottom[0].data + bottom[1].data)


@pytest.mark.parametrize("n,param,message", [
    (2, "operation: SUM coeff: 1", "has 1 coeff values for 2 bottoms; Eltwise Layer takes one coefficient per"),
    (2, "operation: PROD coeff: 1 coeff: 2", "only takes coefficients for summation"),
])
def test_bad_coeff(n, param, message):
    with pytest.raises(ConfigError, match=message):
        build(eltwise_text(n, param), make_blobs([(2, 3)] * n, np.random.default_rng(0)))


def test_shapes_must_match():
    with pytest.raises(ConfigError, match=r"bottom\[0\]: 2 3 \(6\), bottom\[1\]: 3 2 \(6\)"):
        build(eltwise_text(2), make_blobs([(2, 3), (3, 2)], np.random.default_rng(0)))


def test_one_bottom_is_refused():
    with pytest.raises(ConfigError, match="at least 2 bottom"):
        build(eltwise_text(1), make_blobs([(2, 3)], np.random.default_rng(0)))
