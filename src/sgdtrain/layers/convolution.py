"""Convolution: Caffe's cross-correlation (no kernel flip) by im2col and GEMM.

Weights are stored as Caffe stores them, num_output x (C/group) x KH x KW;
output size per axis is (in + 2 pad - (dilation (k - 1) + 1)) / stride + 1,
floored. Kernel, pad and stride come as `kernel_size`/`pad`/`stride` (one
value for both axes or one per axis) or as `kernel_h`/`kernel_w` etc.;
`dilation` as one value or two. Several bottoms share the weights, each
producing its own top. Tops are channels-last underneath (see blob.py), so
the GEMM writes them directly:

    forward   y[n,y,x,:] = W (O x KH*KW*C) . col[n,y,x,:] + b
    backward  dW += dy^T col,  db += sum over positions of dy,  dx = col2im(dy W)
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob, is_channels_last
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.im2col import (
    BiasAdder,
    Geometry,
    col2im,
    im2col,
    im2col_transposed,
    prefers_transposed,
)


def _pair(param, repeated: str, h: str, w: str, default: int, layer: Layer) -> tuple[int, int]:
    values = list(getattr(param, repeated))
    if param.HasField(h) or param.HasField(w):
        if values:
            raise layer.error(f"sets both `{repeated}` and `{h}`/`{w}`.", f"Use one form for {repeated}.")
        if repeated == "kernel_size" and not (param.HasField(h) and param.HasField(w)):
            raise layer.error("needs both kernel_h and kernel_w.", "Set both, or use kernel_size.")
        return (getattr(param, h) if param.HasField(h) else default,
                getattr(param, w) if param.HasField(w) else default)
    if not values:
        return (default, default)
    if len(values) <= 2:
        return (values[0], values[-1])
    raise layer.error(f"gives {len(values)} {repeated} values; sgdtrain convolves over 2 spatial axes.",
                      "Give one value, or one per spatial axis (2).")


@register
class ConvolutionLayer(Layer):
    type = "Convolution"
    min_bottom = 1
    min_top = 1
    equal_num_bottom_top = True

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.convolution_param
        if bottom[0].data.ndim != 4 or p.axis not in (1, -3):
            raise self.error("supports 4-D (N x C x H x W) bottoms with axis 1 only.", "Use 2-D convolution.")
        if not len(p.kernel_size) and not p.HasField("kernel_h"):
            raise self.error("needs a kernel size.", "Set convolution_param { kernel_size: K }.", "convolution_param")
        self.kernel = _pair(p, "kernel_size", "kernel_h", "kernel_w", 0, self)
        self.stride = _pair(p, "stride", "stride_h", "stride_w", 1, self)
        self.pad = _pair(p, "pad", "pad_h", "pad_w", 0, self)
        dil = list(p.dilation)
        if len(dil) > 2:
            raise self.error(f"gives {len(dil)} dilation values.", "Give one or two.")
        self.dilation = (dil[0], dil[-1]) if dil else (1, 1)
        if min(self.kernel) <= 0 or min(self.stride) <= 0 or min(self.dilation) <= 0:
            raise self.error(f"has kernel {self.kernel}, stride {self.stride}, dilation {self.dilation}; "
                             "each must be positive.", "Correct convolution_param.")
        self.num_output = p.num_output
        self.group = p.group
        channels = bottom[0].shape[1]
        if self.num_output <= 0:
            raise self.error("needs num_output > 0.", None, "convolution_param", "num_output")
        if self.group <= 0 or channels % self.group or self.num_output % self.group:
            raise self.error(f"has group {self.group}, which must divide both the input channels ({channels}) "
                             f"and num_output ({self.num_output}).", "Correct `group`.")
        self.channels = channels
        self.bias_term = p.bias_term
        w_shape = (self.num_output, channels // self.group, *self.kernel)
        shapes = [w_shape] + ([(self.num_output,)] if self.bias_term else [])
        if not self.check_stored_blobs(shapes):
            self.blobs = [self.new_param_blob(w_shape, p.weight_filler if p.HasField("weight_filler") else None,
                                              "convolution_param", "weight_filler")]
            if self.bias_term:
                self.blobs.append(self.new_param_blob((self.num_output,), p.bias_filler if p.HasField("bias_filler")
                                                      else None, "convolution_param", "bias_filler"))
        self._shape: tuple | None = None

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        shape = bottom[0].shape
        if len(shape) != 4 or shape[1] != self.channels:
            raise self.error(f"was set up for {self.channels} input channels but gets a bottom of shape {shape}.")
        for b in bottom[1:]:
            if b.shape != shape:
                raise self.error(f"needs all bottoms of one shape; got {shape} and {b.shape}.")
        n, c, h, w = shape
        self.geom = Geometry(self.kernel, self.stride, self.pad, self.dilation, (h, w))
        oh, ow = self.geom.out_hw
        if oh <= 0 or ow <= 0:
            raise self.error(f"gets a {h}x{w} input, too small for kernel {self.kernel} with pad {self.pad}.")
        for t in top:
            t.reshape((n, self.num_output, oh, ow), channels_last=True)
        key = (shape, len(bottom), bottom[0].data.dtype)
        if key == self._shape:
            return  # buffers already fit
        self._shape = key
        ph, pw = self.geom.padded_hw
        dtype = bottom[0].data.dtype
        cg = c // self.group
        kk = self.kernel[0] * self.kernel[1] * cg
        rows = n * oh * ow
        self.transposed = prefers_transposed(self.geom, cg)
        col_shape = (self.group, kk, rows) if self.transposed else (self.group, rows, kk)
        self._cols = [np.empty(col_shape, dtype) for _ in bottom]
        self._xp = [np.zeros((n, ph, pw, c), dtype) for _ in bottom] if any(self.pad) else []
        self._dxp = np.zeros((n, ph, pw, c), dtype)
        self._ones = np.ones(rows, dtype)
        self._add_bias = BiasAdder(rows, self.num_output)

    def _padded(self, i: int, x: np.ndarray) -> np.ndarray:
        """Bottom i as channels-last, zero-padded when pad > 0."""
        xl = x.transpose(0, 2, 3, 1)
        if not any(self.pad):
            return xl
        xp = self._xp[i]
        ph, pw = self.pad
        xp[:, ph : ph + xl.shape[1], pw : pw + xl.shape[2], :] = xl
        return xp

    def _weights(self) -> np.ndarray:
        """W as (group, O/group, KH*KW*C/group), matching the column order (ky, kx, c)."""
        g = self.group
        return self.blobs[0].data.transpose(0, 2, 3, 1).reshape(g, self.num_output // g, -1)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        w = self._weights()
        g = self.group
        cg, og = self.channels // g, self.num_output // g
        fill = im2col_transposed if self.transposed else im2col
        for i, (b, t) in enumerate(zip(bottom, top)):
            xp = self._padded(i, b.data)
            y2 = t.data.transpose(0, 2, 3, 1).reshape(-1, self.num_output)  # contiguous: a view
            cols = self._cols[i]
            for k in range(g):
                fill(xp[..., k * cg : (k + 1) * cg] if g > 1 else xp, self.geom, cols[k])
                col = cols[k].T if self.transposed else cols[k]
                if g == 1:
                    np.matmul(col, w[0].T, out=y2)
                else:
                    y2[:, k * og : (k + 1) * og] = col @ w[k].T
            if self.bias_term:
                self._add_bias(y2, self.blobs[1].data)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        g = self.group
        cg, og = self.channels // g, self.num_output // g
        w = self._weights()
        kh, kw = self.kernel
        wdiff = self.blobs[0].diff.transpose(0, 2, 3, 1).reshape(g, og, -1)  # a view when contiguous
        direct = wdiff.base is not None and np.shares_memory(wdiff, self.blobs[0].diff)
        for i, (b, t) in enumerate(zip(bottom, top)):
            dy = t.diff.transpose(0, 2, 3, 1).reshape(-1, self.num_output)
            if self.bias_term:
                self.blobs[1].diff += self._ones @ dy  # a GEMV, as Caffe's bias_multiplier
            cols = self._cols[i]
            for k in range(g):
                dyk = dy[:, k * og : (k + 1) * og] if g > 1 else dy
                # (cols^T dy)^T: measured faster than dy^T cols with OpenBLAS for these shapes
                grad = (cols[k] @ dyk).T if self.transposed else (cols[k].T @ dyk).T
                if direct:
                    wdiff[k] += grad
                else:
                    self.blobs[0].diff[k * og : (k + 1) * og] += grad.reshape(og, kh, kw, cg).transpose(0, 3, 1, 2)
            if propagate_down[i]:
                self._bottom_diff(b, dy, w)

    def _bottom_diff(self, b: Blob, dy: np.ndarray, w: np.ndarray) -> None:
        g = self.group
        cg, og = self.channels // g, self.num_output // g
        target = b.diff.transpose(0, 2, 3, 1)
        # Without padding and with channels-last diff memory, col2im writes straight into it.
        dxp = target if not any(self.pad) and g == 1 and is_channels_last(b.diff) else self._dxp
        if g == 1:
            # In two halves of the batch: each half's column gradients are summed back
            # while still in cache (measured ~30% faster for LeNet's conv2 than one pass).
            n = dxp.shape[0]
            rows = dy.shape[0] // n
            for lo, hi in ((0, n // 2), (n // 2, n)) if n > 1 else ((0, n),):
                col2im(dy[lo * rows : hi * rows] @ w[0], self.geom, dxp[lo:hi])
        else:
            for k in range(g):
                part = np.zeros(dxp.shape[:3] + (cg,), dxp.dtype)
                col2im(dy[:, k * og : (k + 1) * og] @ w[k], self.geom, part)
                dxp[..., k * cg : (k + 1) * cg] = part
        if dxp is not target:
            ph, pw = self.pad
            target[...] = dxp[:, ph : ph + target.shape[1], pw : pw + target.shape[2], :]
