"""Snapshots: Caffe's `<prefix>_iter_<N>.caffemodel` and `.solverstate` files.

BINARYPROTO (the default): the .caffemodel is the train net as a binary
NetParameter (every layer's parameter and blobs, diffs too with
snapshot_diff); the .solverstate a binary SolverState with iter, learned_net
(the .caffemodel path as written), current_step and the history blobs in
Caffe's order. Both are written atomically (temporary file, fsync, rename),
.caffemodel first, so a crash at any moment leaves the previous snapshot
intact. HDF5 (`snapshot_format: HDF5`) needs the optional h5py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sgdtrain.atomic import write_bytes_atomic
from sgdtrain.blobproto import blob_from_proto, blob_to_proto
from sgdtrain.errors import ConfigError, SnapshotError
from sgdtrain.proto import caffe_pb2


def snapshot_filename(prefix: str, iter: int, extension: str) -> str:
    """Caffe's SnapshotFilename: prefix + "_iter_" + N + extension (no separator added)."""
    return f"{prefix}_iter_{iter}{extension}"


def ensure_prefix_directory(prefix: str) -> None:
    """Create the directory a snapshot prefix points into (Caffe does not; sgdtrain does)."""
    folder = Path(prefix).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the snapshot directory '{folder}': {exc.strerror}.",
            fix="Set snapshot_prefix to a writable location.",
        ) from None


def write_caffemodel(path: str, net_param: caffe_pb2.NetParameter) -> None:
    write_bytes_atomic(path, net_param.SerializeToString())


def solver_state(iter: int, learned_net: str, current_step: int, history: list[np.ndarray]) -> caffe_pb2.SolverState:
    state = caffe_pb2.SolverState(iter=iter, learned_net=learned_net, current_step=current_step)
    for h in history:
        state.history.append(blob_to_proto(h))
    return state


def write_solverstate(path: str, state: caffe_pb2.SolverState) -> None:
    write_bytes_atomic(path, state.SerializeToString())


def read_solverstate(path: Path) -> caffe_pb2.SolverState:
    """A SolverState (binary proto, or HDF5 when the name ends in .h5, as Caffe decides);
    a clear SnapshotError for anything else."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"the solver state '{path}' does not exist.", fix="Check the --snapshot path.") from None
    if str(path).endswith(".h5") and not str(path).endswith(".caffemodel.h5"):
        from sgdtrain.hdf5 import read_solverstate_h5

        return read_solverstate_h5(Path(path))
    if str(path).endswith(".caffemodel") or str(path).endswith(".caffemodel.h5"):
        raise SnapshotError(
            f"'{path}' is a .caffemodel (weights only); --snapshot resumes from a .solverstate.",
            fix="Pass the matching .solverstate to --snapshot, or pass the .caffemodel to --weights to fine-tune.",
        )
    state = caffe_pb2.SolverState()
    try:
        state.ParseFromString(raw)
    except Exception:
        raise SnapshotError(f"'{path}' is not a .solverstate (binary SolverState).") from None
    probe = caffe_pb2.NetParameter()
    try:
        probe.ParseFromString(raw)
        if len(probe.layer):
            raise SnapshotError(
                f"'{path}' is a .caffemodel (weights only); --snapshot resumes from a .solverstate.",
                fix="Pass the matching .solverstate, or pass this file to --weights to fine-tune.",
            )
    except SnapshotError:
        raise
    except Exception:
        pass
    return state


def history_arrays(state: caffe_pb2.SolverState) -> list[np.ndarray]:
    return [blob_from_proto(h) for h in state.history]
