"""Loading trained weights into a net (Caffe's Net::CopyTrainedLayersFrom).

For each layer of the file whose name matches a layer of the net, the blob
counts and shapes must match (a legacy 4-D shape padded with 1s is accepted)
and the values are copied; layers the net does not have are logged as
ignored; net layers the file lacks keep their initialisation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sgdtrain.blobproto import blob_from_proto, proto_shape, shapes_match
from sgdtrain.errors import SnapshotError
from sgdtrain.log import CaffeLog, NullLog
from sgdtrain.proto import caffe_pb2


def _shape_string(shape: tuple[int, ...]) -> str:
    return " ".join(str(d) for d in shape) + f" ({int(np.prod(shape)) if shape else 1})"


def read_caffemodel(path: Path) -> caffe_pb2.NetParameter:
    """A binary NetParameter (.caffemodel); SnapshotError when it is not one."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"the weights file '{path}' does not exist.", fix="Check the path.") from None
    except OSError as exc:
        raise SnapshotError(f"cannot read the weights file '{path}': {exc.strerror}.") from None
    if raw[:8] == b"\x89HDF\r\n\x1a\n":  # Caffe detects HDF5 weights by content, too
        from sgdtrain.hdf5 import read_caffemodel_h5

        return read_caffemodel_h5(Path(path))
    net = caffe_pb2.NetParameter()
    try:
        net.ParseFromString(raw)
    except Exception:
        raise SnapshotError(f"'{path}' is not a .caffemodel (binary NetParameter).",
                            fix="Pass a .caffemodel file written by Caffe or sgdtrain.") from None
    if not len(net.layer) and not len(net.layers):
        if raw[:1] in (b"#", b"n", b"l") and b"layer" in raw[:4096]:
            raise SnapshotError(f"'{path}' looks like a text prototxt, not a binary .caffemodel.",
                                fix="Pass the net prototxt to --model and the .caffemodel to --weights.")
        kind = "a .solverstate (use --snapshot to resume)" if _looks_like_solverstate(raw) else "empty"
        raise SnapshotError(f"'{path}' holds no layers: it is {kind}, not a .caffemodel.")
    if len(net.layers):
        from sgdtrain.config.upgrade import upgrade_net

        upgrade_net(net, str(path))
    return net


def _looks_like_solverstate(raw: bytes) -> bool:
    state = caffe_pb2.SolverState()
    try:
        state.ParseFromString(raw)
    except Exception:
        return False
    return state.HasField("iter") or len(state.history) > 0


def copy_trained_layers(net, source: caffe_pb2.NetParameter, origin: str, log: CaffeLog | None = None) -> None:
    """Copy the blobs of `source`'s layers into `net`'s layers of the same name."""
    log = log or NullLog()
    for lp in source.layer:
        layer = net.layer_by_name(lp.name)
        if layer is None:
            log.info("net.cpp:744", f"Ignoring source layer {lp.name}")
            continue
        if not len(lp.blobs) and not layer.blobs:
            continue
        if len(lp.blobs) != len(layer.blobs):
            raise SnapshotError(
                f"cannot copy layer '{lp.name}' from '{origin}': it has {len(lp.blobs)} blobs there but "
                f"{len(layer.blobs)} in the net.",
                fix="To learn this layer's parameters from scratch rather than copying from a saved net, "
                "rename the layer.",
            )
        for k, (proto, blob) in enumerate(zip(lp.blobs, layer.blobs)):
            shape = proto_shape(proto)
            if not shapes_match(shape, blob.shape):
                raise SnapshotError(
                    f"cannot copy param {k} weights from layer '{lp.name}' of '{origin}': shape mismatch. "
                    f"Source param shape is {_shape_string(shape)}; target param shape is "
                    f"{_shape_string(blob.shape)}.",
                    fix="To learn this layer's parameters from scratch rather than copying from a saved net, "
                    "rename the layer.",
                )
            blob.data[...] = blob_from_proto(proto).reshape(blob.shape)


def load_weights(nets, files: str, log: CaffeLog | None = None, tag: str = "solver.cpp:72") -> None:
    """Caffe's `--weights a.caffemodel,b.caffemodel`: each file, in order, into every net."""
    log = log or NullLog()
    for name in [f.strip() for f in files.split(",") if f.strip()]:
        log.info(tag, f"Finetuning from {name}")
        source = read_caffemodel(Path(name))
        for net in nets:
            copy_trained_layers(net, source, name, log)
