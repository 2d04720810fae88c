"""The optional numba kernels' switch, shared by the layers and the updates.

With numba installed (`pip install 'sgdtrain[fast]'`) and SGDTRAIN_KERNELS=numba
in the environment, a few memory-bound steps (max pooling, col2im, conv1's
im2col, the SGD update) run as one compiled loop each instead of several numpy
passes. Every kernel gives bit for bit the numpy path's result: the same
operations in the same order. They are off by default because importing
numba's LLVM adds ~130 MiB to a run's peak RSS (README, "Speed").
"""

from __future__ import annotations

import functools
import importlib.util
import os

ENV = "SGDTRAIN_KERNELS"


@functools.cache
def available() -> bool:
    """Whether numba is installed (found, not imported: importing it takes ~0.3 s)."""
    return importlib.util.find_spec("numba") is not None


def enabled() -> bool:
    """Whether the compiled kernels are used: SGDTRAIN_KERNELS=numba and numba is installed."""
    return os.environ.get(ENV, "numpy") == "numba" and available()


def jit(fn):
    """Compile `fn` with numba: cached on disk (compiled once per machine, ~0.5 s), no fastmath
    (IEEE operations in source order, no fused multiply-add: numpy's rounding exactly)."""
    import numba  # only a process that runs a kernel pays for the import

    return numba.njit(cache=True, nogil=True, boundscheck=False)(fn)
