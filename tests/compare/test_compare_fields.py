"""Field-by-field differences with defaults in force, and how values are written."""

from __future__ import annotations

from sgdtrain.compare.fields import diff_messages, plain, text, value_change
from sgdtrain.config.textformat import parse_text
from sgdtrain.proto import caffe_pb2


def layer(body: str) -> caffe_pb2.LayerParameter:
    return parse_text(body, caffe_pb2.LayerParameter())


def paths(a: str, b: str) -> list[tuple[str, object, object]]:
    return [(p, va, vb) for p, _, va, vb in diff_messages(layer(a), layer(b))]


def test_order_and_explicit_defaults_do_not_matter():
    a = 'name: "d" type: "Data" top: "data" data_param { source: "x" batch_size: 64 }'
    b = 'type: "Data" name: "d" data_param { batch_size: 64 source: "x" backend: LEVELDB } top: "data"'
    assert paths(a, b) == []


def test_scalars_enums_repeated_and_fillers():
    a = 'convolution_param { num_output: 20 kernel_size: 5 weight_filler { type: "xavier" } }'
    b = 'convolution_param { num_output: 20 kernel_size: 3 weight_filler { type: "gaussian" std: 0.01 } ' \
        'engine: CAFFE }'
    assert paths(a, b) == [
        ("convolution_param.kernel_size", [5], [3]),
        ("convolution_param.weight_filler.type", "xavier", "gaussian"),
        ("convolution_param.weight_filler.std", 1.0, 0.01),
        ("convolution_param.engine", "DEFAULT", "CAFFE"),
    ]


def test_a_missing_param_entry_means_lr_mult_1_decay_mult_1():
    assert paths('param { lr_mult: 1 }', 'param { lr_mult: 1 } param { lr_mult: 1 decay_mult: 1 }') == []
    assert paths('param { lr_mult: 1 }', 'param { lr_mult: 1 } param { lr_mult: 2 decay_mult: 0 }') == [
        ("param[1].lr_mult", 1.0, 2.0), ("param[1].decay_mult", 1.0, 0.0)]


def test_rules_of_different_count_are_shown_whole():
    (p, va, vb), = paths('include { phase: TRAIN }', '')
    assert p == "include" and text(None, va) == "[{phase: TRAIN}]" and text(None, vb) == "[]"


def test_values_are_written_as_a_prototxt_would():
    f = caffe_pb2.SolverParameter.DESCRIPTOR.fields_by_name
    assert plain(f["momentum"], 0.8999999761581421) == 0.9  # float32 fields by their shortest decimal
    assert text(f["power"], 1.0) == "1" and text(f["gamma"], 0.0001) == "0.0001"
    assert text(f["lr_policy"], "inv") == '"inv"' and text(f["solver_mode"], "GPU") == "GPU"
    assert text(f["stepvalue"], list(range(20))) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ... (20 values)]"
    assert text(f["test_initialization"], False) == "false"
    d = value_change("lr_policy", f["lr_policy"], "inv", "step", scope="")
    assert d.text == 'lr_policy: "inv" -> "step"' and d.data == {"field": "lr_policy", "a": "inv", "b": "step"}
    d = value_change("num_output", None, 500, 400, scope="layer ip1")
    assert d.text == "layer ip1: num_output: 500 -> 400" and d.data["scope"] == "layer ip1"
