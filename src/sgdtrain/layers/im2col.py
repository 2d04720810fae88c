"""im2col / col2im over channels-last (N x H x W x C) arrays.

A column matrix has one row per output position (n, y, x) and one column per
(ky, kx, c) of the receptive field, so every row is built from `kw * C`-long
contiguous runs of the input and the convolution is one GEMM whose result is
already N x OH x OW x O, i.e. channels-last output with no transpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided

from sgdtrain.layers import kernels


@dataclass(frozen=True)
class Geometry:
    """2-D convolution geometry: kernel, stride, pad, dilation (each (h, w)) and sizes."""

    kernel: tuple[int, int]
    stride: tuple[int, int]
    pad: tuple[int, int]
    dilation: tuple[int, int]
    in_hw: tuple[int, int]

    @property
    def out_hw(self) -> tuple[int, int]:
        """Caffe's output size: (in + 2 pad - (dilation (k - 1) + 1)) / stride + 1, floored."""
        return tuple(  # type: ignore[return-value]
            (i + 2 * p - (d * (k - 1) + 1)) // s + 1
            for i, p, d, k, s in zip(self.in_hw, self.pad, self.dilation, self.kernel, self.stride)
        )

    @property
    def padded_hw(self) -> tuple[int, int]:
        return (self.in_hw[0] + 2 * self.pad[0], self.in_hw[1] + 2 * self.pad[1])


def window_view(xp: np.ndarray, g: Geometry) -> np.ndarray:
    """The (N, OH, OW, KH, KW, C) view of padded channels-last input `xp`."""
    n, _, _, c = xp.shape
    oh, ow = g.out_hw
    sn, sh, sw, sc = xp.strides
    return as_strided(
        xp,
        shape=(n, oh, ow, g.kernel[0], g.kernel[1], c),
        strides=(sn, sh * g.stride[0], sw * g.stride[1], sh * g.dilation[0], sw * g.dilation[1], sc),
        writeable=False,
    )


def im2col(xp: np.ndarray, g: Geometry, out: np.ndarray) -> np.ndarray:
    """Copy the windows of `xp` into `out` (N*OH*OW, KH*KW*C); returns `out`."""
    np.copyto(out.reshape(window_view(xp, g).shape), window_view(xp, g))
    return out


def im2col_transposed(xp: np.ndarray, g: Geometry, out: np.ndarray) -> np.ndarray:
    """The column matrix transposed, (KH*KW*C, N*OH*OW): for few channels (conv1 on
    images) its rows copy `OW`-long runs instead of `KW*C`-long ones, which is faster."""
    view = window_view(xp, g).transpose(3, 4, 5, 0, 1, 2)
    if not kernels.im2col_transposed((*g.kernel, *g.stride, *g.dilation), xp, out.reshape(view.shape)):
        np.copyto(out.reshape(view.shape), view)
    return out


def prefers_transposed(g: Geometry, channels: int) -> bool:
    """Whether the transposed column layout copies longer contiguous runs."""
    return g.kernel[1] * channels < g.out_hw[1] and g.stride[1] == 1 and g.dilation[1] == 1


class BiasAdder:
    """y (rows x O) += b, with the bias tiled to ~1024 values so numpy's inner loop
    runs long rows instead of O-long ones (O is small: 20 or 50 channels)."""

    def __init__(self, rows: int, channels: int):
        rep = 1
        for r in range(max(1, 1024 // max(channels, 1)), 0, -1):
            if rows % r == 0:
                rep = r
                break
        self.rep = rep
        self.width = rep * channels

    def __call__(self, y: np.ndarray, b: np.ndarray) -> None:
        flat = y.reshape(-1, self.width)
        flat += np.tile(b, self.rep) if self.rep > 1 else b


def col2im(col: np.ndarray, g: Geometry, dxp: np.ndarray) -> np.ndarray:
    """Sum the column gradients back onto padded channels-last `dxp` (zeroed here)."""
    n, _, _, c = dxp.shape
    oh, ow = g.out_hw
    kh, kw = g.kernel
    sh, sw = g.stride
    dh, dw = g.dilation
    cols = col.reshape(n, oh, ow, kh, kw, c)
    by_position = sw == 1 and dw == 1 and ow <= 4 * kw
    if kernels.col2im((kh, kw, sh, sw, dh, dw), by_position, cols, dxp):
        return dxp
    dxp.fill(0)
    if by_position:
        # Each (ky, x) block of kw*C values lands on one contiguous run of dxp.
        flat = dxp.reshape(n, dxp.shape[1], dxp.shape[2] * c)
        block = cols.reshape(n, oh, ow, kh, kw * c)
        for ky in range(kh):
            rows = slice(ky * dh, ky * dh + sh * (oh - 1) + 1, sh)
            for x in range(ow):
                flat[:, rows, x * c : (x + kw) * c] += block[:, :, x, ky, :]
    else:
        for ky in range(kh):
            rows = slice(ky * dh, ky * dh + sh * (oh - 1) + 1, sh)
            for kx in range(kw):
                cols_ = slice(kx * dw, kx * dw + sw * (ow - 1) + 1, sw)
                dxp[:, rows, cols_, :] += cols[:, :, :, ky, kx, :]
    return dxp
