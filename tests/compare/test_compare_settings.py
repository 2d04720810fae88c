"""Solver settings compared with Caffe's defaults filled in; net sources as written."""

from __future__ import annotations

from sgdtrain.compare.settings import diff_settings
from sgdtrain.config.textformat import parse_text
from sgdtrain.proto import caffe_pb2


def solver(body: str) -> caffe_pb2.SolverParameter:
    return parse_text(body, caffe_pb2.SolverParameter())


def lines(a: str, b: str) -> list[str]:
    return [d.text for d in diff_settings(solver(a), solver(b))]


def test_defaults_are_in_force():
    a = 'net: "n" base_lr: 0.01 lr_policy: "fixed" momentum: 0 type: "SGD" regularization_type: "L2"'
    b = 'net: "n" lr_policy: "fixed" base_lr: 0.01'
    assert lines(a, b) == []
    assert lines(a, 'net: "n" base_lr: 0.01 lr_policy: "fixed" momentum: 0.9') == ["momentum: 0 -> 0.9"]


def test_net_sources_come_first_then_settings_in_schema_order():
    a = 'net: "a.prototxt" base_lr: 0.01 lr_policy: "step" stepsize: 100 gamma: 0.1'
    b = ('train_net: "t.prototxt" test_net: "v.prototxt" test_iter: 5 test_interval: 10 base_lr: 0.1 '
         'lr_policy: "multistep" stepvalue: 10 stepvalue: 20 gamma: 0.1 weights: "w.caffemodel"')
    assert lines(a, b) == [
        'net: "a.prototxt" -> (none)',
        'train_net: (none) -> "t.prototxt"',
        'test_net: [] -> ["v.prototxt"]',
        'weights: [] -> ["w.caffemodel"]',
        "test_iter: [] -> [5]",
        "test_interval: 0 -> 10",
        "base_lr: 0.01 -> 0.1",
        'lr_policy: "step" -> "multistep"',
        "stepsize: 100 -> 0",
        "stepvalue: [] -> [10, 20]",
    ]


def test_inline_nets_and_net_states():
    a = 'net_param { name: "x" } base_lr: 0.1 lr_policy: "fixed"'
    b = 'net_param { name: "y" } base_lr: 0.1 lr_policy: "fixed" train_state { level: 2 stage: "big" }'
    assert lines(a, b) == ["train_state.level: 0 -> 2", 'train_state.stage: [] -> ["big"]']
    assert lines(a, 'net: "x" base_lr: 0.1 lr_policy: "fixed"') == ['net: (none) -> "x"', "net_param: inline -> (none)"]
