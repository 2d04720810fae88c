"""Every solver and net prototxt of Caffe's examples/ and models/ parses through
the schema, and round-trips through text format without loss."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, REFERENCE
from google.protobuf import text_format

from sgdtrain.config.textformat import parse_text
from sgdtrain.proto import caffe_pb2

ALL = sorted(EXAMPLES.rglob("*.prototxt")) + sorted(REFERENCE.rglob("*.prototxt"))


def kind(path):
    return caffe_pb2.SolverParameter if "solver" in path.name else caffe_pb2.NetParameter


def test_the_copy_is_complete():
    assert len(list(EXAMPLES.rglob("*.prototxt"))) == 54


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_parses_and_round_trips(path):
    msg = parse_text(path.read_text(), kind(path)(), path)
    text = text_format.MessageToString(msg)
    again = parse_text(text, kind(path)(), "<round trip>")
    assert again == msg
    assert again.SerializeToString() == msg.SerializeToString()
    # the binary form round-trips too
    binary = kind(path)()
    binary.ParseFromString(msg.SerializeToString())
    assert binary == msg


def test_solvers_name_known_fields():
    s = parse_text((EXAMPLES / "examples/mnist/lenet_solver.prototxt").read_text(), caffe_pb2.SolverParameter())
    assert s.lr_policy == "inv" and s.max_iter == 10000 and s.snapshot_prefix == "examples/mnist/lenet"
    # proto floats are float32, as in Caffe: 0.01 is stored as 0.0099999998
    assert s.base_lr == pytest.approx(0.009999999776482582, abs=0)
    assert s.momentum == pytest.approx(0.8999999761581421, abs=0)


def test_v1_consolidated_solver_parses():
    s = parse_text((EXAMPLES / "examples/mnist/lenet_consolidated_solver.prototxt").read_text(),
                   caffe_pb2.SolverParameter())
    assert len(s.net_param.layers) > 0 and s.net_param.layers[0].type == caffe_pb2.V1LayerParameter.DATA
