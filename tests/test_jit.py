"""The kernels' switch and their ahead-of-time build: off by default, on with
SGDTRAIN_KERNELS=numba where numba is installed, compiled in a child process."""

import subprocess
import sys

import numpy as np
import pytest

from sgdtrain import jit


def test_off_by_default_and_switched_by_the_environment(monkeypatch):
    monkeypatch.delenv(jit.ENV, raising=False)
    assert not jit.enabled()
    monkeypatch.setenv(jit.ENV, "numpy")
    assert not jit.enabled()
    monkeypatch.setenv(jit.ENV, "numba")
    assert jit.enabled() == jit.available()


def test_the_kernel_entry_points_do_nothing_when_switched_off(monkeypatch):
    """The layers and the updater call them unconditionally; the switch lives in them."""
    from sgdtrain.layers import kernels
    from sgdtrain.updates import fused

    monkeypatch.setenv(jit.ENV, "numpy")
    x = np.ones((1, 4, 4, 2), np.float32)
    y, idx = np.zeros((1, 2, 2, 2), np.float32), np.zeros((1, 2, 2, 2), np.int8)
    assert not kernels.max_pool_forward((2, 2), x, y, idx)
    assert not (y.any() or idx.any())
    w = np.ones(3, np.float32)
    assert not fused.sgd_l2(w, w.copy(), w.copy(), np.float32(0.1), np.float32(0.9), np.float32(0.01))


def test_without_numba_the_switch_stays_off(monkeypatch):
    monkeypatch.setattr(jit.importlib.util, "find_spec", lambda name: None)
    jit.available.cache_clear()
    try:
        monkeypatch.setenv(jit.ENV, "numba")
        assert not jit.available() and not jit.enabled()
    finally:
        monkeypatch.undo()
        jit.available.cache_clear()


def test_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(jit.CACHE_ENV, str(tmp_path))
    assert jit.cache_dir() == tmp_path / "kernels"
    monkeypatch.delenv(jit.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert jit.cache_dir() == tmp_path / "xdg" / "sgdtrain" / "kernels"


needs_numba = pytest.mark.skipif(not jit.available() or not jit.c_compiler(),
                                 reason="numba or a C compiler (for its ahead-of-time build) is missing")


@needs_numba
def test_module_names_depend_on_the_geometry():
    a = jit.module_name("sgdtrain.layers.kernels", "max_pool_tiled_source", (2, 2))
    assert a == jit.module_name("sgdtrain.layers.kernels", "max_pool_tiled_source", (2, 2))
    assert a != jit.module_name("sgdtrain.layers.kernels", "max_pool_tiled_source", (3, 3))
    assert a != jit.module_name("sgdtrain.layers.kernels", "col2im_source", (2, 2))


@needs_numba
def test_a_training_process_runs_kernels_without_loading_numba_or_llvm():
    """The point of building ahead of time: numba's LLVM (~115 MiB) stays out of the process."""
    code = ("import sys, os; os.environ['SGDTRAIN_KERNELS'] = 'numba'\n"
            "import numpy as np\n"
            "from sgdtrain.layers import kernels\n"
            "x = np.arange(2 * 4 * 4 * 3, dtype=np.float32).reshape(2, 4, 4, 3)\n"
            "y = np.empty((2, 2, 2, 3), np.float32); idx = np.empty(y.shape, np.int8)\n"
            "assert kernels.max_pool_forward((2, 2), x, y, idx)\n"
            "assert (y == x.reshape(2, 2, 2, 2, 2, 3).max(axis=(2, 4))).all() and (idx == 3).all()\n"
            "print('numba' in sys.modules, 'llvmlite' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


@needs_numba
def test_a_failed_build_leaves_the_numpy_path_with_one_note(monkeypatch, tmp_path, capsys):
    from sgdtrain.layers import kernels

    monkeypatch.setenv(jit.ENV, "numba")
    monkeypatch.setenv(jit.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(jit.sys, "executable", str(tmp_path / "no-python"))  # the child cannot start
    jit.compiled.cache_clear()
    try:
        x = np.zeros((1, 4, 4, 2), np.float32)
        y = np.empty((1, 2, 2, 2), np.float32)
        idx = np.empty(y.shape, np.int8)
        assert not kernels.max_pool_forward((2, 2), x, y, idx)
        assert not kernels.max_pool_forward((2, 2), x, y, idx)
    finally:
        jit.compiled.cache_clear()
    err = capsys.readouterr().err
    assert err.count("could not be built") == 1 and "numpy path runs instead" in err


@needs_numba
def test_arrays_the_kernels_do_not_take_go_to_the_numpy_path(monkeypatch):
    from sgdtrain.layers import kernels

    monkeypatch.setenv(jit.ENV, "numba")
    y = np.empty((1, 2, 2, 2), np.float32)
    idx = np.empty(y.shape, np.int8)
    strided = np.zeros((1, 4, 2, 4), np.float32).transpose(0, 1, 3, 2)  # not C-contiguous
    assert not kernels.max_pool_forward((2, 2), strided, y, idx)
    assert not kernels.max_pool_forward((2, 2), np.zeros((1, 4, 4, 2), np.float16), y, idx)
    assert not kernels.max_pool_forward((2, 2), np.zeros((1, 4, 4, 2), np.float32), y, idx.astype(np.int16))


@needs_numba
def test_without_a_c_compiler_the_note_says_so(monkeypatch, tmp_path, capsys):
    from sgdtrain.layers import kernels

    monkeypatch.setenv(jit.ENV, "numba")
    monkeypatch.setenv(jit.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(jit, "c_compiler", lambda: None)
    jit.compiled.cache_clear()
    try:
        x = np.zeros((1, 4, 4, 2), np.float32)
        y = np.empty((1, 2, 2, 2), np.float32)
        assert not kernels.max_pool_forward((2, 2), x, y, np.empty(y.shape, np.int8))
    finally:
        jit.compiled.cache_clear()
    assert "no C compiler" in capsys.readouterr().err
    assert not (tmp_path / "kernels").exists()  # nothing attempted
