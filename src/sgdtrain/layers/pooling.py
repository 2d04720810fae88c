"""Pooling: MAX and AVE over 2-D windows, with Caffe's shape and edge rules.

Output size: ceil((in + 2 pad - k) / stride) + 1 (CEIL, Caffe's default) or
floor(...) + 1 (FLOOR); then, only when pad > 0, one less if the last window
would start inside the padding ((out - 1) stride >= in + pad).

MAX: windows are clipped to the image, so padding never wins; a value replaces
the running maximum only when strictly greater, so ties go to the first element
in row-major order (Caffe's rule); the gradient goes to that element.
AVE: the divisor is the window size clipped to the *padded* image
(hend = min(hstart + k, in + pad)), so zero padding counts but the overhang of
a ceil-mode window does not; only in-image elements are summed.
global_pooling pools the whole plane. Tops are channels-last underneath.
"""

from __future__ import annotations

import math

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers import kernels
from sgdtrain.layers.base import Layer, register
from sgdtrain.proto import caffe_pb2

P = caffe_pb2.PoolingParameter
FLT_MAX = float(np.finfo(np.float32).max)


def pooled_size(size: int, kernel: int, stride: int, pad: int, ceil_mode: bool) -> int:
    """Caffe's PoolingLayer::Reshape output size for one axis."""
    span = (size + 2 * pad - kernel) / stride
    out = (math.ceil(span) if ceil_mode else math.floor(span)) + 1
    if pad > 0 and (out - 1) * stride >= size + pad:
        out -= 1
    return out


@register
class PoolingLayer(Layer):
    type = "Pooling"
    exact_num_bottom = 1
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.pooling_param
        if bottom[0].data.ndim != 4:
            raise self.error(f"needs a 4-D bottom, got shape {bottom[0].shape}.")
        if p.pool == P.STOCHASTIC:
            raise self.error("uses STOCHASTIC pooling, which Caffe implements on the GPU only.", "Use MAX or AVE.")
        self.method = p.pool
        self.global_pooling = p.global_pooling
        has_size = p.HasField("kernel_size")
        has_hw = p.HasField("kernel_h") or p.HasField("kernel_w")
        if self.global_pooling:
            if has_size or has_hw:
                raise self.error("sets a kernel size with global_pooling.", "Remove the kernel size.")
        else:
            if has_size == has_hw:
                raise self.error("needs either kernel_size or kernel_h and kernel_w (not both).",
                                 "Set pooling_param { kernel_size: K }.", "pooling_param")
            if has_hw and not (p.HasField("kernel_h") and p.HasField("kernel_w")):
                raise self.error("needs both kernel_h and kernel_w.", "Set both, or use kernel_size.")
        if p.HasField("pad") and (p.HasField("pad_h") or p.HasField("pad_w")):
            raise self.error("sets both pad and pad_h/pad_w.", "Use one form.")
        if p.HasField("stride") and (p.HasField("stride_h") or p.HasField("stride_w")):
            raise self.error("sets both stride and stride_h/stride_w.", "Use one form.")
        self.pad = (p.pad_h, p.pad_w) if (p.HasField("pad_h") or p.HasField("pad_w")) else (p.pad, p.pad)
        if p.HasField("stride_h") or p.HasField("stride_w"):
            self.stride = (p.stride_h or 1, p.stride_w or 1)
        else:
            self.stride = (p.stride, p.stride)
        self.kernel = (p.kernel_h, p.kernel_w) if has_hw else (p.kernel_size, p.kernel_size)
        if self.global_pooling and (any(self.pad) or self.stride != (1, 1)):
            raise self.error("uses global_pooling with pad or stride; Caffe requires pad 0 and stride 1.")
        if not self.global_pooling and min(self.kernel) <= 0:
            raise self.error(f"has kernel {self.kernel}; it must be positive.")
        if any(pd >= k for pd, k in zip(self.pad, self.kernel)) and not self.global_pooling:
            raise self.error(f"has pad {self.pad} not smaller than the kernel {self.kernel} (Caffe's rule).")
        self.ceil_mode = p.round_mode == P.CEIL

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        n, c, h, w = bottom[0].shape
        if self.global_pooling:
            self.kernel = (h, w)
        kh, kw = self.kernel
        sh, sw = self.stride
        ph, pw = self.pad
        oh = pooled_size(h, kh, sh, ph, self.ceil_mode)
        ow = pooled_size(w, kw, sw, pw, self.ceil_mode)
        self.out_hw = (oh, ow)
        top[0].reshape((n, c, oh, ow), channels_last=True)
        # A padded channels-last buffer big enough for every (possibly overhanging) window.
        self.buf_hw = (max(h + 2 * ph, (oh - 1) * sh + kh), max(w + 2 * pw, (ow - 1) * sw + kw))
        dtype = bottom[0].data.dtype
        self._simple = ph == pw == 0 and (kh, kw) == (sh, sw) and h == oh * kh and w == ow * kw
        fill = -np.inf if self.method == P.MAX else 0.0
        self._xp = None if self._simple else np.full((n, *self.buf_hw, c), fill, dtype)
        self._dxp = None if self._simple else np.zeros((n, *self.buf_hw, c), dtype)
        if self.method == P.AVE:
            self._divisor = self._ave_divisor(h, w).astype(dtype)
        if self.method == P.MAX:
            self._idx = np.zeros((n, oh, ow, c), np.int8 if kh * kw < 128 else np.int16)
            self._tmp = np.empty((n, oh, ow, c), dtype)

    def _ave_divisor(self, h: int, w: int) -> np.ndarray:
        """Caffe's pool_size per output: the window clipped to the padded image."""
        (oh, ow), (kh, kw), (sh, sw), (ph, pw) = self.out_hw, self.kernel, self.stride, self.pad
        hs = np.arange(oh) * sh - ph
        ws = np.arange(ow) * sw - pw
        hsize = np.minimum(hs + kh, h + ph) - hs
        wsize = np.minimum(ws + kw, w + pw) - ws
        return np.outer(hsize, wsize).reshape(1, oh, ow, 1)

    def _windows(self, buf: np.ndarray):
        """(offset index, view of buf for that kernel offset) in row-major offset order."""
        (oh, ow), (kh, kw), (sh, sw) = self.out_hw, self.kernel, self.stride
        k = 0
        for i in range(kh):
            for j in range(kw):
                yield k, buf[:, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw, :]
                k += 1

    def _source(self, x: np.ndarray) -> np.ndarray:
        xl = x.transpose(0, 2, 3, 1)
        if self._simple:
            return xl
        ph, pw = self.pad
        self._xp[:, ph : ph + xl.shape[1], pw : pw + xl.shape[2], :] = xl
        return self._xp

    def window_values(self, x: np.ndarray) -> np.ndarray:
        """Every window's candidates, (KH*KW, N, OH, OW, C) in row-major offset order (padding -inf)."""
        return np.stack([v for _, v in self._windows(self._source(x))])

    @property
    def max_offsets(self) -> np.ndarray:
        """MAX: each window's winning offset from the last forward, (N, OH, OW, C); backward reads it."""
        return self._idx

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        src = self._source(bottom[0].data)
        y = top[0].data.transpose(0, 2, 3, 1)  # channels-last memory: contiguous
        if self.method == P.AVE:
            y.fill(0)
            for _, v in self._windows(src):
                y += v
            y /= self._divisor
            return
        # Each window offset is first copied into a contiguous buffer: strided
        # copies are cheap in numpy, while comparisons on short strided runs are
        # not. A value wins only when strictly greater (Caffe's first-max rule);
        # the winning offset goes to `idx` for backward. In the padded case the
        # maximum starts at -FLT_MAX, so padding (-inf) never wins, as in Caffe.
        idx = self._idx
        if self._simple and kernels.max_pool_forward(self.kernel, src, y, idx):
            return
        tmp = self._tmp
        for k, v in self._windows(src):
            if k == 0 and self._simple:
                np.copyto(y, v)
                idx.fill(0)
                continue
            if k == 0:
                y.fill(-FLT_MAX)
                idx.fill(-1)
            np.copyto(tmp, v)
            greater = tmp > y
            np.fmax(y, tmp, out=y)  # fmax: NaN never wins, as in Caffe
            idx += greater * (idx.dtype.type(k) - idx)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        dy = top[0].diff.transpose(0, 2, 3, 1)
        dx = bottom[0].diff.transpose(0, 2, 3, 1)
        if self.method == P.AVE:
            scaled = dy / self._divisor
            if self._simple:
                for _, v in self._windows(dx):
                    np.copyto(v, scaled)
                return
            dxp = self._dxp
            dxp.fill(0)
            for _, v in self._windows(dxp):
                v += scaled
        else:
            idx = self._idx
            if self._simple and kernels.max_pool_backward(self.kernel, dy, idx, dx):
                return
            if self._simple:  # the windows tile the input exactly: write, do not accumulate
                for k, v in self._windows(dx):
                    np.multiply(dy, idx == k, out=v)
                return
            dxp = self._dxp
            dxp.fill(0)
            for k, v in self._windows(dxp):
                v += dy * (idx == k)
        ph, pw = self.pad
        dx[...] = dxp[:, ph : ph + dx.shape[1], pw : pw + dx.shape[2], :]
