"""BlobProto <-> numpy (Caffe's Blob::FromProto / ToProto)."""

from __future__ import annotations

import numpy as np

from sgdtrain.proto import caffe_pb2


def proto_shape(proto: caffe_pb2.BlobProto) -> tuple[int, ...]:
    """The legacy num/channels/height/width if any is set, else `shape.dim`."""
    legacy = ("num", "channels", "height", "width")
    if any(proto.HasField(f) for f in legacy):
        return tuple(int(getattr(proto, f)) for f in legacy)
    return tuple(int(d) for d in proto.shape.dim)


def blob_from_proto(proto: caffe_pb2.BlobProto, diff: bool = False) -> np.ndarray:
    """The float32 array stored in `proto` (double_data is used when present)."""
    shape = proto_shape(proto)
    if diff:
        values = proto.double_diff if len(proto.double_diff) else proto.diff
    else:
        values = proto.double_data if len(proto.double_data) else proto.data
    array = np.asarray(values, dtype=np.float32)
    count = int(np.prod(shape)) if shape else 1
    if array.size != count:
        raise ValueError(f"the blob holds {array.size} values for its shape {shape}")
    return array.reshape(shape)


def blob_to_proto(data: np.ndarray, diff: np.ndarray | None = None) -> caffe_pb2.BlobProto:
    """A BlobProto as Caffe (float) writes it: `shape` and `data`, plus `diff` if given."""
    proto = caffe_pb2.BlobProto()
    proto.shape.dim.extend(int(d) for d in data.shape)
    proto.data.extend(np.ascontiguousarray(data, dtype=np.float32).ravel().tolist())
    if diff is not None:
        proto.diff.extend(np.ascontiguousarray(diff, dtype=np.float32).ravel().tolist())
    return proto


def shapes_match(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """Caffe's ShapeEquals: equal shapes, or a legacy 4-D shape that pads `b` with leading 1s."""
    if a == b:
        return True
    if len(a) == 4 and len(b) <= 4:
        return a == (1,) * (4 - len(b)) + tuple(b)
    if len(b) == 4 and len(a) <= 4:
        return b == (1,) * (4 - len(a)) + tuple(a)
    return False
