"""Nets compared layer by layer: matched by name, every parameter, added and removed layers."""

from __future__ import annotations

from conftest import REPO

from sgdtrain.compare.nets import diff_nets
from sgdtrain.config.net import read_net_file
from sgdtrain.config.textformat import parse_text
from sgdtrain.proto import caffe_pb2

LENET = REPO / "configs" / "lenet_train_test.prototxt"


def lenet() -> caffe_pb2.NetParameter:
    return read_net_file(LENET)[0]


def edited(replacements: list[tuple[str, str]]) -> caffe_pb2.NetParameter:
    text = LENET.read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    return parse_text(text, caffe_pb2.NetParameter())


def lines(a, b, scope="") -> list[str]:
    return [d.text for d in diff_nets(a, b, scope)]


def test_the_same_net_written_differently_has_no_differences():
    same = edited([('  name: "conv1"\n  type: "Convolution"', '  type: "Convolution"  # fields in another order\n'
                    '  name: "conv1"'),
                   ("    num_output: 20\n    kernel_size: 5", "    kernel_size: 5\n    num_output: 20\n"
                    "    bias_term: true  # the default, spelled out"),
                   ("  param {\n    lr_mult: 2\n  }", "  param {\n    lr_mult: 2\n    decay_mult: 1\n  }")])
    assert lines(lenet(), same) == []


def test_changed_parameters_fillers_and_lr_mult():
    b = edited([("num_output: 500", "num_output: 400"), ('type: "xavier"', 'type: "gaussian" std: 0.01'),
                ("lr_mult: 2", "lr_mult: 1")])
    assert lines(lenet(), b) == [
        'layer conv1: param[1].lr_mult: 2 -> 1',
        'layer conv1: convolution_param.weight_filler.type: "xavier" -> "gaussian"',
        'layer conv1: convolution_param.weight_filler.std: 1 -> 0.01',
        'layer ip1: inner_product_param.num_output: 500 -> 400',
    ]


def test_added_removed_and_renamed_layers_and_net_fields():
    b = edited([('name: "LeNet"', 'name: "LeNet2"'), ('name: "relu1"', 'name: "relu1b"'),
                ('layer {\n  name: "ip2"', 'layer {\n  name: "drop1"\n  type: "Dropout"\n  bottom: "ip1"\n'
                 '  top: "ip1"\n}\nlayer {\n  name: "ip2"')])
    assert lines(lenet(), b, "train net") == [
        'train net: net.name: "LeNet" -> "LeNet2"',
        "- train net: layer relu1 (ReLU)",
        "+ train net: layer relu1b (ReLU)",
        "+ train net: layer drop1 (Dropout)",
    ]


def test_same_named_layers_are_told_apart_by_phase():
    b = edited([("batch_size: 100", "batch_size: 50")])  # the TEST data layer (both are called mnist)
    assert lines(lenet(), b) == ["layer mnist (TEST): data_param.batch_size: 100 -> 50"]


def test_layer_order():
    net = parse_text('layer { name: "a" type: "ReLU" } layer { name: "b" type: "ReLU" }', caffe_pb2.NetParameter())
    swapped = parse_text('layer { name: "b" type: "ReLU" } layer { name: "a" type: "ReLU" }', caffe_pb2.NetParameter())
    assert lines(net, swapped) == ["layer order: [a, b] -> [b, a]"]
