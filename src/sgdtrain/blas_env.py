"""A default for OpenBLAS's idle-thread behaviour, set before numpy loads.

After each BLAS call OpenBLAS's worker threads busy-wait for a new job (by
default for 2^28 cycles, about 0.1 s). sgdtrain alternates BLAS calls with
single-threaded numpy work (im2col, pooling, the update), which then competes
with a spinning worker for the machine's other core: on the 2-core reference
machine with OPENBLAS_CORETYPE=Haswell a LeNet step took ~18 ms instead of
~12 ms. A short timeout lets the workers sleep at once.

Only a default: a value the user has set in OPENBLAS_THREAD_TIMEOUT is kept,
and nothing changes when numpy was imported before sgdtrain set it.
"""

from __future__ import annotations

import os

THREAD_TIMEOUT = "4"  # 2^4 cycles of spinning, then sleep


def apply_default() -> None:
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", THREAD_TIMEOUT)
