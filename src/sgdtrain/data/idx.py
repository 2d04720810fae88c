"""MNIST's IDX file format (gzipped or not): a big-endian header, then raw data.

Header: two zero bytes, a type code (0x08 = uint8), the number of dimensions,
then one 4-byte big-endian size per dimension. Images files are
`00000803 N rows cols`, labels files `00000801 N`.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from sgdtrain.errors import DataError

_GZIP_MAGIC = b"\x1f\x8b"
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801


def _open(path: Path):
    with open(path, "rb") as f:
        head = f.read(2)
    return gzip.open(path, "rb") if head == _GZIP_MAGIC else open(path, "rb")


def read_magic(path: Path) -> int | None:
    """The IDX magic number of `path`, or None if it is not an IDX file."""
    try:
        with _open(path) as f:
            head = f.read(4)
    except (OSError, EOFError):
        return None
    if len(head) < 4 or head[:2] != b"\0\0" or head[2] != 0x08 or head[3] not in (1, 2, 3):
        return None
    return struct.unpack(">I", head)[0]


def read_idx(path: Path, expect_magic: int | None = None) -> np.ndarray:
    """The array stored in an IDX file (uint8).

    The data are read straight into the returned array: reading the whole file
    as bytes first would hold it twice at the peak (94 MB for Fashion-MNIST's
    training images instead of 47).
    """
    try:
        with _open(path) as f:
            head = f.read(4)
            if len(head) < 4 or head[:2] != b"\0\0" or head[2] != 0x08:
                raise DataError(
                    f"'{path}' is not an IDX (MNIST-format) uint8 file.",
                    fix="Give the images file of an MNIST-format data set (e.g. train-images-idx3-ubyte.gz).",
                )
            magic = struct.unpack(">I", head)[0]
            if expect_magic is not None and magic != expect_magic:
                kind = "images" if expect_magic == IMAGES_MAGIC else "labels"
                raise DataError(
                    f"'{path}' is not an IDX {kind} file (magic {magic:#010x}, expected {expect_magic:#010x}).")
            ndim = head[3]
            sizes = f.read(4 * ndim)
            if len(sizes) < 4 * ndim:
                raise DataError(f"'{path}' is truncated inside its header.")
            dims = struct.unpack(">" + "I" * ndim, sizes)
            out = np.empty(int(np.prod(dims)), dtype=np.uint8)
            got = _read_into(f, memoryview(out))
    except (OSError, EOFError) as exc:  # EOFError: a gzip stream cut short
        raise DataError(f"cannot read the IDX file '{path}': {exc}.") from None
    if got < out.size:
        raise DataError(f"'{path}' is truncated: its header promises {out.size} bytes, it holds {got}.")
    return out.reshape(dims)


def _read_into(f, buf: memoryview, chunk: int = 1 << 20) -> int:
    """Fill `buf` from `f` in `chunk`-byte steps; returns the bytes read.

    In steps because GzipFile.readinto reads the whole request as one bytes
    object before copying it, which would bring the double peak back.
    """
    got = 0
    while got < len(buf):
        n = f.readinto(buf[got : got + chunk])
        if not n:
            break
        got += n
    return got


def write_idx(path: Path, array: np.ndarray, compress: bool = True) -> None:
    """Write a uint8 array as an IDX file (gzip-compressed when `compress`)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    opener = (lambda p: gzip.GzipFile(p, "wb", mtime=0)) if compress else (lambda p: open(p, "wb"))
    with opener(path) as f:
        f.write(header)
        f.write(array.tobytes())


def labels_path_for(images: Path) -> Path | None:
    """The labels file beside an images file, by MNIST's naming (`images-idx3` -> `labels-idx1`)."""
    name = images.name
    if "images-idx3" not in name:
        return None
    return images.with_name(name.replace("images-idx3", "labels-idx1"))
