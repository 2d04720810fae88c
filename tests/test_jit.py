"""The kernels' switch: off by default, on with SGDTRAIN_KERNELS=numba where numba is installed."""

import pytest

from sgdtrain import jit


def test_off_by_default_and_switched_by_the_environment(monkeypatch):
    monkeypatch.delenv(jit.ENV, raising=False)
    assert not jit.enabled()  # off by default: numba's LLVM costs ~115 MiB of RSS
    monkeypatch.setenv(jit.ENV, "numpy")
    assert not jit.enabled()
    monkeypatch.setenv(jit.ENV, "numba")
    assert jit.enabled() == jit.available()


def test_without_numba_the_switch_stays_off(monkeypatch):
    monkeypatch.setattr(jit.importlib.util, "find_spec", lambda name: None)
    jit.available.cache_clear()
    try:
        monkeypatch.setenv(jit.ENV, "numba")
        assert not jit.available() and not jit.enabled()
    finally:
        monkeypatch.undo()
        jit.available.cache_clear()


@pytest.mark.skipif(not jit.available(), reason="numba is not installed")
def test_layers_do_not_import_numba_until_a_kernel_runs():
    import subprocess
    import sys

    code = ("import sys; import sgdtrain.layers, sgdtrain.updates, sgdtrain.solver; "
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
