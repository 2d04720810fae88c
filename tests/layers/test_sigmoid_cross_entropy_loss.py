import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

SCE = 'name: "loss" type: "SigmoidCrossEntropyLoss" bottom: "x" bottom: "t" top: "loss" {extra}'


def blobs(x, t):
    out = []
    for a in (x, t):
        b = Blob(np.shape(a), dtype=np.float64)
        b.data[...] = a
        out.append(b)
    return out


def reference(x, t, ignore=None):
    """Plain cross-entropy of p = 1 / (1 + e^-x), per element (0 where ignored)."""
    p = 1 / (1 + np.exp(-x))
    terms = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    if ignore is not None:
        terms = np.where(np.trunc(t) == ignore, 0.0, terms)
    return terms


def test_forward_defaults_to_batch_size_normalisation():
    rng = np.random.default_rng(0)
    x, t = rng.uniform(-4, 4, (3, 5)), rng.uniform(0, 1, (3, 5))
    bottom = blobs(x, t)
    layer, top = build(SCE.format(extra=""), bottom)
    assert top[0].shape == ()
    layer.forward(bottom, top)
    assert top[0].data == pytest.approx(reference(x, t).sum() / 3, rel=1e-12)
    assert layer.loss_weights == [1.0]


def test_large_logits_do_not_overflow():
    x = np.array([[800.0, -800.0, 0.0]])
    t = np.array([[1.0, 0.0, 1.0]])
    bottom = blobs(x, t)
    layer, top = build(SCE.format(extra=""), bottom)
    layer.forward(bottom, top)
    assert top[0].data == pytest.approx(np.log(2))


@pytest.mark.parametrize(
    "extra,divisor",
    [
        ("loss_param { normalization: FULL }", lambda valid: 12),
        ("loss_param { normalization: VALID }", lambda valid: valid),
        ("loss_param { normalization: BATCH_SIZE }", lambda valid: 2),
        ("loss_param { normalization: NONE }", lambda valid: 1),
        ("loss_param { normalize: true }", lambda valid: valid),
        ("loss_param { normalize: false }", lambda valid: 2),
        ("loss_param { normalize: true normalization: FULL }", lambda valid: 12),  # normalization wins
    ],
)
def test_normalisation_modes_with_ignore_label(extra, divisor):
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, (2, 6))
    t = (rng.uniform(size=(2, 6)) > 0.5).astype(float)
    t[0, 1] = t[1, 4] = t[1, 5] = -1  # ignored
    extra = extra.replace("loss_param {", "loss_param { ignore_label: -1")
    bottom = blobs(x, t)
    layer, top = build(SCE.format(extra=extra), bottom)
    layer.forward(bottom, top)
    assert top[0].data == pytest.approx(reference(x, t, -1).sum() / divisor(9), rel=1e-12)


def test_ignore_label_compares_the_truncated_target():
    x = np.array([[0.3, -0.2, 1.0]])
    t = np.array([[2.7, 1.0, 0.0]])  # int(2.7) == 2 is ignored
    bottom = blobs(x, t)
    layer, top = build(SCE.format(extra="loss_param { ignore_label: 2 normalization: VALID }"), bottom)
    layer.forward(bottom, top)
    assert top[0].data == pytest.approx(reference(x[:, 1:], t[:, 1:]).sum() / 2)
    top[0].diff[...] = 1
    layer.backward(top, [True, False], bottom)
    assert bottom[0].diff[0, 0] == 0


def test_backward_is_sigmoid_minus_target_scaled():
    rng = np.random.default_rng(2)
    x, t = rng.uniform(-3, 3, (4, 3)), rng.uniform(0, 1, (4, 3))
    bottom = blobs(x, t)
    layer, top = build(SCE.format(extra=""), bottom)
    layer.forward(bottom, top)
    top[0].diff[...] = 2.5  # the loss weight
    layer.backward(top, [True, False], bottom)
    np.testing.assert_allclose(bottom[0].diff, (1 / (1 + np.exp(-x)) - t) * 2.5 / 4, rtol=1e-12)


@pytest.mark.parametrize(
    "shapes,extra",
    [
        ([(2, 3), (2, 3)], ""),
        ([(3, 2, 2, 2), (3, 8)], ""),
        ([(2, 5), (2, 5)], "loss_param { ignore_label: -1 normalization: VALID }"),
        ([(2, 4), (2, 4)], "loss_param { normalization: FULL }"),
    ],
)
def test_gradient(shapes, extra):
    rng = np.random.default_rng(3)
    bottom = make_blobs(shapes, rng, -3, 3)
    bottom[1].data[...] = rng.uniform(0, 1, shapes[1])
    if "ignore_label" in extra:
        bottom[1].data.reshape(-1)[::3] = -1
    layer, top = build(SCE.format(extra=extra), bottom)
    assert check_gradient(layer, bottom, top, check_bottom=[0]) > 0


def test_no_gradient_to_targets():
    bottom = make_blobs([(2, 3), (2, 3)], np.random.default_rng(4))
    layer, top = build(SCE.format(extra=""), bottom)
    assert not layer.allow_force_backward(1) and layer.allow_force_backward(0)
    layer.forward(bottom, top)
    with pytest.raises(ConfigError, match="cannot backpropagate to label inputs"):
        layer.backward(top, [True, True], bottom)


def test_count_mismatch_is_refused():
    bottom = make_blobs([(2, 3), (2, 4)], np.random.default_rng(5))
    with pytest.raises(ConfigError, match="same count"):
        build(SCE.format(extra=""), bottom)
    bottom = make_blobs([(2, 3), (3, 2)], np.random.default_rng(5))
    with pytest.raises(ConfigError, match="same first dimension"):
        build(SCE.format(extra=""), bottom)


def test_float32_stays_float32():
    b = [Blob((2, 3)), Blob((2, 3))]
    b[0].data[...] = 0.5
    layer, top = build(SCE.format(extra=""), b)
    layer.forward(b, top)
    assert top[0].data.dtype == np.float32
    top[0].diff[...] = 1
    layer.backward(top, [True, False], b)
    assert b[0].diff.dtype == np.float32
