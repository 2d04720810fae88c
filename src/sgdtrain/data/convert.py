"""`sgdtrain convert-mnist`: Caffe's examples/mnist/convert_mnist_data, for LMDB.

Writes one Datum per image (channels 1, rows x cols uint8 pixels, the label)
under keys `%08d` in file order, committing every 1000 records, as Caffe does,
so that its Data layer (and sgdtrain's) reads the same records in the same order.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from sgdtrain.data import idx
from sgdtrain.data.datum import array_to_datum
from sgdtrain.errors import DataError

LMDB_MAP_SIZE = 1 << 40  # Caffe's db_lmdb.hpp: 1 TB of address space, sparse on disk
COMMIT_EVERY = 1000


def convert_mnist(
    images_path: Path, labels_path: Path, out: Path, log: Callable[[str], None] = lambda s: None
) -> int:
    """Write an LMDB at `out` (which must not exist); returns the record count."""
    import lmdb

    images = idx.read_idx(images_path, idx.IMAGES_MAGIC)
    labels = idx.read_idx(labels_path, idx.LABELS_MAGIC)
    if images.shape[0] != labels.shape[0]:
        raise DataError(
            f"'{images_path}' holds {images.shape[0]} images but '{labels_path}' {labels.shape[0]} labels.",
            fix="Give the labels file that belongs to these images.",
        )
    if out.exists():
        raise DataError(f"'{out}' already exists.", fix="Remove it or choose another output path (Caffe refuses too).")
    n, rows, cols = images.shape
    log(f"A total of {n} items.")
    log(f"Rows: {rows} Cols: {cols}")
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    env = lmdb.open(str(tmp), map_size=LMDB_MAP_SIZE)
    try:
        txn = env.begin(write=True)
        for i in range(n):
            txn.put(b"%08d" % i, array_to_datum(images[i], labels[i]).SerializeToString(), append=True)
            if (i + 1) % COMMIT_EVERY == 0:
                txn.commit()
                txn = env.begin(write=True)
        txn.commit()
        env.sync()
    finally:
        env.close()
    tmp.rename(out)  # a crash leaves only the .partial directory, never a short database
    log(f"Processed {n} files.")
    return n
