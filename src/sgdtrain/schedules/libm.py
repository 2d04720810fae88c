"""The C library's float functions Caffe's GetLearningRate calls: powf and expf.

numpy's float32 power/exp ufuncs use their own vectorised implementations,
which round differently in the last bit from the C library's `powf`/`expf`;
that bit decides some printed digits (inv at iteration 40 prints 0.00997011
in Caffe). The C library is loaded through ctypes; where it cannot be found,
numpy's functions stand in.
"""

from __future__ import annotations

import ctypes
import ctypes.util

import numpy as np

_F = np.float32


def _load():
    name = ctypes.util.find_library("m") or ctypes.util.find_library("c")
    if not name:
        return None
    try:
        lib = ctypes.CDLL(name)
        powf, expf = lib.powf, lib.expf
    except (OSError, AttributeError):
        return None
    powf.restype, powf.argtypes = ctypes.c_float, [ctypes.c_float, ctypes.c_float]
    expf.restype, expf.argtypes = ctypes.c_float, [ctypes.c_float]
    return powf, expf


_LIBM = _load()


def powf(base: float, exponent: float) -> np.float32:
    if _LIBM is None:
        with np.errstate(all="ignore"):
            return _F(np.power(_F(base), _F(exponent)))
    return _F(_LIBM[0](float(base), float(exponent)))


def expf(x: float) -> np.float32:
    if _LIBM is None:
        with np.errstate(all="ignore"):
            return _F(np.exp(_F(x)))
    return _F(_LIBM[1](float(x)))
