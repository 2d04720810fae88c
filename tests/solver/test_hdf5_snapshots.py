"""snapshot_format: HDF5 writes Caffe's HDF5 layout and resumes from it exactly."""

from __future__ import annotations

import shutil
from contextlib import chdir

import numpy as np
import pytest
from cli_helpers import run_cli
from solver_helpers import SOLVERS, write_config

h5py = pytest.importorskip("h5py")


def test_hdf5_layout_and_exact_resume(tmp_path):
    straight, resumed = tmp_path / "a", tmp_path / "b"
    write_config(straight, SOLVERS["Adam"], "snapshot_format: HDF5\nsnapshot_diff: true")
    with chdir(straight):
        r = run_cli("train", "--solver", "solver.prototxt", "--no-progress")
    assert r.code == 0, r.err[-1500:]
    assert "Snapshotting to HDF5 file snaps/small_iter_8.caffemodel.h5" in r.err
    with h5py.File(straight / "snaps" / "small_iter_16.caffemodel.h5") as f:
        assert set(f) == {"data", "diff"} and f["data/conv1/0"].shape == (4, 1, 5, 5)
        assert list(f["data/pool1"]) == []  # layers without parameters get empty groups
    with h5py.File(straight / "snaps" / "small_iter_16.solverstate.h5") as f:
        assert int(np.asarray(f["iter"])) == 16 and len(f["history"]) == 12
        assert f["learned_net"][()].decode() == "snaps/small_iter_16.caffemodel.h5"
    write_config(resumed, SOLVERS["Adam"], "snapshot_format: HDF5\nsnapshot_diff: true")
    (resumed / "snaps").mkdir()
    for ext in (".caffemodel.h5", ".solverstate.h5"):
        shutil.copy(straight / "snaps" / f"small_iter_8{ext}", resumed / "snaps")
    with chdir(resumed):
        r = run_cli("train", "--solver", "solver.prototxt", "--snapshot", "snaps/small_iter_8.solverstate.h5",
                    "--no-progress")
    assert r.code == 0, r.err[-1500:]
    with h5py.File(straight / "snaps" / "small_iter_16.caffemodel.h5") as a, \
            h5py.File(resumed / "snaps" / "small_iter_16.caffemodel.h5") as b:
        for name in a["data"]:
            for k in a["data"][name]:
                np.testing.assert_array_equal(a["data"][name][k], b["data"][name][k])
