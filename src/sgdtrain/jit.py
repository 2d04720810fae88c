"""The optional compiled kernels: their switch, and where their machine code comes from.

With numba installed (`pip install 'sgdtrain[fast]'`) and SGDTRAIN_KERNELS=numba
in the environment, a few memory-bound steps (max pooling, col2im, conv1's
im2col, the SGD update) run as one compiled loop each instead of several numpy
passes. Every kernel gives bit for bit the numpy path's result: the same
operations in the same order (tests/layers/test_kernels.py).

The kernels are compiled ahead of time, not in the training process: numba's
`pycc` turns a kernel set into a small CPython extension module in a child
process (`python -m sgdtrain.aot_build`, a few seconds, once per machine and
geometry), which is cached on disk and then imported like any extension. So
the training process never loads numba or LLVM (importing numba takes 91 MB
of RSS against numpy's 25 MB, and compiling in the process brought a full
LeNet run's peak from 187 to 289 MiB); a loaded kernel module costs under
1 MiB. Where a build fails (no C compiler, a numba without pycc), the layers
keep their numpy paths and one note says why.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.machinery
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ENV = "SGDTRAIN_KERNELS"
CACHE_ENV = "SGDTRAIN_CACHE"


@functools.cache
def available() -> bool:
    """Whether numba is installed (found, not imported)."""
    return importlib.util.find_spec("numba") is not None


def enabled() -> bool:
    """Whether the compiled kernels are used: SGDTRAIN_KERNELS=numba and numba is installed."""
    return os.environ.get(ENV, "numpy") == "numba" and available()


def c_compiler() -> str | None:
    """The C compiler pycc links with ($CC, else cc, gcc or clang), or None."""
    import shutil

    for name in filter(None, [os.environ.get("CC", "").split(" ")[0], "cc", "gcc", "clang"]):
        if path := shutil.which(name):
            return path
    return None


def cache_dir() -> Path:
    """$SGDTRAIN_CACHE, else $XDG_CACHE_HOME/sgdtrain, else ~/.cache/sgdtrain; kernels go in `kernels/`."""
    root = os.environ.get(CACHE_ENV)
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "sgdtrain")
    return Path(root) / "kernels"


def _cpu_identity() -> str:
    """What the machine code depends on: it is built for this CPU (-march=native's equivalent)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return line
    except OSError:
        pass
    return platform.processor() or platform.machine()


def module_name(source_module: str, factory: str, constants: tuple) -> str:
    """The extension module's name: a hash of everything its machine code depends on."""
    from importlib.metadata import version

    spec = importlib.util.find_spec(source_module)
    source = Path(spec.origin).read_bytes() if spec and spec.origin else b""
    key = hashlib.sha256()
    for part in (source, factory, repr(constants), version("numba"), sys.version, platform.machine(),
                 _cpu_identity()):
        key.update(part if isinstance(part, bytes) else part.encode())
    return "sgdtrain_kernels_" + key.hexdigest()[:24]


_NOTED: set[str] = set()


def _note(message: str) -> None:
    if message not in _NOTED:  # once per process
        _NOTED.add(message)
        print(f"sgdtrain: {message}", file=sys.stderr)


@functools.cache
def compiled(source_module: str, factory: str, *constants) -> ModuleType | None:
    """The compiled kernel set `factory(*constants)` of `source_module`, or None if it cannot be had.

    Built on first use by a child process and cached as
    <cache_dir>/<module_name><extension suffix>; later calls and later runs import it.
    """
    constants = tuple(c if isinstance(c, bool) else int(c) for c in constants)  # JSON for the child
    name = module_name(source_module, factory, constants)
    folder = cache_dir()
    path = folder / (name + importlib.machinery.EXTENSION_SUFFIXES[0])
    if not path.exists():
        error = _build(source_module, factory, constants, name, folder)
        if error:
            _note(f"the compiled kernel {factory}{constants} could not be built, so its numpy path runs "
                  f"instead ({error}).")
            return None
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError as exc:  # e.g. a cache copied from another machine
        _note(f"the cached kernel {path} does not load ({exc}); delete it to rebuild.")
        return None
    return module


def _build(source_module: str, factory: str, constants: tuple, name: str, folder: Path) -> str | None:
    """Run the child that compiles the module into `folder`; returns an error text, None on success."""
    if c_compiler() is None:
        return "no C compiler (cc, gcc or clang, or $CC) found; numba's pycc links with one"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the kernel cache {folder}: {exc.strerror}; set {CACHE_ENV} to a writable folder"
    package_root = str(Path(__file__).resolve().parent.parent)  # the child imports this very sgdtrain
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
    request = json.dumps({"module": source_module, "factory": factory, "constants": list(constants),
                          "name": name, "folder": str(folder)})
    try:
        done = subprocess.run([sys.executable, "-m", "sgdtrain.aot_build", request], env=env,
                              capture_output=True, text=True, timeout=600, cwd=tempfile.gettempdir())
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return lines[-1] if lines else f"exit status {done.returncode}"
    return None
