"""LMDB interop against the database real Caffe's convert_mnist_data wrote."""

from __future__ import annotations

import hashlib

import lmdb
import numpy as np
from conftest import LMDB_ORACLE

from sgdtrain.data.convert import convert_mnist
from sgdtrain.data.idx import read_idx
from sgdtrain.data.sources import LmdbSource, open_source

ORACLE_DB = LMDB_ORACLE / "fashion_t10k_first1000_lmdb"
IMAGES = LMDB_ORACLE / "inputs" / "t10k-first1000-images-idx3-ubyte"
LABELS = LMDB_ORACLE / "inputs" / "t10k-first1000-labels-idx1-ubyte"


def oracle_records() -> list[tuple[str, str, int]]:
    rows = []
    for line in (LMDB_ORACLE / "record_md5.txt").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        key, md5, label = line.split()
        rows.append((key, md5, int(label)))
    return rows


def entries(path) -> list[tuple[bytes, bytes]]:
    env = lmdb.open(str(path), readonly=True, lock=False)
    try:
        with env.begin() as txn:
            return list(txn.cursor())
    finally:
        env.close()


def test_oracle_reads_back_the_records_its_readme_lists():
    records = oracle_records()
    assert len(records) == 1000
    got = entries(ORACLE_DB)
    assert [k.decode() for k, _ in got] == [r[0] for r in records]
    assert [hashlib.md5(v).hexdigest() for _, v in got] == [r[1] for r in records]
    assert records[0] == ("00000000", "0103940053bddbcc8dfe7ee9c1cd801b", 9)
    assert records[999][2] == 7


def test_source_yields_the_pixels_and_labels_in_key_order():
    src = open_source(ORACLE_DB)
    assert isinstance(src, LmdbSource) and len(src) == 1000 and src.shape == (1, 28, 28)
    images, labels = src.read(0, 3)
    raw = read_idx(IMAGES)
    np.testing.assert_array_equal(images[:, 0], raw[:3])
    assert labels.tolist() == [r[2] for r in oracle_records()[:3]]
    # wrap-around: a batch straddling the end continues with record 0
    images, labels = src.read(998, 4)
    np.testing.assert_array_equal(images[:, 0], raw[[998, 999, 0, 1]])
    src.close()


def test_convert_mnist_writes_records_byte_identical_to_caffes(tmp_path):
    out = tmp_path / "converted_lmdb"
    lines: list[str] = []
    assert convert_mnist(IMAGES, LABELS, out, lines.append) == 1000
    assert lines == ["A total of 1000 items.", "Rows: 28 Cols: 28", "Processed 1000 files."]
    assert entries(out) == entries(ORACLE_DB)
    first = entries(out)[0][1]
    assert first[:9] == bytes.fromhex("0801101c181c229006") and first[-2:] == b"\x28\x09"


def test_convert_refuses_an_existing_output(tmp_path):
    import pytest

    from sgdtrain.errors import DataError

    (tmp_path / "db").mkdir()
    with pytest.raises(DataError, match="already exists"):
        convert_mnist(IMAGES, LABELS, tmp_path / "db")


def test_two_sources_on_one_database_read_independently():
    # A train net and a test net may read the same LMDB (Caffe's autoencoder tests on its training set).
    # LMDB allows one open environment per database and process (py-lmdb >= 3 refuses a second open), so
    # the sources share it, each with its own cursor.
    raw = read_idx(IMAGES)
    a, b = open_source(ORACLE_DB), open_source(ORACLE_DB)
    np.testing.assert_array_equal(a.read(0, 5)[0][:, 0], raw[:5])
    np.testing.assert_array_equal(b.read(0, 2)[0][:, 0], raw[:2])
    np.testing.assert_array_equal(a.read(5, 2)[0][:, 0], raw[5:7])
    a.close()
    np.testing.assert_array_equal(b.read(2, 3)[0][:, 0], raw[2:5])
    c = open_source(ORACLE_DB)
    np.testing.assert_array_equal(c.read(999, 2)[0][:, 0], raw[[999, 0]])
    b.close()
    c.close()
