import json

import numpy as np
import pytest
from layer_helpers import build

from sgdtrain.errors import ConfigError, DataError
from sgdtrain.layers import hdf5_data

h5py = pytest.importorskip("h5py")

H5 = ('name: "d" type: "HDF5Data" top: "data" top: "label" '
      'hdf5_data_param {{ source: "{source}" batch_size: {batch} {extra} }}')


def write_files(folder, sizes, row_shape=(2, 3)):
    """Files whose rows are numbered consecutively across files: data row r is r everywhere, label r is r."""
    paths, start = [], 0
    for i, n in enumerate(sizes):
        rows = np.arange(start, start + n)
        path = folder / f"part{i}.h5"
        with h5py.File(path, "w") as f:
            f["data"] = np.broadcast_to(rows.reshape((n,) + (1,) * len(row_shape)), (n, *row_shape)).astype(np.float64)
            f["label"] = rows.astype(np.int32)  # integer datasets are read as floats, as in Caffe
        paths.append(path)
        start += n
    return paths


def source_file(folder, paths, name="list.txt"):
    src = folder / name
    src.write_text("\n".join(str(p) for p in paths) + "\n")
    return src


def batch_rows(layer, top, n_batches):
    out = []
    for _ in range(n_batches):
        layer.forward([], top)
        labels = top[1].data.copy()
        # every element of a data row holds its row number
        np.testing.assert_array_equal(top[0].data, np.broadcast_to(labels.reshape(-1, 1, 1), top[0].shape))
        out.append(labels.astype(int).tolist())
    return out


def batch_rows_flat(layer, top, n):
    """Labels only (for rows without a trailing shape)."""
    out = []
    for _ in range(n):
        layer.forward([], top)
        out.append(top[1].data.astype(int).tolist())
    return out


def test_batches_in_order_wrapping_across_files(tmp_path):
    src = source_file(tmp_path, write_files(tmp_path, [5, 3]))
    layer, top = build(H5.format(source=src, batch=3, extra=""), [])
    assert top[0].shape == (3, 2, 3) and top[1].shape == (3,)
    assert batch_rows(layer, top, 4) == [[0, 1, 2], [3, 4, 5], [6, 7, 0], [1, 2, 3]]


def test_single_file_wraps_to_its_first_row(tmp_path):
    src = source_file(tmp_path, write_files(tmp_path, [4], row_shape=()))
    layer, top = build(H5.format(source=src, batch=3, extra=""), [])
    assert top[0].shape == (3,)
    assert batch_rows_flat(layer, top, 3) == [[0, 1, 2], [3, 0, 1], [2, 3, 0]]


def test_batch_larger_than_a_file(tmp_path):
    src = source_file(tmp_path, write_files(tmp_path, [2, 1]))
    layer, top = build(H5.format(source=src, batch=5, extra=""), [])
    assert batch_rows(layer, top, 2) == [[0, 1, 2, 0, 1], [2, 0, 1, 2, 0]]


def test_shuffle_is_a_reproducible_permutation(tmp_path):
    src = source_file(tmp_path, write_files(tmp_path, [6, 4]))
    runs = []
    for seed in (7, 7, 8):
        layer, top = build(H5.format(source=src, batch=5, extra="shuffle: true"), [], seed=seed)
        runs.append(batch_rows(layer, top, 4))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    first_epoch = sorted(sum(runs[0][:2], []))
    assert first_epoch == list(range(10))  # every row once per pass
    # a file's rows stay together: the first 6 or 4 rows of the pass come from one file
    head = sum(runs[0][:2], [])
    assert set(head[:6]) == set(range(6)) or set(head[:4]) == set(range(6, 10))


def test_state_and_restore_resume_the_same_batches(tmp_path):
    src = source_file(tmp_path, write_files(tmp_path, [5, 4, 3]))
    text = H5.format(source=src, batch=4, extra="shuffle: true")
    layer, top = build(text, [], seed=3)
    batch_rows(layer, top, 2)
    state = json.loads(json.dumps(layer.state()))
    rng_state = layer.ctx.rng.bit_generator.state
    expected = batch_rows(layer, top, 5)
    other, other_top = build(text, [], seed=99)
    other.ctx.rng.bit_generator.state = rng_state
    other.restore(state)
    assert batch_rows(other, other_top, 5) == expected


def test_relative_paths_resolve_through_the_context(tmp_path, monkeypatch):
    (tmp_path / "h5").mkdir()
    write_files(tmp_path / "h5", [2])
    (tmp_path / "list.txt").write_text("h5/part0.h5\n")
    monkeypatch.chdir(tmp_path)
    layer, top = build(H5.format(source="list.txt", batch=2, extra=""), [])
    assert batch_rows(layer, top, 1) == [[0, 1]]


def test_transform_param_is_refused(tmp_path):
    src = source_file(tmp_path, write_files(tmp_path, [2]))
    with pytest.raises(ConfigError, match="does not transform data"):
        build(H5.format(source=src, batch=2, extra="") + " transform_param { scale: 0.5 }", [])


@pytest.mark.parametrize(
    "batch,contents,match",
    [
        (0, None, "batch_size"),
        (2, "", "at least 1 HDF5 filename"),
        (2, "missing.h5\n", "does not exist|failed opening"),
    ],
)
def test_configuration_errors(tmp_path, batch, contents, match):
    src = source_file(tmp_path, write_files(tmp_path, [2]))
    if contents is not None:
        src.write_text(contents)
    with pytest.raises((ConfigError, DataError), match=match):
        build(H5.format(source=src, batch=batch, extra=""), [])


def test_missing_source_list(tmp_path):
    with pytest.raises(ConfigError, match="failed to open source file"):
        build(H5.format(source=tmp_path / "nope.txt", batch=2, extra=""), [])


def test_missing_dataset(tmp_path):
    src = source_file(tmp_path, write_files(tmp_path, [2]))
    text = H5.format(source=src, batch=2, extra="").replace('top: "label"', 'top: "target"')
    with pytest.raises(DataError, match="no dataset 'target'"):
        build(text, [])


def test_row_count_mismatch(tmp_path):
    path = tmp_path / "bad.h5"
    with h5py.File(path, "w") as f:
        f["data"] = np.zeros((3, 2))
        f["label"] = np.zeros(2)
    with pytest.raises(DataError, match="has 2 rows"):
        build(H5.format(source=source_file(tmp_path, [path]), batch=2, extra=""), [])


def test_missing_h5py_names_the_extra(tmp_path, monkeypatch):
    src = source_file(tmp_path, write_files(tmp_path, [2]))
    monkeypatch.setattr(hdf5_data, "_h5py", lambda: None)
    with pytest.raises(ConfigError, match=r"pip install 'sgdtrain\[hdf5\]'"):
        build(H5.format(source=src, batch=2, extra=""), [])


def test_no_backward(tmp_path):
    src = source_file(tmp_path, write_files(tmp_path, [2]))
    layer, _ = build(H5.format(source=src, batch=2, extra=""), [])
    assert not layer.has_backward
