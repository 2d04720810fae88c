import math

import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError, DataError

LOSS = 'name: "loss" type: "SoftmaxWithLoss" bottom: "x" bottom: "label" top: "loss" {extra}'
LOSS2 = 'name: "loss" type: "SoftmaxWithLoss" bottom: "x" bottom: "label" top: "loss" top: "prob" {extra}'


def blob(a, dtype=np.float64):
    a = np.asarray(a, dtype=dtype)
    b = Blob(a.shape, dtype=dtype)
    b.data[...] = a
    return b


# A (2, 3, 2) input whose softmax is known: the logits are log-probabilities.
# Positions (outer, inner): (0,0) p=[.5,.25,.25] label 0; (0,1) p=[.1,.2,.7] label 2;
# (1,0) p=[.2,.2,.6] label 1; (1,1) p=[.3,.3,.4] label 255 (ignored when ignore_label: 255).
P = np.array([[[0.5, 0.1], [0.25, 0.2], [0.25, 0.7]], [[0.2, 0.3], [0.2, 0.3], [0.6, 0.4]]])
LABELS = [[0, 2], [1, 255]]
L3 = -(math.log(0.5) + math.log(0.7) + math.log(0.2))  # the three valid positions


def hand_case(extra):
    x, lab = blob(np.log(P)), blob(LABELS)
    layer, top = build(LOSS.format(extra=extra), [x, lab])
    layer.forward([x, lab], top)
    return layer, x, lab, top


@pytest.mark.parametrize("mode,normalizer", [("FULL", 4), ("VALID", 3), ("BATCH_SIZE", 2), ("NONE", 1)])
def test_normalization_modes_with_ignore_label(mode, normalizer):
    layer, x, lab, (t,) = hand_case(f"loss_param {{ ignore_label: 255 normalization: {mode} }}")
    assert t.shape == ()
    assert t.data[()] == pytest.approx(L3 / normalizer, rel=1e-14)
    t.diff[...] = 1.0
    layer.backward([t], [True, False], [x, lab])
    expected = P.copy()
    expected[0, 0, 0] -= 1
    expected[0, 2, 1] -= 1
    expected[1, 1, 0] -= 1
    expected[1, :, 1] = 0  # ignored position
    np.testing.assert_allclose(x.diff, expected / normalizer, rtol=1e-14, atol=1e-16)


def test_default_is_valid_and_without_ignore_every_position_counts():
    p = np.array([[0.5, 0.25, 0.25], [0.1, 0.2, 0.7]])
    x, lab = blob(np.log(p)), blob([1, 2])
    layer, (t,) = build(LOSS.format(extra=""), [x, lab])
    layer.forward([x, lab], [t])
    assert t.data[()] == pytest.approx(-(math.log(0.25) + math.log(0.7)) / 2, rel=1e-14)
    assert layer.loss_weights == [1.0]


@pytest.mark.parametrize("extra,normalizer", [
    ("loss_param { ignore_label: 255 normalize: false }", 2),             # BATCH_SIZE
    ("loss_param { ignore_label: 255 normalize: true }", 3),              # VALID
    ("loss_param { ignore_label: 255 normalize: false normalization: FULL }", 4),  # normalization wins
    ("loss_param { ignore_label: 255 normalize: true normalization: NONE }", 1),
])
def test_deprecated_normalize_only_without_normalization(extra, normalizer):
    _, _, _, (t,) = hand_case(extra)
    assert t.data[()] == pytest.approx(L3 / normalizer, rel=1e-14)


def test_loss_weight_is_read_from_the_top_diff():
    layer, x, lab, (t,) = hand_case("loss_param { ignore_label: 255 }")
    t.diff[...] = 1.0
    layer.backward([t], [True, False], [x, lab])
    g1 = x.diff.copy()
    t.diff[...] = 2.5
    layer.backward([t], [True, False], [x, lab])  # overwrites, not accumulates
    np.testing.assert_allclose(x.diff, 2.5 * g1, rtol=1e-15)


def test_all_ignored_gives_zero_not_nan():
    x, lab = blob(np.zeros((3, 4))), blob([7, 7, 7])
    layer, (t,) = build(LOSS.format(extra="loss_param { ignore_label: 7 }"), [x, lab])
    layer.forward([x, lab], [t])
    assert t.data[()] == 0.0
    t.diff[...] = 1.0
    layer.backward([t], [True, False], [x, lab])
    assert not x.diff.any()


def test_labels_are_truncated():
    p = np.array([[0.5, 0.25, 0.25], [0.1, 0.2, 0.7]])
    x, lab = blob(np.log(p)), blob([1.9, -0.5])  # int(): 1 and 0
    layer, (t,) = build(LOSS.format(extra="loss_param { normalization: NONE }"), [x, lab])
    layer.forward([x, lab], [t])
    assert t.data[()] == pytest.approx(-(math.log(0.25) + math.log(0.1)), rel=1e-14)


def test_probability_is_clamped_at_flt_min():
    x, lab = blob([[0.0, -200.0]], np.float32), blob([1], np.float32)  # exp(-200) underflows float32 to 0
    layer, (t,) = build(LOSS.format(extra=""), [x, lab])
    layer.forward([x, lab], [t])
    assert t.data.dtype == np.float32
    assert t.data[()] == -np.log(np.finfo(np.float32).tiny)
    assert t.data[()] == pytest.approx(87.33654, rel=1e-6)


def test_float32_loss_is_summed_sequentially():
    rng = np.random.default_rng(11)
    x = blob(rng.normal(0, 3, size=(1000, 10)), np.float32)
    lab = blob(rng.integers(0, 10, size=1000), np.float32)
    layer, (t, prob) = build(LOSS2.format(extra=""), [x, lab])
    layer.forward([x, lab], [t, prob])
    p = prob.data[np.arange(1000), lab.data.astype(int)]
    loss = np.float32(0)
    for v in p:  # Caffe's loop: loss -= log(max(p, FLT_MIN)) in float
        loss = np.float32(loss - np.log(np.maximum(v, np.float32(np.finfo(np.float32).tiny))))
    assert t.data[()] == loss / np.float32(1000)
    x64 = x.data.astype(np.float64)
    lse = np.log(np.exp(x64).sum(axis=1))
    exact = np.mean(lse - x64[np.arange(1000), lab.data.astype(int)])
    assert t.data[()] == pytest.approx(exact, rel=1e-5)


def test_second_top_holds_the_probabilities():
    x, lab = blob(np.log(P)), blob(LABELS)
    layer, (t, prob) = build(LOSS2.format(extra="loss_param { ignore_label: 255 }"), [x, lab])
    assert prob.shape == P.shape
    assert layer.loss_weights == [1.0, 0.0]
    layer.forward([x, lab], [t, prob])
    np.testing.assert_allclose(prob.data, P, rtol=1e-14)


def test_labels_get_no_gradient():
    layer, x, lab, (t,) = hand_case("loss_param { ignore_label: 255 }")
    assert not layer.allow_force_backward(1) and layer.allow_force_backward(0)
    with pytest.raises(ConfigError, match="SoftmaxWithLoss Layer cannot backpropagate to label inputs"):
        layer.backward([t], [True, True], [x, lab])


@pytest.mark.parametrize("shape,axis,extra", [
    ((4, 5), 1, ""),
    ((2, 3, 2, 2), 1, "loss_param { ignore_label: 0 }"),
    ((2, 3, 2, 2), 1, "loss_param { ignore_label: 1 normalization: FULL }"),
    ((2, 3, 4), -1, "loss_param { normalization: BATCH_SIZE }"),
    ((2, 2, 3, 2), 2, "loss_param { normalization: NONE }"),
])
def test_softmax_loss_gradient(shape, axis, extra):
    rng = np.random.default_rng(5)
    (x,) = make_blobs([shape], rng, -2, 2)
    positions = [d for i, d in enumerate(shape) if i != axis % len(shape)]
    labels = rng.integers(0, shape[axis], size=positions)
    lab = blob(labels)
    layer, top = build(LOSS.format(extra=f"softmax_param {{ axis: {axis} }} " + extra), [x, lab])
    assert check_gradient(layer, [x, lab], top, check_bottom=[0]) > 0


def test_first_dimension_must_match():
    x, lab = blob(np.zeros((4, 3))), blob(np.zeros(5))
    with pytest.raises(ConfigError, match="same first dimension"):
        build(LOSS.format(extra=""), [x, lab])


def test_label_count_must_match():
    x, lab = blob(np.zeros((2, 3, 2))), blob(np.zeros((2, 3)))
    with pytest.raises(ConfigError, match=r"gets 6 labels for 4 predictions"):
        build(LOSS.format(extra=""), [x, lab])


def test_label_out_of_range_is_a_data_error():
    x, lab = blob(np.zeros((2, 3))), blob([1, 3])
    layer, top = build(LOSS.format(extra=""), [x, lab])
    with pytest.raises(DataError, match=r"got label 3, outside 0..2"):
        layer.forward([x, lab], top)
