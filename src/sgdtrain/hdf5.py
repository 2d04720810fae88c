"""Caffe's HDF5 snapshot format (`snapshot_format: HDF5`), through the optional h5py.

* `.caffemodel.h5`: a group `data` with one subgroup per layer (empty for layers
  without parameters) holding datasets "0", "1", ... of the layer's *owned*
  parameters; with snapshot_diff a parallel group `diff`.
* `.solverstate.h5`: datasets `iter`, `learned_net`, `current_step` and a group
  `history` with datasets "0" .. "<n-1>"; sgdtrain adds `sgdtrain_resume`
  (its ResumeState as bytes), which Caffe does not read.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from sgdtrain.atomic import temporary_beside
from sgdtrain.blobproto import blob_to_proto
from sgdtrain.errors import ConfigError, SnapshotError
from sgdtrain.proto import caffe_pb2

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def h5py_module():
    try:
        import h5py
    except ImportError:
        raise ConfigError(
            "snapshot_format: HDF5 (or an .h5 file) needs the optional h5py package, which is not installed.",
            fix="Install it with `pip install 'sgdtrain[hdf5]'`, or use snapshot_format: BINARYPROTO.",
        ) from None
    return h5py


def _atomic_h5(path: str, fill) -> None:
    h5py = h5py_module()
    fd, tmp = temporary_beside(Path(path))
    os.close(fd)
    try:
        with h5py.File(tmp, "w") as f:
            fill(f)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_caffemodel_h5(path: str, net, write_diff: bool) -> None:
    owner_of = {id(p.blob): p.layer for p in net.learnable_params}
    layer_blobs = [(name, layer.blobs) for name, layer in zip(net.layer_names, net.layers)]

    def fill(f):
        data = f.create_group("data")
        diff = f.create_group("diff") if write_diff else None
        for name, blobs in layer_blobs:
            g = data.create_group(name)
            dg = diff.create_group(name) if diff is not None else None
            for k, b in enumerate(blobs):
                if owner_of.get(id(b), name) != name:
                    continue  # a shared parameter is written by its owner only, as Caffe does
                g.create_dataset(str(k), data=np.ascontiguousarray(b.data, dtype=np.float32))
                if dg is not None:
                    dg.create_dataset(str(k), data=np.ascontiguousarray(b.diff, dtype=np.float32))

    _atomic_h5(path, fill)


def write_solverstate_h5(path: str, state: caffe_pb2.SolverState, history: list[np.ndarray]) -> None:
    def fill(f):
        f.create_dataset("iter", data=np.int32(state.iter))
        f.create_dataset("learned_net", data=state.learned_net)
        f.create_dataset("current_step", data=np.int32(state.current_step))
        g = f.create_group("history")
        for i, h in enumerate(history):
            g.create_dataset(str(i), data=np.ascontiguousarray(h, dtype=np.float32))
        if state.HasField("sgdtrain_resume"):
            f.create_dataset("sgdtrain_resume", data=np.void(state.sgdtrain_resume.SerializeToString()))

    _atomic_h5(path, fill)


def read_caffemodel_h5(path: Path) -> caffe_pb2.NetParameter:
    """The weights of an HDF5 .caffemodel as a NetParameter (layer names and blobs)."""
    h5py = h5py_module()
    net = caffe_pb2.NetParameter()
    try:
        with h5py.File(path, "r") as f:
            if "data" not in f:
                raise SnapshotError(f"'{path}' is an HDF5 file without Caffe's `data` group.")
            for name, group in f["data"].items():
                layer = net.layer.add(name=name)
                for k in sorted(group, key=int):
                    layer.blobs.append(blob_to_proto(np.asarray(group[k], dtype=np.float32)))
    except OSError as exc:
        raise SnapshotError(f"cannot read the HDF5 weights '{path}': {exc}.") from None
    return net


def read_solverstate_h5(path: Path) -> caffe_pb2.SolverState:
    h5py = h5py_module()
    state = caffe_pb2.SolverState()
    try:
        with h5py.File(path, "r") as f:
            state.iter = int(np.asarray(f["iter"]))
            learned = f["learned_net"][()]
            state.learned_net = learned.decode() if isinstance(learned, bytes) else str(learned)
            state.current_step = int(np.asarray(f["current_step"])) if "current_step" in f else 0
            for k in sorted(f["history"], key=int):
                state.history.append(blob_to_proto(np.asarray(f["history"][k], dtype=np.float32)))
            if "sgdtrain_resume" in f:
                state.sgdtrain_resume.ParseFromString(f["sgdtrain_resume"][()].tobytes())
    except (OSError, KeyError) as exc:
        raise SnapshotError(f"'{path}' is not a Caffe HDF5 solver state ({exc}).") from None
    return state
