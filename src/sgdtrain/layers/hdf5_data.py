"""HDF5Data: batches of rows from the .h5 files listed in hdf5_data_param.source.

`source` is a text file naming one .h5 file per line (whitespace-separated, as
Caffe reads it). Each file holds one dataset per top, named after the top, all
with the same number of rows (axis 0; rows may have any shape; values are read
as float). Rows are copied in order (or through a permutation when `shuffle`),
`batch_size` per batch; at the end of a file the next file is loaded, after the
last file the first again (files are visited through their own permutation,
reshuffled at each wrap when `shuffle`), and the row permutation is reshuffled
at every end of file. A batch may straddle files. Permutations come from the
net's generator (Caffe uses std::random_shuffle, which numpy cannot reproduce).
Caffe refuses transform_param. h5py is an optional dependency
(pip install 'sgdtrain[hdf5]'). `state()`/`restore()` expose the read position.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.errors import ConfigError, DataError
from sgdtrain.layers.base import Layer, register


def _h5py():
    try:
        import h5py
    except ImportError:
        return None
    return h5py


@register
class HDF5DataLayer(Layer):
    type = "HDF5Data"
    exact_num_bottom = 0
    min_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.hdf5_data_param
        if self.param.HasField("transform_param"):
            raise self.error("does not transform data (Caffe refuses transform_param here).",
                             "Remove transform_param; store the data already transformed.", "transform_param")
        if _h5py() is None:
            raise ConfigError(f"layer '{self.name}' (HDF5Data) needs the h5py package, which is not installed.",
                              where=self.ctx.where("type"), fix="pip install 'sgdtrain[hdf5]'")
        if not p.source:
            raise self.error("has no hdf5_data_param { source: ... }.",
                             "Name a text file listing the .h5 files, one per line.", "hdf5_data_param")
        if p.batch_size <= 0:
            raise self.error("needs hdf5_data_param { batch_size: N } with N > 0.", None, "hdf5_data_param",
                             "batch_size")
        self.batch_size = p.batch_size
        self.shuffle = p.shuffle
        self.tops = list(self.param.top)
        where = self.ctx.where("hdf5_data_param", "source")
        source = self.ctx.resolve(p.source, "HDF5 source list", where)
        self.ctx.log("hdf5_data_layer.cpp:80", f"Loading list of HDF5 filenames from: {p.source}")
        try:
            names = Path(source).read_text().split()
        except OSError as exc:
            raise ConfigError(f"failed to open source file '{p.source}': {exc.strerror}.", where=where) from None
        self.ctx.log("hdf5_data_layer.cpp:94", f"Number of HDF5 files: {len(names)}")
        if not names:
            raise ConfigError(f"must have at least 1 HDF5 filename listed in '{p.source}'.", where=where,
                              fix="List the .h5 files in it, one per line.")
        self.files = [self.ctx.resolve(n, "HDF5 file", where) for n in names]
        self.file_perm = np.arange(len(self.files))
        if self.shuffle:
            self.file_perm = self.ctx.rng.permutation(len(self.files))
        self.current_file = 0
        self._load(self.file_perm[0])
        self.current_row = 0
        # Row shapes come from the first file (Caffe shapes the tops once, at set-up).
        self.row_shapes = [d.shape[1:] for d in self.data]

    def _load(self, index: int) -> None:
        """Read every top's dataset from file `index` and reset the row permutation (Caffe's LoadHDF5FileData)."""
        h5py = _h5py()
        path = self.files[index]
        where = self.ctx.where("hdf5_data_param", "source")
        try:
            with h5py.File(path, "r") as f:
                data = []
                for name in self.tops:
                    if name not in f or not isinstance(f[name], h5py.Dataset):
                        raise DataError(f"HDF5 file '{path}' has no dataset '{name}' (HDF5Data reads one dataset "
                                        "per top, named after the top).", where=where)
                    data.append(np.asarray(f[name][()], dtype=np.float32))  # Caffe reads floats
        except OSError as exc:
            raise DataError(f"failed opening HDF5 file '{path}': {exc}.", where=where) from None
        for name, d in zip(self.tops, data):
            if d.ndim < 1:
                raise DataError(f"dataset '{name}' in '{path}' is a scalar; input must have at least 1 axis.",
                                where=where)
            if d.shape[0] != data[0].shape[0]:
                raise DataError(f"dataset '{name}' in '{path}' has {d.shape[0]} rows, but '{self.tops[0]}' has "
                                f"{data[0].shape[0]}.", where=where)
            if hasattr(self, "row_shapes") and d.shape[1:] != self.row_shapes[self.tops.index(name)]:
                raise DataError(f"dataset '{name}' in '{path}' has rows of shape {d.shape[1:]}, but the first file's "
                                f"have {self.row_shapes[self.tops.index(name)]}.", where=where)
        if data[0].shape[0] == 0:
            raise DataError(f"HDF5 file '{path}' holds no rows.", where=where)
        self.data = data
        self.loaded = int(index)
        self.row_perm = np.arange(data[0].shape[0])
        if self.shuffle:
            self.row_perm = self.ctx.rng.permutation(data[0].shape[0])

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        for t, shape in zip(top, self.row_shapes):
            t.reshape((self.batch_size, *shape))

    def _next(self) -> None:
        """Advance one row (Caffe's Next): to the next file at the end of one, and wrap."""
        self.current_row += 1
        if self.current_row < self.data[0].shape[0]:
            return
        if len(self.files) > 1:
            self.current_file += 1
            if self.current_file == len(self.files):
                self.current_file = 0
                if self.shuffle:
                    self.file_perm = self.ctx.rng.permutation(len(self.files))
            self._load(self.file_perm[self.current_file])
        self.current_row = 0
        if self.shuffle:
            self.row_perm = self.ctx.rng.permutation(self.data[0].shape[0])

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        # Gather the batch's (file, row) positions first, then copy each file's rows in one go.
        pieces: list[tuple[list[np.ndarray], np.ndarray, int]] = []
        filled = 0
        while filled < self.batch_size:
            take = min(self.batch_size - filled, self.data[0].shape[0] - self.current_row)
            rows = self.row_perm[self.current_row: self.current_row + take]
            pieces.append((self.data, rows, filled))
            filled += take
            self.current_row += take - 1
            self._next()
        for data, rows, start in pieces:
            for t, d in zip(top, data):
                t.data[start: start + len(rows)] = d[rows]

    # -- resume support ----------------------------------------------------------------
    def state(self) -> dict:
        return {
            "file": int(self.current_file),
            "row": int(self.current_row),
            "file_permutation": [int(i) for i in self.file_perm],
            "row_permutation": [int(i) for i in self.row_perm],
        }

    def restore(self, state: dict) -> None:
        self.file_perm = np.asarray(state["file_permutation"], dtype=np.int64)
        self.current_file = int(state["file"])
        if int(self.file_perm[self.current_file]) != self.loaded:
            self._load(self.file_perm[self.current_file])
        self.row_perm = np.asarray(state["row_permutation"], dtype=np.int64)
        self.current_row = int(state["row"])
