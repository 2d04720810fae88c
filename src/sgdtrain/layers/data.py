"""Data: batches of records from an LMDB or MNIST/IDX source (see data/sources.py).

Records are read in order, `batch_size` at a time, wrapping to the first
record at the end (a batch may straddle the end; there are no partial
batches), then transformed (transform_param: crop, mirror, mean, scale).
Top 0 is the data, the optional top 1 the labels (as floats). Each Data layer
keeps its own cursor; `state()`/`restore()` expose it (and the transformer's
generator) so a snapshot can resume the exact data order.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.blobproto import blob_from_proto
from sgdtrain.data.sources import LmdbSource, RecordSource, open_source
from sgdtrain.data.transform import DataTransformer
from sgdtrain.errors import ConfigError, DataError
from sgdtrain.layers.base import Layer, register
from sgdtrain.proto import caffe_pb2


@register
class DataLayer(Layer):
    type = "Data"
    exact_num_bottom = 0
    min_top = 1
    max_top = 2

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.data_param
        if not p.source:
            raise self.error("has no data_param { source: ... }.", "Name an LMDB directory or an MNIST images file.",
                             "data_param")
        if p.batch_size <= 0:
            raise self.error("needs data_param { batch_size: N } with N > 0.", None, "data_param", "batch_size")
        self.batch_size = p.batch_size
        path = self.ctx.resolve(p.source, "data source", self.ctx.where("data_param", "source"))
        try:
            self.source: RecordSource = open_source(path)
        except DataError as exc:
            raise DataError(exc.problem, where=self.ctx.where("data_param", "source"), fix=exc.fix) from None
        if isinstance(self.source, LmdbSource):
            self.ctx.log("db_lmdb.cpp:35", f"Opened lmdb {p.source}")
        tp = self.param.transform_param
        mean = None
        if tp.mean_file:
            if len(tp.mean_value):
                raise self.error("sets both mean_file and mean_value.", "Use one of them (Caffe's rule).",
                                 "transform_param")
            mean = self._read_mean(tp.mean_file)
        # The transformer draws from its own generator, seeded from the net's (Caffe's InitRand).
        seed = int(self.ctx.rng.integers(0, 2**63 - 1))
        self.transformer = DataTransformer(tp, self.phase, np.random.default_rng(seed), mean)
        problem = self.transformer.check(self.source.shape)
        if problem:
            raise self.error(f"cannot transform its records: {problem}.", "Correct transform_param.", "transform_param")
        self.cursor = 0
        self.output_labels = len(top) > 1
        shape = self.transformer.output_shape(self.source.shape)
        self.ctx.log("data_layer.cpp:45", "output data size: " + ",".join(str(d) for d in (self.batch_size, *shape)))

    def _read_mean(self, mean_file: str) -> np.ndarray:
        path = self.ctx.resolve(mean_file, "mean file", self.ctx.where("transform_param", "mean_file"))
        proto = caffe_pb2.BlobProto()
        try:
            proto.ParseFromString(path.read_bytes())
            mean = blob_from_proto(proto)
        except Exception as exc:  # a file that is not a BlobProto
            raise ConfigError(f"the mean file '{path}' is not a binary BlobProto ({exc}).",
                              where=self.ctx.where("transform_param", "mean_file")) from None
        return mean.reshape(mean.shape[-3:]) if mean.ndim == 4 else mean

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        shape = self.transformer.output_shape(self.source.shape)
        top[0].reshape((self.batch_size, *shape))
        if self.output_labels:
            top[1].reshape((self.batch_size,))

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        images, labels = self.source.read(self.cursor, self.batch_size)
        n = len(self.source)
        end = self.cursor + self.batch_size
        if end >= n:
            # Caffe logs this from its prefetch thread when the cursor passes the last record.
            self.ctx.log("data_layer.cpp:73", "Restarting data prefetching from start.")
        self.cursor = end % n
        shape = self.transformer.output_shape(images.shape[1:])
        if top[0].shape[1:] != shape:
            top[0].reshape((self.batch_size, *shape))  # the batch shape follows its records
        self.transformer(images, top[0].data)
        if self.output_labels:
            top[1].data[...] = labels

    # -- resume support ----------------------------------------------------------------
    def state(self) -> dict:
        return {"cursor": self.cursor, "rng": self.transformer.rng.bit_generator.state}

    def restore(self, state: dict) -> None:
        self.cursor = int(state["cursor"]) % len(self.source)
        self.transformer.rng.bit_generator.state = state["rng"]
