import numpy as np
import pytest
from lr_helpers import solver

from sgdtrain.errors import ConfigError
from sgdtrain.schedules import POLICIES, known_policies, learning_rate


def test_registry_holds_caffes_seven_policies_in_caffes_order_then_sgdtrains():
    assert known_policies() == ("fixed", "step", "exp", "inv", "multistep", "poly", "sigmoid", "cosine", "plateau")
    assert tuple(POLICIES) == known_policies()
    assert all(fn.__doc__ and "rate" in fn.__doc__ for fn in POLICIES.values())  # each shows its formula


@pytest.mark.parametrize("policy", ["fixed", "step", "exp", "inv", "multistep", "poly", "sigmoid"])
def test_every_policy_returns_a_float32_triple(policy):
    p = solver(lr_policy=policy, base_lr=0.01, gamma=0.1, power=0.75, stepsize=10, stepvalue=[5], max_iter=100)
    rate, step, message = learning_rate(p, 7, 0)
    assert type(rate) is np.float32 and isinstance(step, int)
    assert message == ("MultiStep Status: Iteration 7, step = 1" if policy == "multistep" else None)


def test_unknown_or_unset_policy_fails_at_the_update_like_caffe():
    with pytest.raises(ConfigError, match='Unknown learning rate policy: Inv') as e:
        learning_rate(solver(lr_policy="Inv", base_lr=0.01), 0, 0)
    assert e.value.exit_code == 2
    with pytest.raises(ConfigError, match="`lr_policy` is not set"):
        learning_rate(solver(base_lr=0.01), 0, 0)


def test_learning_rate_makes_caffe_masters_own_checks():
    with pytest.raises(ConfigError, match=r"Check failed: this->param_.stepsize\(\) > 0 \(0 vs. 0\)"):
        learning_rate(solver(lr_policy="step", base_lr=0.01, gamma=0.1), 0, 0)
    with pytest.raises(ConfigError, match=r"this->param_.gamma\(\) >= 0 \(-0.05 vs. 0\)"):
        learning_rate(solver(lr_policy="sigmoid", base_lr=0.01, gamma=-0.05, stepsize=10), 0, 0)


def test_learning_rate_keeps_caffes_lenient_cases():
    # Caffe's GetLearningRate does not refuse multistep without stepvalues: it stays at base_lr.
    rate, step, message = learning_rate(solver(lr_policy="multistep", base_lr=0.01, gamma=0.1), 100, 0)
    assert (float(rate), step, message) == (pytest.approx(0.01), 0, None)
