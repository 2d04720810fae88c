"""Files sgdtrain writes are the files Caffe writes: a .caffemodel of the same
weights is byte-identical to real Caffe's, and a wire-level decoder that knows
only Caffe's field numbers and types reads sgdtrain's snapshots."""

from __future__ import annotations

import shutil
from contextlib import chdir

import numpy as np
import pytest
from conftest import LMDB_ORACLE, REFERENCE

from sgdtrain.config.solver import read_solver
from sgdtrain.log import NullLog
from sgdtrain.snapshot import solver_state
from sgdtrain.solver import Solver
from sgdtrain.weights import load_weights


@pytest.fixture
def reference_run_dir(tmp_path):
    """The directory layout Caffe ran in: the reference prototxts and data/fashion_*_lmdb."""
    for name in ("lenet_train_test.prototxt", "lenet_solver_traj_sgd_inv.prototxt"):
        shutil.copy(REFERENCE / name, tmp_path / name)
    (tmp_path / "data").mkdir()
    for db in ("fashion_train_lmdb", "fashion_test_lmdb"):
        shutil.copytree(LMDB_ORACLE / "fashion_t10k_first1000_lmdb", tmp_path / "data" / db)
    return tmp_path


def test_caffemodel_is_byte_identical_to_caffes(reference_run_dir):
    with chdir(reference_run_dir):
        solver = Solver(read_solver("lenet_solver_traj_sgd_inv.prototxt"), log=NullLog())
        load_weights([solver.net], str(REFERENCE / "lenet_iter_0.caffemodel"))
        ours = solver.net.to_proto().SerializeToString()
    assert ours == (REFERENCE / "lenet_iter_0.caffemodel").read_bytes()


# -- a decoder of protobuf's wire format that knows only Caffe's field numbers ------------------


def varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def fields(buf: bytes) -> list[tuple[int, int, bytes | int]]:
    """(field number, wire type, payload) for every field of one message."""
    out, i = [], 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 2:
            length, i = varint(buf, i)
            value, i = buf[i : i + length], i + length
        elif wire == 5:
            value, i = buf[i : i + 4], i + 4
        elif wire == 1:
            value, i = buf[i : i + 8], i + 8
        else:
            raise AssertionError(f"wire type {wire}")
        out.append((number, wire, value))
    return out


def decode_blob(buf: bytes) -> tuple[tuple[int, ...], np.ndarray]:
    """BlobProto as Caffe reads it: shape = field 7 (BlobShape: dim = field 1, packed int64),
    data = field 5 (packed float)."""
    shape: tuple[int, ...] = ()
    data = np.zeros(0, np.float32)
    for number, wire, value in fields(buf):
        if number == 7:
            assert wire == 2
            (dims,) = [v for n, w, v in fields(value) if n == 1]
            j, out = 0, []
            while j < len(dims):
                d, j = varint(dims, j)
                out.append(d)
            shape = tuple(out)
        elif number == 5:
            assert wire == 2  # packed repeated float
            data = np.frombuffer(value, dtype="<f4")
    return shape, data


def test_snapshot_files_decode_with_caffes_field_numbers(tmp_path):
    from solver_helpers import SOLVERS, write_config

    write_config(tmp_path, SOLVERS["Adam"])
    with chdir(tmp_path):
        solver = Solver(read_solver("solver.prototxt"), log=NullLog())
        solver.solve()
    model = (tmp_path / "snaps" / "small_iter_16.caffemodel").read_bytes()
    top = fields(model)
    assert {n for n, _, _ in top} == {1, 100}  # NetParameter: name = 1, layer = 100
    layers = [dict((n, v) for n, w, v in fields(v) if n in (1, 2)) for n, w, v in top if n == 100]
    assert [(layer[1].decode(), layer[2].decode()) for layer in layers][:3] == [
        ("data", "Data"), ("conv1", "Convolution"), ("pool1", "Pooling")]
    conv1 = [v for n, w, v in top if n == 100][1]
    blobs = [decode_blob(v) for n, w, v in fields(conv1) if n == 7]  # LayerParameter.blobs = 7
    assert [s for s, _ in blobs] == [(4, 1, 5, 5), (4,)]
    np.testing.assert_array_equal(blobs[0][1].reshape(4, 1, 5, 5), solver.net.layers[1].blobs[0].data)

    state = fields((tmp_path / "snaps" / "small_iter_16.solverstate").read_bytes())
    by_number: dict[int, list] = {}
    for n, w, v in state:
        by_number.setdefault(n, []).append((w, v))
    assert by_number[1] == [(0, 16)]  # iter: int32 varint
    assert by_number[2][0][1] == b"snaps/small_iter_16.caffemodel"  # learned_net: string
    assert len(by_number[3]) == 12  # history: repeated BlobProto, Adam's two sets for 6 params
    assert set(by_number) <= {1, 2, 3, 4, 1000}  # Caffe's fields, plus sgdtrain's extension (skipped by Caffe)


def test_history_order_is_caffes(tmp_path):
    """Adam's history: first moments of every param, then second moments (Caffe's history_ vector)."""
    state = solver_state(3, "x", 0, [np.full(2, i, np.float32) for i in range(4)])
    assert [decode_blob(b.SerializeToString())[1][0] for b in state.history] == [0, 1, 2, 3]
