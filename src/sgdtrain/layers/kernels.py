"""Compiled layer loops (numba), each bit for bit equal to the numpy path beside it.

numpy does these steps as several passes over the data: max pooling compares
one window offset at a time, col2im adds one kernel row at a time, each pass
with its own temporaries. One compiled loop makes one pass. The additions
onto each element come in the numpy path's order, so results are identical
(tests/layers/test_kernels.py); only the time changes (`make bench`).

Each kernel set is built for one geometry, whose sizes are then compile-time
constants: the loops over the window unroll and the channel loop vectorises
(with the sizes passed as arguments the same loops measured 8x slower). The
`*_source` factories hold the Python code that numba compiles ahead of time
(sgdtrain/jit.py); the functions below them call the compiled code when
`sgdtrain.jit.enabled()` and the arrays are C-contiguous float32/float64, and
return False otherwise, leaving the work to the numpy path.
"""

from __future__ import annotations

import collections

import numpy as np

from sgdtrain import jit

CALLS: collections.Counter[str] = collections.Counter()  # kernel runs, by name: lets tests see them taken

_TYPES = {np.dtype(np.float32): "f4", np.dtype(np.float64): "f8"}


def _for_types(signatures: dict[str, str], **functions) -> dict:
    """Exports `name_f4` and `name_f8` of each function, `{t}` in its signature standing for the float type."""
    return {f"{name}_{t}": (fn, signatures[name].format(t=t)) for name, fn in functions.items() for t in ("f4", "f8")}


def _ready(*arrays: np.ndarray, index: np.ndarray | None = None) -> str | None:
    """The float type code when every array is C-contiguous and of one float type (and `index` int8)."""
    t = _TYPES.get(arrays[0].dtype)
    if t is None or any(a.dtype != arrays[0].dtype or not a.flags.c_contiguous for a in arrays):
        return None
    if index is not None and (index.dtype != np.int8 or not index.flags.c_contiguous):
        return None
    return t


def _run(factory: str, constants: tuple, export: str, t: str | None, *args) -> bool:
    """Run `export`_`t` of the compiled `factory(*constants)`; False when the kernels are off, there is
    no type `t` or no module."""
    module = jit.compiled(__name__, factory, *constants) if t and jit.enabled() else None
    if module is None:
        return False
    getattr(module, f"{export}_{t}")(*args)
    CALLS[factory.removesuffix("_source") + "." + export] += 1
    return True


def max_pool_tiled_source(kh: int, kw: int) -> dict:
    """Max pooling whose kh x kw windows tile the input exactly (stride = kernel, no pad),
    over channels-last arrays.

    forward(x (N,H,W,C), y (N,H/kh,W/kw,C), idx): as the numpy path,
    y = fmax over the window offsets in row-major order (NaN never wins) and
    idx = the first offset strictly greater than the running maximum (Caffe's
    first-max rule). backward(dy, idx, dx): dy routed to each window's winner.
    """

    def forward(x, y, idx):
        n, oh, ow, c = y.shape
        for i in range(n):
            for a in range(oh):
                for b in range(ow):
                    for ch in range(c):
                        m = x[i, kh * a, kw * b, ch]
                        k = 0
                        for p in range(kh):
                            for q in range(kw):
                                if p + q > 0:
                                    v = x[i, kh * a + p, kw * b + q, ch]
                                    if v > m:
                                        k = p * kw + q
                                    if v > m or (m != m and v == v):  # m = fmax(m, v)
                                        m = v
                        y[i, a, b, ch] = m
                        idx[i, a, b, ch] = k

    def backward(dy, idx, dx):
        n, oh, ow, c = dy.shape
        one, zero = dx.dtype.type(1), dx.dtype.type(0)
        # dx in memory order, channels innermost, so the loop vectorises over channels
        for i in range(n):
            for a in range(oh):
                for p in range(kh):
                    for b in range(ow):
                        for q in range(kw):
                            k = p * kw + q
                            for ch in range(c):
                                # a product, as numpy's dy * (idx == k): -0.0 and inf * 0 = NaN as there
                                dx[i, kh * a + p, kw * b + q, ch] = dy[i, a, b, ch] * (one if idx[i, a, b, ch] == k
                                                                                      else zero)

    four = "{t}[:,:,:,::1]"
    return _for_types({"forward": f"void({four}, {four}, i1[:,:,:,::1])",
                       "backward": f"void({four}, i1[:,:,:,::1], {four})"}, forward=forward, backward=backward)


def max_pool_forward(kernel: tuple[int, int], x: np.ndarray, y: np.ndarray, idx: np.ndarray) -> bool:
    return _run("max_pool_tiled_source", kernel, "forward", _ready(x, y, index=idx), x, y, idx)


def max_pool_backward(kernel: tuple[int, int], dy: np.ndarray, idx: np.ndarray, dx: np.ndarray) -> bool:
    return _run("max_pool_tiled_source", kernel, "backward", _ready(dy, dx, index=idx), dy, idx, dx)


def col2im_source(kh: int, kw: int, sh: int, sw: int, dh: int, dw: int, by_position: bool) -> dict:
    """kernel(cols (N,OH,OW,KH,KW,C), dxp (N,H,W,C)): sum the column gradients onto dxp, zeroed first.

    The additions onto each input element come in the numpy path's order: by
    kernel row, then by output column (`by_position`, its contiguous-run path)
    or by kernel column. It gathers one input row at a time, which stays in
    cache while the kernel rows that reach it are added.
    """

    def kernel(cols, dxp):
        n, oh, ow, _, _, c = cols.shape
        for i in range(n):
            for r in range(dxp.shape[1]):  # one input row at a time, gathering what lands on it
                for x in range(dxp.shape[2]):
                    for ch in range(c):
                        dxp[i, r, x, ch] = 0
                for ky in range(kh):
                    t = r - dh * ky
                    if t < 0 or t % sh != 0 or t // sh >= oh:
                        continue
                    y = t // sh
                    if by_position:
                        for x in range(ow):
                            for kx in range(kw):
                                for ch in range(c):
                                    dxp[i, r, sw * x + dw * kx, ch] += cols[i, y, x, ky, kx, ch]
                    else:
                        for kx in range(kw):
                            for x in range(ow):
                                for ch in range(c):
                                    dxp[i, r, sw * x + dw * kx, ch] += cols[i, y, x, ky, kx, ch]

    return _for_types({"kernel": "void({t}[:,:,:,:,:,::1], {t}[:,:,:,::1])"}, kernel=kernel)


def col2im(geometry: tuple, by_position: bool, cols: np.ndarray, dxp: np.ndarray) -> bool:
    """`geometry`: (kh, kw, sh, sw, dh, dw)."""
    return _run("col2im_source", (*geometry, by_position), "kernel", _ready(cols, dxp), cols, dxp)


def im2col_transposed_source(kh: int, kw: int, sh: int, sw: int, dh: int, dw: int) -> dict:
    """kernel(xp (N,H,W,C), out (KH,KW,C,N,OH,OW)): copy the windows of xp into out."""

    def kernel(xp, out):
        n, oh, ow = out.shape[3], out.shape[4], out.shape[5]
        for ky in range(kh):
            for kx in range(kw):
                for ch in range(xp.shape[3]):
                    for i in range(n):
                        for y in range(oh):
                            for x in range(ow):
                                out[ky, kx, ch, i, y, x] = xp[i, sh * y + dh * ky, sw * x + dw * kx, ch]

    return _for_types({"kernel": "void({t}[:,:,:,::1], {t}[:,:,:,:,:,::1])"}, kernel=kernel)


def im2col_transposed(geometry: tuple, xp: np.ndarray, out: np.ndarray) -> bool:
    """`geometry`: (kh, kw, sh, sw, dh, dw)."""
    return _run("im2col_transposed_source", geometry, "kernel", _ready(xp, out), xp, out)
