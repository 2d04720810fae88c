import numpy as np
import pytest
from gradcheck import check_gradient, make_blobs
from layer_helpers import build

from sgdtrain.errors import ConfigError

CL = 'name: "loss" type: "ContrastiveLoss" bottom: "a" bottom: "b" bottom: "y" top: "loss" ' \
     'contrastive_loss_param {{ {extra} }}'


def reference(a, b, y, margin, legacy):
    """Per-pair loops over Caffe's definition."""
    n = a.shape[0]
    total, grad_a = 0.0, np.zeros((n, a[0].size))
    for i in range(n):
        d = (a[i] - b[i]).ravel()
        dsq = d @ d
        if int(y[i]):
            total += dsq
            grad_a[i] = d / n
        elif legacy:
            total += max(margin - dsq, 0.0)
            grad_a[i] = -d / n if margin - dsq > 0 else 0
        else:
            dist = np.sqrt(dsq)
            total += max(margin - dist, 0.0) ** 2
            grad_a[i] = -(margin - dist) / (dist + 1e-4) * d / n if margin - dist > 0 else 0
    return total / n / 2, grad_a


def make(n, c, seed, spatial=True):
    rng = np.random.default_rng(seed)
    shapes = [(n, c, 1, 1), (n, c, 1, 1), (n, 1, 1, 1)] if spatial else [(n, c), (n, c), (n,)]
    bottom = make_blobs(shapes, rng)
    bottom[2].data[...] = rng.integers(0, 2, size=shapes[2])
    return bottom


@pytest.mark.parametrize("legacy", [False, True])
@pytest.mark.parametrize("margin", [1.0, 2.0])
def test_forward_and_backward_match_caffe_loops(legacy, margin):
    bottom = make(8, 3, 0)
    extra = f"margin: {margin} legacy_version: {str(legacy).lower()}"
    layer, top = build(CL.format(extra=extra), bottom)
    layer.forward(bottom, top)
    loss, grad_a = reference(bottom[0].data, bottom[1].data, bottom[2].data.ravel(), margin, legacy)
    assert top[0].shape == ()
    assert top[0].data == pytest.approx(loss, rel=1e-12)
    top[0].diff[...] = 1.5
    layer.backward(top, [True, True, False], bottom)
    np.testing.assert_allclose(bottom[0].diff.reshape(8, 3), 1.5 * grad_a, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(bottom[1].diff, -bottom[0].diff, rtol=1e-12)


def test_labels_are_truncated_to_int():
    bottom = make(3, 2, 1, spatial=False)
    bottom[2].data[...] = [0.7, 2.0, -0.5]  # 0 (dissimilar), 2 (similar), 0 (dissimilar)
    layer, top = build(CL.format(extra="margin: 5"), bottom)
    layer.forward(bottom, top)
    loss, _ = reference(bottom[0].data, bottom[1].data, [0, 1, 0], 5.0, False)
    assert top[0].data == pytest.approx(loss)


@pytest.mark.parametrize("legacy", [False, True])
@pytest.mark.parametrize("spatial", [False, True])
def test_gradient(legacy, spatial):
    bottom = make(6, 4, 2, spatial)
    margin = 4.0 if legacy else 2.0  # one dissimilar pair inside the margin, one outside
    d = (bottom[0].data - bottom[1].data).reshape(6, -1)
    dsq = (d * d).sum(axis=1)
    # keep away from the hinge, where the loss is not differentiable
    assert np.abs(margin - (dsq if legacy else np.sqrt(dsq))).min() > 1e-2
    layer, top = build(CL.format(extra=f"margin: {margin} legacy_version: {str(legacy).lower()}"), bottom)
    # Caffe's (d + 1e-4) in beta makes the gradient differ from the exact one by ~1e-4 relative.
    threshold = 1e-6 if legacy else 1e-3
    assert check_gradient(layer, bottom, top, check_bottom=[0, 1], threshold=threshold) > 0


def test_labels_get_no_gradient():
    bottom = make(2, 2, 3)
    layer, _ = build(CL.format(extra=""), bottom)
    assert layer.allow_force_backward(0) and layer.allow_force_backward(1)
    assert not layer.allow_force_backward(2)


@pytest.mark.parametrize(
    "shapes,match",
    [
        ([(2, 3, 1, 1), (2, 4, 1, 1), (2, 1, 1, 1)], "equal channels"),
        ([(2, 3, 2, 1), (2, 3, 2, 1), (2, 1, 1, 1)], "N x C x 1 x 1"),
        ([(2, 3), (3, 3), (2,)], "same first dimension"),
        ([(2, 3), (2, 3), (2, 2)], "one similarity label per pair"),
        ([(2, 3), (2, 3), (3,)], "one similarity label per pair"),
    ],
)
def test_shape_errors(shapes, match):
    bottom = make_blobs(shapes, np.random.default_rng(0))
    with pytest.raises(ConfigError, match=match):
        build(CL.format(extra=""), bottom)
