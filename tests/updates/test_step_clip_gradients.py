import numpy as np
import pytest

from sgdtrain.updates import clip_gradients, clipping_message


def f32(*values):
    return np.array(values, np.float32)


def test_one_global_norm_over_all_params():
    # ‖[3, 0], [4]‖ = 5 > 4: every diff scaled by 0.8
    diffs = [f32(3, 0), f32(4)]
    assert clip_gradients(diffs, 4) == (5.0, pytest.approx(0.8))
    assert [d.tolist() for d in diffs] == [pytest.approx([2.4, 0]), pytest.approx([3.2])]
    assert all(d.dtype == np.float32 for d in diffs)


@pytest.mark.parametrize("clip", [5, 6, -1, -0.5])
def test_no_scaling_at_or_below_the_threshold_or_when_disabled(clip):
    diffs = [f32(3, 0), f32(4)]
    assert clip_gradients(diffs, clip) is None
    assert [d.tolist() for d in diffs] == [[3, 0], [4]]


def test_clip_zero_zeroes_any_nonzero_gradient():
    diffs = [f32(1e-3, 0)]
    assert clip_gradients(diffs, 0) is not None and diffs[0].tolist() == [0, 0]


def test_log_line_is_caffes():
    norm, scale = clip_gradients([f32(3, 0), f32(4)], 4)
    assert clipping_message(norm, 4, scale) == (
        "Gradient clipping: scaling down gradients (L2 norm 5 > 4) by scale factor 0.8")
    # clip_gradients is a float32 proto field: 0.1 prints as 0.1
    norm, scale = clip_gradients([f32(0.3, 0.4)], 0.1)
    assert clipping_message(norm, 0.1, scale) == (
        "Gradient clipping: scaling down gradients (L2 norm 0.5 > 0.1) by scale factor 0.2")
