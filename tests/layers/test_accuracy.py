import numpy as np
import pytest
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError

ACC = 'name: "acc" type: "Accuracy" bottom: "x" bottom: "label" top: "accuracy" {extra}'
ACC2 = 'name: "acc" type: "Accuracy" bottom: "x" bottom: "label" top: "accuracy" top: "per_class" {extra}'


def blob(a, dtype=np.float64):
    a = np.asarray(a, dtype=dtype)
    b = Blob(a.shape, dtype=dtype)
    b.data[...] = a
    return b


def accuracy(scores, labels, extra="", two_tops=False, dtype=np.float64):
    x, lab = blob(scores, dtype), blob(labels, dtype)
    layer, top = build((ACC2 if two_tops else ACC).format(extra=extra), [x, lab])
    layer.forward([x, lab], top)
    return layer, top


def caffe_master_accuracy(x, labels, axis, top_k, ignore):
    """accuracy_layer.cpp (master) Forward_cpu, transcribed loop for loop: the oracle."""
    outer = int(np.prod(x.shape[:axis]))
    inner = int(np.prod(x.shape[axis + 1:]))
    c = x.shape[axis]
    data = x.reshape(outer, c, inner)
    lab = labels.reshape(-1)
    acc, count = 0, 0
    hits, seen = np.zeros(c), np.zeros(c)
    for i in range(outer):
        for j in range(inner):
            v = int(lab[i * inner + j])
            if ignore is not None and v == ignore:
                continue
            seen[v] += 1
            true = data[i, v, j]
            better = -1
            k = 0
            while k < c and better < top_k:
                better += data[i, k, j] >= true
                k += 1
            if better < top_k:
                acc += 1
                hits[v] += 1
            count += 1
    per_class = np.where(seen > 0, hits / np.maximum(seen, 1), 0)
    return (acc / count if count else 0.0), per_class


def test_a_tie_with_another_class_is_wrong_for_top_1():
    _, (t,) = accuracy([[1, 3, 3, 0]], [1])
    assert t.shape == () and t.data[()] == 0.0
    _, (t,) = accuracy([[1, 3, 3, 0]], [2])  # the tie is wrong whichever of the two is the label
    assert t.data[()] == 0.0
    _, (t,) = accuracy([[1, 3, 2, 0]], [1])
    assert t.data[()] == 1.0


def test_a_tie_is_right_for_top_2():
    _, (t,) = accuracy([[1, 3, 3, 0]], [1], "accuracy_param { top_k: 2 }")
    assert t.data[()] == 1.0
    _, (t,) = accuracy([[3, 3, 3, 0]], [1], "accuracy_param { top_k: 2 }")  # two others tie: wrong
    assert t.data[()] == 0.0


def test_hand_worked_batch_with_ignore_label_and_per_class():
    scores = [[0.1, 0.7, 0.2],   # label 1: right
              [0.5, 0.4, 0.1],   # label 1: wrong (second)
              [0.2, 0.2, 0.6],   # label 2: right
              [0.3, 0.3, 0.4],   # label 0: wrong; top-2 wrong too (tie for second)
              [0.9, 0.05, 0.05]]  # label -1: ignored
    labels = [1, 1, 2, 0, -1]
    layer, (t, per) = accuracy(scores, labels, "accuracy_param { ignore_label: -1 }", two_tops=True)
    assert t.data[()] == pytest.approx(2 / 4)
    assert per.shape == (3,)
    np.testing.assert_allclose(per.data, [0.0, 0.5, 1.0])
    _, (t, per) = accuracy(scores, labels, "accuracy_param { ignore_label: -1 top_k: 2 }", two_tops=True)
    assert t.data[()] == pytest.approx(3 / 4)
    np.testing.assert_allclose(per.data, [0.0, 1.0, 1.0])


def test_class_with_no_label_has_zero_per_class_accuracy_and_empty_batch_gives_zero():
    _, (t, per) = accuracy([[0.0, 1.0, 0.0]], [1], two_tops=True)
    np.testing.assert_array_equal(per.data, [0.0, 1.0, 0.0])
    _, (t, per) = accuracy([[0.0, 1.0], [1.0, 0.0]], [5, 5], "accuracy_param { ignore_label: 5 }", two_tops=True)
    assert t.data[()] == 0.0 and not per.data.any()


def test_float32_result_is_correct_over_count_in_float():
    rng = np.random.default_rng(3)
    scores = rng.normal(size=(7, 4))
    labels = rng.integers(0, 4, size=7)
    _, (t,) = accuracy(scores, labels, dtype=np.float32)
    n = int((scores.argmax(axis=1) == labels).sum())
    assert t.data.dtype == np.float32 and t.data[()] == np.float32(n) / np.float32(7)


@pytest.mark.parametrize("shape,axis,top_k,ignore", [
    ((20, 5), 1, 1, None),
    ((20, 5), 1, 3, 2),
    ((3, 4, 2, 3), 1, 1, None),
    ((3, 4, 2, 3), 1, 2, 0),
    ((3, 2, 5), -1, 2, None),
    ((2, 3, 4, 2), 2, 1, 3),
])
def test_matches_caffe_master_loop_with_many_ties(shape, axis, top_k, ignore):
    rng = np.random.default_rng(9)
    x = rng.integers(0, 3, size=shape).astype(np.float64)  # few values: plenty of ties
    ax = axis % len(shape)
    labels = rng.integers(0, shape[ax], size=[d for i, d in enumerate(shape) if i != ax])
    extra = f"accuracy_param {{ axis: {axis} top_k: {top_k} " + (f"ignore_label: {ignore} " if ignore is not None
                                                                   else "") + "}"
    layer, (t, per) = accuracy(x, labels, extra, two_tops=True)
    expected, expected_per = caffe_master_accuracy(x, labels, ax, top_k, ignore)
    assert t.data[()] == pytest.approx(expected, rel=1e-15)
    np.testing.assert_allclose(per.data, expected_per, rtol=1e-15)


def test_no_backward_and_no_loss_weight():
    layer, _ = accuracy([[0.0, 1.0]], [1])
    assert not layer.has_backward
    assert layer.loss_weights == [0.0]


def test_top_k_larger_than_classes_is_refused():
    with pytest.raises(ConfigError, match=r"layer 'acc' \(Accuracy\) has top_k 4, but its input has only 3 classes"):
        accuracy([[0.0, 1.0, 2.0]], [1], "accuracy_param { top_k: 4 }")


def test_label_count_must_match():
    with pytest.raises(ConfigError, match="gets 3 labels for 2 predictions"):
        accuracy([[0.0, 1.0], [1.0, 0.0]], [1, 0, 1])
