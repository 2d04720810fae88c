import numpy as np
import pytest

from sgdtrain.errors import ConfigError
from sgdtrain.updates import regularize

W = np.array([2.0, -3.0, 0.0], np.float32)


def diff():
    return np.ones(3, np.float32)


def test_l2_adds_decay_times_weights():
    d = diff()
    regularize(d, W, 0.5, "L2")  # 1 + 0.5·[2, -3, 0]
    assert d.tolist() == [2.0, -0.5, 1.0]


def test_l1_adds_decay_times_sign_with_sign_zero_zero():
    d = diff()
    regularize(d, W, 0.5, "L1")  # 1 + 0.5·[1, -1, 0]
    assert d.tolist() == [1.5, 0.5, 1.0]


def test_zero_decay_does_nothing_even_with_an_unknown_type():
    d = diff()
    regularize(d, W, 0.0, "L3")
    assert d.tolist() == [1.0, 1.0, 1.0]


def test_unknown_type_with_decay_is_a_config_error():
    with pytest.raises(ConfigError, match=r"Unknown regularization type: l2") as e:
        regularize(diff(), W, 0.1, "l2")
    assert e.value.exit_code == 2 and e.value.where.field == "regularization_type"
    assert "L2" in e.value.fix
