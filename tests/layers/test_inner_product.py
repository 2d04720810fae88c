import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

IP = ('name: "ip" type: "InnerProduct" bottom: "x" top: "y" inner_product_param { num_output: 3 %s '
      'weight_filler { type: "gaussian" } bias_filler { type: "gaussian" } }')


@pytest.mark.parametrize("extra", ["", "transpose: true", "bias_term: false", "axis: 2"])
def test_inner_product_gradient(extra):
    rng = np.random.default_rng(3)
    bottom = make_blobs([(2, 3, 2, 2)], rng)
    layer, top = build(IP % extra, bottom)
    assert check_gradient(layer, bottom, top) > 0


def test_inner_product_forward_matches_formula():
    rng = np.random.default_rng(4)
    bottom = make_blobs([(4, 2, 3)], rng)
    layer, top = build(IP % "", bottom)
    w, b = layer.blobs[0].data, layer.blobs[1].data
    layer.forward(bottom, top)
    expected = bottom[0].data.reshape(4, 6) @ w.T.astype(np.float64) + b
    np.testing.assert_allclose(top[0].data, expected, rtol=1e-6)
    assert top[0].shape == (4, 3)


def test_inner_product_transpose_stores_k_by_n():
    bottom = make_blobs([(2, 5)], np.random.default_rng(0))
    layer, _ = build(IP % "transpose: true", bottom)
    assert layer.blobs[0].shape == (5, 3)


def test_no_weight_filler_means_zero_weights():
    bottom = make_blobs([(2, 5)], np.random.default_rng(0))
    layer, _ = build('name: "ip" type: "InnerProduct" bottom: "x" top: "y" '
                     'inner_product_param { num_output: 4 }', bottom)
    assert not layer.blobs[0].data.any() and not layer.blobs[1].data.any()
