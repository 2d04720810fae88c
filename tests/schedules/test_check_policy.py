import pytest
from lr_helpers import solver

from sgdtrain.errors import ConfigError, Where
from sgdtrain.schedules import check_policy


def where(field):
    return Where("solver.prototxt", 7, field=field)


def rejected(**fields) -> ConfigError:
    with pytest.raises(ConfigError) as e:
        check_policy(solver(**fields), where)
    err = e.value
    assert err.exit_code == 2 and err.fix and str(err).endswith(err.fix.strip())
    return err


@pytest.mark.parametrize("policy", ["step", "sigmoid"])
@pytest.mark.parametrize("stepsize", [0, -3])
def test_stepsize_must_be_positive(policy, stepsize):
    err = rejected(lr_policy=policy, base_lr=0.01, gamma=0.1, stepsize=stepsize)
    assert err.where.field == "stepsize"
    assert f"`stepsize: {stepsize}` is invalid for lr_policy \"{policy}\": stepsize must be > 0" in str(err)
    assert f"Check failed: this->param_.stepsize() > 0 ({stepsize} vs. 0)" in str(err)
    assert str(err).startswith("solver.prototxt:7 (field `stepsize`)")


@pytest.mark.parametrize("policy", ["step", "exp", "inv", "multistep", "sigmoid"])
def test_gamma_must_not_be_negative(policy):
    err = rejected(lr_policy=policy, base_lr=0.01, gamma=-0.5, stepsize=10, stepvalue=[5], power=0.75)
    assert err.where.field == "gamma"
    assert "gamma must be >= 0" in str(err) and "(-0.5 vs. 0)" in str(err)


def test_sigmoid_negative_gamma_names_caffes_check_and_says_it_only_ramps_up():
    err = rejected(lr_policy="sigmoid", base_lr=0.01, gamma=-0.05, stepsize=100)
    assert 'Check failed: this->param_.gamma() >= 0 (-0.05 vs. 0)' in str(err)
    assert "sigmoid can only ramp the rate up" in err.fix


def test_multistep_needs_a_stepvalue():
    err = rejected(lr_policy="multistep", base_lr=0.01, gamma=0.1)
    assert err.where.field == "stepvalue" and "at least one stepvalue" in str(err)


@pytest.mark.parametrize("max_iter", [0, -1])
def test_poly_needs_positive_max_iter(max_iter):
    err = rejected(lr_policy="poly", base_lr=0.01, power=1, max_iter=max_iter)
    assert err.where.field == "max_iter" and "poly needs max_iter > 0" in str(err)


def test_unset_and_unknown_policies_list_the_known_ones():
    for err in (rejected(base_lr=0.01), rejected(lr_policy="cosinus", base_lr=0.01)):
        assert err.where.field == "lr_policy"
        assert "fixed, step, exp, inv, multistep, poly, sigmoid, cosine, plateau" in err.fix
    assert "Unknown learning rate policy: cosinus" in str(rejected(lr_policy="cosinus"))


@pytest.mark.parametrize("fields", [
    dict(lr_policy="fixed"),
    dict(lr_policy="fixed", gamma=-1),  # fields a policy does not use are not checked
    dict(lr_policy="poly", power=-1, max_iter=10, gamma=-1),
    dict(lr_policy="step", gamma=0.1, stepsize=1),
    dict(lr_policy="exp", gamma=0),
    dict(lr_policy="inv", gamma=0.0001, power=0.75),
    dict(lr_policy="multistep", gamma=0.9, stepvalue=[5000, 7000]),
    dict(lr_policy="sigmoid", gamma=0, stepsize=1),
])
def test_valid_settings_pass(fields):
    check_policy(solver(base_lr=0.01, **fields), where)
