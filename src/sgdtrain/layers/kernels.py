"""Compiled layer loops (numba), each bit for bit equal to the numpy path beside it.

numpy does these steps as several passes over the data: max pooling compares
one window offset at a time, col2im adds one kernel row at a time, each pass
with its own temporaries. One compiled loop makes one pass. The additions
onto each element come in the numpy path's order, so results are identical
(tests/layers/test_kernels.py); only the time changes (`make bench`). The
layers call these only when `sgdtrain.jit.enabled()`.

Each kernel is built for one geometry, whose sizes are then compile-time
constants: the loops over the window unroll and the channel loop vectorises
(with the sizes passed as arguments the same loops measured 8x slower).
"""

from __future__ import annotations

import functools

from sgdtrain.jit import jit as _jit


@functools.cache
def max_pool_tiled(kh: int, kw: int):
    """(forward, backward) of max pooling whose kh x kw windows tile the input
    exactly (stride = kernel, no pad), over channels-last arrays.

    forward(x (N,H,W,C), y (N,H/kh,W/kw,C), idx): as the numpy path,
    y = fmax over the window offsets in row-major order (NaN never wins) and
    idx = the first offset strictly greater than the running maximum (Caffe's
    first-max rule). backward(dy, idx, dx): dy routed to each window's winner.
    """

    @_jit
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

    @_jit
    def backward(dy, idx, dx):
        n, oh, ow, c = dy.shape
        one, zero = dx.dtype.type(1), dx.dtype.type(0)
        for i in range(n):
            for a in range(oh):
                for b in range(ow):
                    for ch in range(c):
                        d = dy[i, a, b, ch]
                        k = idx[i, a, b, ch]
                        for p in range(kh):
                            for q in range(kw):
                                # a product, as numpy's dy * (idx == k): -0.0 and inf * 0 = NaN as there
                                dx[i, kh * a + p, kw * b + q, ch] = d * (one if k == p * kw + q else zero)

    return forward, backward


@functools.cache
def col2im(kh: int, kw: int, sh: int, sw: int, dh: int, dw: int, by_position: bool):
    """kernel(cols (N,OH,OW,KH,KW,C), dxp (N,H,W,C)): sum the column gradients onto dxp, zeroed first.

    The additions onto each input element come in the numpy path's order: by
    kernel row, then by output column (`by_position`, its contiguous-run path)
    or by kernel column. It gathers one input row at a time, which stays in
    cache while the kernel rows that reach it are added.
    """

    @_jit
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

    return kernel


@functools.cache
def im2col_transposed(kh: int, kw: int, sh: int, sw: int, dh: int, dw: int):
    """kernel(xp (N,H,W,C), out (KH,KW,C,N,OH,OW)): copy the windows of xp into out."""

    @_jit
    def kernel(xp, out):
        n, oh, ow = out.shape[3], out.shape[4], out.shape[5]
        for ky in range(kh):
            for kx in range(kw):
                for ch in range(xp.shape[3]):
                    for i in range(n):
                        for y in range(oh):
                            for x in range(ow):
                                out[ky, kx, ch, i, y, x] = xp[i, sh * y + dh * ky, sw * x + dw * kx, ch]

    return kernel
