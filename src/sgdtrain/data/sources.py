"""Record sources: what a Data layer reads, in Caffe's order.

A source holds `len(source)` records, each an image (C x H x W, uint8 or
float32) and a label. `read(start, count)` returns `count` consecutive
records from index `start`, wrapping to record 0 at the end, as Caffe's
DataLayer cursor does (no partial batches: a batch may straddle the end).

How a prototxt names a source (`data_param.source`):
* a directory holding `data.mdb`: a Caffe LMDB of Datum records, read in key
  order (the backend field may say LMDB or LEVELDB; LevelDB itself is not read);
* an MNIST/IDX images file (`*-images-idx3-ubyte`, optionally `.gz`): its
  labels come from the file beside it with `images-idx3` replaced by
  `labels-idx1`, as the MNIST files are named.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path

import numpy as np

from sgdtrain.data import idx
from sgdtrain.data.datum import datum_to_array
from sgdtrain.errors import DataError
from sgdtrain.proto import caffe_pb2


class RecordSource:
    """Base class: sequential reads with wrap-around."""

    path: Path
    shape: tuple[int, int, int]

    def __len__(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def read(self, start: int, count: int) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    def close(self) -> None:
        pass


class IdxSource(RecordSource):
    """An MNIST images/labels file pair held in memory."""

    def __init__(self, images_path: Path, labels_path: Path):
        images = idx.read_idx(images_path, idx.IMAGES_MAGIC)
        labels = idx.read_idx(labels_path, idx.LABELS_MAGIC)
        if images.shape[0] != labels.shape[0]:
            raise DataError(
                f"'{images_path}' holds {images.shape[0]} images but '{labels_path}' {labels.shape[0]} labels.",
                fix="Use the labels file that belongs to these images.",
            )
        self.path = images_path
        self.images = images.reshape(images.shape[0], 1, *images.shape[1:])
        self.labels = labels.astype(np.float32)
        self.shape = tuple(self.images.shape[1:])  # type: ignore[assignment]

    def __len__(self) -> int:
        return self.images.shape[0]

    def read(self, start: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        n = len(self)
        start %= n
        if start + count <= n:
            return self.images[start : start + count], self.labels[start : start + count]
        order = (start + np.arange(count)) % n
        return self.images[order], self.labels[order]


class LmdbSource(RecordSource):
    """A Caffe LMDB of serialized Datum records, read in key order."""

    def __init__(self, path: Path):
        self.path = path
        self._shared: _SharedEnv | None = _shared_environment(path)  # the environment lives while it is held
        self.txn = self._shared.env.begin(buffers=False)
        self.cursor = self.txn.cursor()
        self._len = self.txn.stat()["entries"]
        if self._len == 0:
            raise DataError(f"the LMDB '{path}' holds no records.")
        self._keys: list[bytes] | None = None
        self._pos = 0
        self.cursor.first()
        first = self._decode(self.cursor.value())
        self.shape = first.shape  # type: ignore[assignment]
        self._datum = caffe_pb2.Datum()

    def __len__(self) -> int:
        return self._len

    @staticmethod
    def _decode(value: bytes) -> np.ndarray:
        d = caffe_pb2.Datum()
        d.ParseFromString(value)
        return datum_to_array(d)

    def _seek(self, index: int) -> None:
        if self._keys is None:
            self._keys = [k for k in self.txn.cursor().iternext(keys=True, values=False)]
        self.cursor.set_key(self._keys[index])
        self._pos = index

    def read(self, start: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        start %= self._len
        if start != self._pos:
            self._seek(start)
        images: list[np.ndarray] = []
        labels = np.empty(count, dtype=np.float32)
        datum = self._datum
        for i in range(count):
            datum.ParseFromString(self.cursor.value())
            images.append(datum_to_array(datum))
            labels[i] = datum.label
            self._pos += 1
            if not self.cursor.next():
                self.cursor.first()
                self._pos = 0
        shapes = {im.shape for im in images}
        if len(shapes) > 1:
            raise DataError(
                f"records of '{self.path}' differ in shape ({sorted(shapes)}); a batch needs one shape.",
                fix="Resize the records to one size when converting, or use crop_size.",
            )
        return np.stack(images), labels

    def close(self) -> None:
        """Let go of the database; the shared environment closes when its last source lets go."""
        if self._shared is not None:
            self.cursor.close()
            self.txn.abort()
            self._shared = None


class _SharedEnv:
    """One read-only lmdb.Environment, shared by every source reading the same database files."""

    def __init__(self, env):
        self.env = env

    def __del__(self):
        self.env.close()


# LMDB forbids opening one environment twice in a process (its fcntl locks belong to the process and file),
# and py-lmdb >= 3 refuses the second open. A train net and a test net reading the same database (Caffe's
# autoencoder tests on its training set; lenet_consolidated_solver too) therefore share one environment, each
# source with its own read transaction and cursor, keyed on the data file's identity as py-lmdb keys it.
_ENVIRONMENTS: weakref.WeakValueDictionary[tuple[int, int], _SharedEnv] = weakref.WeakValueDictionary()


def _shared_environment(path: Path) -> _SharedEnv:
    import lmdb

    try:
        st = (path / "data.mdb").stat()
    except OSError as exc:
        raise DataError(f"cannot open the LMDB '{path}': {exc}.") from None
    key = (st.st_dev, st.st_ino)
    shared = _ENVIRONMENTS.get(key)
    if shared is None:
        try:
            # lock=False: reference databases may sit on read-only media.
            env = lmdb.open(str(path), readonly=True, lock=False, readahead=False, max_readers=8)
        except lmdb.Error as exc:
            raise DataError(f"cannot open the LMDB '{path}': {exc}.") from None
        shared = _ENVIRONMENTS[key] = _SharedEnv(env)
    return shared


def open_source(path: Path, *, on_note: Callable[[str], None] | None = None) -> RecordSource:
    """Open the record source `path` names (see the module docstring)."""
    if path.is_dir():
        if (path / "data.mdb").exists():
            return LmdbSource(path)
        if (path / "CURRENT").exists():
            raise DataError(
                f"'{path}' is a LevelDB database, which sgdtrain does not read.",
                fix="Convert it to LMDB (Caffe's convert tools take --backend=lmdb; for MNIST use "
                "`sgdtrain convert-mnist`), or point the source at the MNIST/IDX files.",
            )
        raise DataError(
            f"'{path}' is a directory but not an LMDB (it has no data.mdb).",
            fix="Point data_param.source at an LMDB directory or an MNIST images file.",
        )
    magic = idx.read_magic(path)
    if magic == idx.IMAGES_MAGIC:
        labels = idx.labels_path_for(path)
        if labels is None or not labels.exists():
            raise DataError(
                f"no labels file for the IDX images file '{path}'"
                + (f" (looked for '{labels}')." if labels else "."),
                fix="Put the labels file beside it, named like the images file with "
                "'images-idx3' replaced by 'labels-idx1'.",
            )
        return IdxSource(path, labels)
    if magic == idx.LABELS_MAGIC:
        raise DataError(
            f"'{path}' is an IDX labels file; a Data layer's source names the images file.",
            fix="Name the *-images-idx3-ubyte file; its labels file is found beside it.",
        )
    raise DataError(
        f"'{path}' is neither an LMDB directory nor an MNIST/IDX images file.",
        fix="Point data_param.source at an LMDB directory or an *-images-idx3-ubyte[.gz] file.",
    )
