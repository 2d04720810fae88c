"""Caffe's Blob: an N-d float32 array `data` with its gradient `diff`.

Blobs are NCHW-shaped at every layer interface. Underneath, a blob may keep
channels-last memory (`reshape(..., channels_last=True)`): `data` is then a
transposed view of an N x H x W x C buffer, still indexed as N x C x H x W.
Convolution and pooling produce such blobs, because im2col, GEMM output and
2-D pooling windows all run over contiguous channel vectors in that layout;
every other layer sees an ordinary NCHW array.

Blobs are float32 in nets. A blob created with `dtype=np.float64` stays
float64 through reshapes, and layers compute in their bottoms' dtype, which is
how the numerical gradient checks run the real layer code in double precision.

Buffers are reused across iterations: `reshape` reallocates only when the
shape (or layout) changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FLOAT = np.float32


def _alloc(shape: tuple[int, ...], channels_last: bool, dtype=FLOAT) -> np.ndarray:
    if channels_last and len(shape) == 4:
        n, c, h, w = shape
        return np.zeros((n, h, w, c), dtype=dtype).transpose(0, 3, 1, 2)
    return np.zeros(shape, dtype=dtype)


def is_channels_last(a: np.ndarray) -> bool:
    """True when a 4-D NCHW array has N x H x W x C contiguous memory."""
    return a.ndim == 4 and a.transpose(0, 2, 3, 1).flags.c_contiguous


class Blob:
    """`data` and `diff`, float32, same shape."""

    __slots__ = ("data", "diff", "name")

    def __init__(self, shape: Sequence[int] = (), name: str = "", channels_last: bool = False, dtype=FLOAT):
        self.name = name
        self.data = _alloc(tuple(shape), channels_last, dtype)
        self.diff = _alloc(tuple(shape), channels_last, dtype)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def count(self) -> int:
        return int(self.data.size)

    @property
    def channels_last(self) -> bool:
        return is_channels_last(self.data)

    def reshape(self, shape: Sequence[int], channels_last: bool = False) -> None:
        """Give the blob `shape`; buffers are kept when shape and layout already match."""
        shape = tuple(int(s) for s in shape)
        if any(s < 0 for s in shape):
            raise ValueError(f"negative dimension in blob shape {shape}")
        cl = channels_last and len(shape) == 4
        if self.data.shape == shape and self._has_layout(cl):
            return
        dtype = self.data.dtype  # float32 in nets; float64 in gradient checks
        self.data = _alloc(shape, cl, dtype)
        self.diff = _alloc(shape, cl, dtype)

    def _has_layout(self, channels_last: bool) -> bool:
        if channels_last:
            return is_channels_last(self.data) and is_channels_last(self.diff)
        return self.data.flags.c_contiguous and self.diff.flags.c_contiguous

    def share_data(self, other: Blob) -> None:
        """Use `other`'s data buffer (Caffe's ShareData); shapes must agree in count."""
        self.data = other.data.reshape(self.data.shape) if other.data.shape != self.data.shape else other.data

    def share_diff(self, other: Blob) -> None:
        self.diff = other.diff.reshape(self.diff.shape) if other.diff.shape != self.diff.shape else other.diff

    def shape_string(self) -> str:
        """Caffe's `shape_string()`: '64 1 28 28 (50176)'."""
        dims = " ".join(str(d) for d in self.shape)
        return f"{dims} ({self.count})" if dims else f"({self.count})"

    def __repr__(self) -> str:
        return f"Blob({self.name!r}, {self.shape})"
