"""LRN: local response normalisation over 4-D bottoms (local_size n must be odd).

ACROSS_CHANNELS:  s = k + alpha/n * sum_{|c' - c| <= (n-1)/2} x_{c'}^2   (zero beyond the channels)
                  y = x * s^(-beta)
    dx = dy * s^(-beta) - 2 alpha beta / n * x * sum_{window} (dy * y / s)
WITHIN_CHANNEL (Caffe chains Split, Power(^2), AVE Pooling, Power, Eltwise PROD):
                  q = avgpool_{n x n, stride 1, pad (n-1)/2}(x^2),  s = 1 + alpha * q   (k unused)
                  y = x * s^(-beta)
    Caffe's AVE divisor counts the zero padding, and with this geometry every window
    fits in the padded plane, so q = (n x n box sum of x^2) / n^2.
    dq = dy * x * (-beta alpha) * s^(-beta) / s;  dx = dy * s^(-beta) + 2 x * boxsum(dq) / n^2
    (the box sum is its own transpose: the windows are centred).
Bottoms may be channels-last views; every array op here respects strides.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.proto import caffe_pb2

LRN = caffe_pb2.LRNParameter


def window_sum(a: np.ndarray, axis: int, half: int) -> np.ndarray:
    """sum_{|o| <= half} a[i + o] along `axis`, zero beyond the ends (result laid out like `a`)."""
    out = np.zeros_like(a)
    n = a.shape[axis]

    def part(lo: int, hi: int) -> tuple[slice, ...]:
        return (slice(None),) * axis + (slice(lo, hi),)

    for o in range(-half, half + 1):  # a handful of offsets, each a whole-array add
        if abs(o) >= n:
            continue
        if o >= 0:
            out[part(0, n - o)] += a[part(o, n)]
        else:
            out[part(-o, n)] += a[part(0, n + o)]
    return out


@register
class LRNLayer(Layer):
    type = "LRN"
    exact_num_bottom = 1
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.lrn_param
        self.size = p.local_size
        if self.size % 2 != 1:
            raise self.error(f"has local_size {self.size}; LRN only supports odd values for local_size.",
                             "Use an odd local_size (e.g. 5).", "lrn_param", "local_size")
        self.half = (self.size - 1) // 2
        self.alpha, self.beta, self.k = p.alpha, p.beta, p.k
        self.region = p.norm_region

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        if bottom[0].data.ndim != 4:
            raise self.error(f"needs a 4-D input (num, channels, height, width), got shape {bottom[0].shape}.")
        top[0].reshape(bottom[0].shape, channels_last=bottom[0].channels_last)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data
        dt = x.dtype.type
        sq = x * x
        if self.region == LRN.ACROSS_CHANNELS:
            self.scale = dt(self.k) + dt(self.alpha / self.size) * window_sum(sq, 1, self.half)
        else:
            pooled = window_sum(window_sum(sq, 2, self.half), 3, self.half) / dt(self.size * self.size)
            self.scale = dt(1) + dt(self.alpha) * pooled
        self.factor = self.scale ** dt(-self.beta)  # s^(-beta)
        np.multiply(x, self.factor, out=top[0].data)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        x, y, dy = bottom[0].data, top[0].data, top[0].diff
        dt = x.dtype.type
        if self.region == LRN.ACROSS_CHANNELS:
            ratio = window_sum(dy * y / self.scale, 1, self.half)
            grad = dy * self.factor - dt(2 * self.alpha * self.beta / self.size) * x * ratio
        else:
            # Power layer's backward: d s^(-beta) / dq = (-beta alpha) * s^(-beta) / s.
            dq = (dy * x) * (self.factor / self.scale) * dt(-self.beta * self.alpha)
            dsq = window_sum(window_sum(dq, 2, self.half), 3, self.half) / dt(self.size * self.size)
            grad = dy * self.factor + dt(2) * x * dsq
        np.copyto(bottom[0].diff, grad)
