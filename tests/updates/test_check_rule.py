import pytest
from ref_rules import solver

from sgdtrain.errors import ConfigError, Where
from sgdtrain.updates import check_rule, known_types


def where(field):
    return Where("solver.prototxt", 4, field=field)


def rejected(kind, **fields) -> ConfigError:
    with pytest.raises(ConfigError) as e:
        check_rule(solver(kind, **fields), where)
    err = e.value
    assert err.exit_code == 2 and err.fix and str(err).endswith(err.fix.strip())
    return err


def test_unknown_type_gives_caffes_message_and_the_extension():
    err = rejected("Momentum")
    assert ("Unknown solver type: Momentum (known types: AdaDelta, AdaGrad, Adam, Nesterov, RMSProp, SGD)"
            in str(err))
    assert "AdamW" in str(err) and err.where.field == "type"
    assert str(err).startswith("solver.prototxt:4 (field `type`)")


def test_unknown_type_differing_only_in_case_suggests_the_name():
    assert 'Did you mean `type: "Adam"`' in rejected("adam").fix


@pytest.mark.parametrize("kind", ["AdaGrad", "RMSProp"])
def test_momentum_must_be_zero_for_adagrad_and_rmsprop(kind):
    err = rejected(kind, momentum=0.9)
    assert err.where.field == "momentum"
    assert f"momentum must be exactly 0 (Caffe: \"Momentum cannot be used with {kind}.\")" in str(err)


@pytest.mark.parametrize("rms_decay", [1.0, 1.5, -0.1])
def test_rms_decay_must_lie_in_zero_one(rms_decay):
    err = rejected("RMSProp", rms_decay=rms_decay)
    assert err.where.field == "rms_decay" and "rms_decay should lie between 0 and 1." in str(err)


def test_regularization_type_must_be_l1_or_l2_when_decaying():
    err = rejected("SGD", weight_decay=0.0005, regularization_type="L3")
    assert err.where.field == "regularization_type" and "Unknown regularization type: L3" in str(err)
    check_rule(solver("SGD", regularization_type="L3"), where)  # harmless without decay, as in Caffe


def test_adamw_refuses_l1():
    err = rejected("AdamW", weight_decay=0.01, regularization_type="L1")
    assert "decoupled" in str(err)


@pytest.mark.parametrize("fields", [
    dict(type="SGD", momentum=0.9, weight_decay=0.0005),
    dict(type="Nesterov", momentum=0.95),
    dict(type="AdaGrad", weight_decay=0.0005, regularization_type="L1"),
    dict(type="RMSProp", rms_decay=0.0),
    dict(type="AdaDelta", momentum=0.95, delta=1e-6),
    dict(type="Adam", momentum=0.9, momentum2=0.999),
    dict(type="AdamW", momentum=0.9, weight_decay=0.01),
    dict(type="Adam", delta=0),  # delta > 0 is advisable, but Caffe does not check it
])
def test_valid_settings_pass(fields):
    check_rule(solver(**fields), where)


def test_known_types_sorted_like_caffes_registry():
    assert known_types() == ("AdaDelta", "AdaGrad", "Adam", "AdamW", "Nesterov", "RMSProp", "SGD")
