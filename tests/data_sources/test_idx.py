"""MNIST/IDX files and the embedded Fashion-MNIST subset."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import LMDB_ORACLE, REPO

from sgdtrain.data.idx import labels_path_for, read_idx, write_idx
from sgdtrain.data.sources import IdxSource, open_source
from sgdtrain.errors import DataError

EMBEDDED = REPO / "data" / "fashion-mnist"


def test_embedded_subset_has_the_promised_records():
    train = open_source(EMBEDDED / "train-first16000-images-idx3-ubyte.gz")
    test = open_source(EMBEDDED / "t10k-images-idx3-ubyte.gz")
    assert isinstance(train, IdxSource) and len(train) == 16000 and len(test) == 10000
    # Fashion-MNIST's first training labels, in file order
    assert train.labels[:10].astype(int).tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    # the embedded test set starts with the same records as Caffe's converted oracle
    oracle = read_idx(LMDB_ORACLE / "inputs" / "t10k-first1000-images-idx3-ubyte")
    np.testing.assert_array_equal(test.images[:1000, 0], oracle)


def test_gzipped_and_plain_idx_read_the_same(tmp_path):
    a = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "x-images-idx3-ubyte.gz", a)
    write_idx(tmp_path / "x-images-idx3-ubyte", a, compress=False)
    np.testing.assert_array_equal(read_idx(tmp_path / "x-images-idx3-ubyte.gz"), a)
    np.testing.assert_array_equal(read_idx(tmp_path / "x-images-idx3-ubyte"), a)


def test_labels_file_is_found_by_mnist_naming(tmp_path):
    assert labels_path_for(tmp_path / "train-images-idx3-ubyte.gz").name == "train-labels-idx1-ubyte.gz"
    write_idx(tmp_path / "a-images-idx3-ubyte", np.zeros((2, 2, 2), np.uint8))
    with pytest.raises(DataError, match="no labels file"):
        open_source(tmp_path / "a-images-idx3-ubyte")


def test_sources_that_are_not_data_get_clear_errors(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DataError, match="neither an LMDB"):
        open_source(tmp_path / "notes.txt")
    (tmp_path / "leveldb").mkdir()
    (tmp_path / "leveldb" / "CURRENT").write_text("MANIFEST-000001")
    with pytest.raises(DataError, match="LevelDB"):
        open_source(tmp_path / "leveldb")
