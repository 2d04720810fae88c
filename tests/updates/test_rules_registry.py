import pytest
from ref_rules import solver

from sgdtrain.updates import CAFFE_TYPES, RULES, UpdateRule

SETS = {"SGD": 1, "Nesterov": 1, "AdaGrad": 1, "RMSProp": 1, "AdaDelta": 2, "Adam": 2, "AdamW": 2}


@pytest.mark.parametrize("name", RULES)
def test_each_rule_is_registered_under_its_caffe_type(name):
    rule = RULES[name](solver(name))
    assert isinstance(rule, UpdateRule) and rule.type == name
    assert rule.history_sets == SETS[name]
    assert rule.decoupled_decay == (name == "AdamW")
    assert "Δ" in type(rule).__doc__  # the docstring shows the formula


def test_registry_is_caffes_six_plus_adamw():
    assert set(RULES) == set(CAFFE_TYPES) | {"AdamW"}
