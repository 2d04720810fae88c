"""The schema: Caffe's message/field contract, and generated code that matches proto/."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO

from sgdtrain.proto import caffe_pb2

D = caffe_pb2.DESCRIPTOR


CAFFE_MESSAGES = """BlobShape BlobProto BlobProtoVector Datum FillerParameter NetParameter SolverParameter SolverState
NetState NetStateRule ParamSpec LayerParameter TransformationParameter LossParameter AccuracyParameter ArgMaxParameter
ClipParameter ConcatParameter BatchNormParameter BiasParameter ContrastiveLossParameter ConvolutionParameter
CropParameter DataParameter DropoutParameter DummyDataParameter EltwiseParameter ELUParameter EmbedParameter
ExpParameter FlattenParameter HDF5DataParameter HDF5OutputParameter HingeLossParameter ImageDataParameter
InfogainLossParameter InnerProductParameter InputParameter LogParameter LRNParameter MemoryDataParameter MVNParameter
ParameterParameter PoolingParameter PowerParameter PythonParameter RecurrentParameter ReductionParameter ReLUParameter
ReshapeParameter ScaleParameter SigmoidParameter SliceParameter SoftmaxParameter SwishParameter TanHParameter
TileParameter ThresholdParameter WindowDataParameter SPPParameter V1LayerParameter V0LayerParameter
PReLUParameter""".split()


def test_caffes_63_messages_plus_sgdtrains_extension_messages():
    assert len(CAFFE_MESSAGES) == 63
    assert set(D.message_types_by_name) - set(CAFFE_MESSAGES) == {"ResumeState", "DataPosition"}
    assert set(CAFFE_MESSAGES) <= set(D.message_types_by_name)
    assert set(D.enum_types_by_name) == {"Phase"}


def test_sgdtrain_fields_live_in_the_extension_range():
    for name in CAFFE_MESSAGES:
        desc = getattr(caffe_pb2, name).DESCRIPTOR
        extra = [f for f in desc.fields if f.message_type and f.message_type.name in ("ResumeState", "DataPosition")]
        assert all(1000 <= f.number < 2000 for f in extra)


def test_solver_parameter_has_all_42_fields_numbered_1_to_42():
    numbers = sorted(f.number for f in caffe_pb2.SolverParameter.DESCRIPTOR.fields if f.number < 1000)
    assert numbers == list(range(1, 43))


@pytest.mark.parametrize(
    "message,field,number,default",
    [
        ("SolverParameter", "net", 24, ""),
        ("SolverParameter", "type", 40, "SGD"),
        ("SolverParameter", "delta", 31, pytest.approx(1e-8)),
        ("SolverParameter", "momentum2", 39, pytest.approx(0.999)),
        ("SolverParameter", "rms_decay", 38, pytest.approx(0.99)),
        ("SolverParameter", "clip_gradients", 35, -1.0),
        ("SolverParameter", "random_seed", 20, -1),
        ("SolverParameter", "average_loss", 33, 1),
        ("SolverParameter", "regularization_type", 29, "L2"),
        ("SolverParameter", "weights", 42, []),
        ("SolverState", "current_step", 4, 0),
        ("NetParameter", "layer", 100, []),
        ("NetParameter", "layers", 2, []),
        ("LayerParameter", "convolution_param", 106, None),
        ("LayerParameter", "clip_param", 148, None),
        ("LayerParameter", "swish_param", 147, None),
        ("ParamSpec", "lr_mult", 3, 1.0),
        ("FillerParameter", "type", 1, "constant"),
        ("FillerParameter", "sparse", 7, -1),
        ("DataParameter", "backend", 8, 0),
        ("PoolingParameter", "round_mode", 13, 0),
        ("PoolingParameter", "stride", 3, 1),
        ("NetState", "phase", 1, 1),
        ("BlobProto", "data", 5, []),
        ("Datum", "label", 5, 0),
    ],
)
def test_caffe_field_numbers_and_defaults(message, field, number, default):
    f = getattr(caffe_pb2, message).DESCRIPTOR.fields_by_name[field]
    assert f.number == number
    if default is not None:
        assert f.default_value == default


def test_float_fields_are_32_bit():
    base_lr = caffe_pb2.SolverParameter.DESCRIPTOR.fields_by_name["base_lr"]
    assert base_lr.type == base_lr.TYPE_FLOAT


def test_generated_code_is_fresh(tmp_path):
    """Regenerates caffe_pb2.py(i) with the pinned generator (grpcio-tools, a test extra); any difference fails."""
    out = subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{REPO / 'proto'}", f"--python_out={tmp_path}",
         f"--pyi_out={tmp_path}", str(REPO / "proto" / "caffe.proto")],
        capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stderr
    for name in ("caffe_pb2.py", "caffe_pb2.pyi"):
        fresh = (tmp_path / name).read_text()
        committed = (REPO / "src" / "sgdtrain" / "proto" / name).read_text()
        assert fresh == committed, f"{name} is stale: run `make proto` and commit the result"
