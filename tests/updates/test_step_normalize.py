import numpy as np

from sgdtrain.updates import normalize


def test_iter_size_one_leaves_the_diff_alone():
    diff = np.array([3.0, -1.0], np.float32)
    normalize(diff, 1)
    assert diff.tolist() == [3.0, -1.0]


def test_divides_by_iter_size_through_a_float32_reciprocal():
    diff = np.array([4.0, -2.0, 0.1], np.float32)
    normalize(diff, 2)
    assert diff.tolist() == np.array([2.0, -1.0, 0.05], np.float32).tolist()
    third = np.array([0.7], np.float32)
    normalize(third, 3)  # Caffe multiplies by float(1/3), it does not divide by 3
    assert third[0] == np.float32(0.7) * (np.float32(1) / np.float32(3))
    assert third.dtype == np.float32
