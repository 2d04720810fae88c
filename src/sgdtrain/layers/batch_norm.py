"""BatchNorm: y = (x - mean) / sqrt(var + eps) per channel (axis 1); no scale or shift.

Blobs (zero-filled): [0] sum of means (C,), [1] sum of variances (C,), [2] the
scale factor s (1,). Their lr_mult is forced to 0 (Caffe adds `param { lr_mult: 0 }`
for each and refuses a non-zero one); the layer records this as
`forced_lr_mult = {0: 0.0, 1: 0.0, 2: 0.0}`, which the net applies.

use_global_stats (default: phase == TEST):
  false: mean, var = batch statistics over N and the spatial axes (biased var), then
         s <- maf s + 1, mean_sum <- mean + maf mean_sum,
         var_sum <- m/(m-1) var + maf var_sum   (m = count / C, factor 1 when m <= 1)
  true:  mean = mean_sum / s, var = var_sum / s (1/s taken as 0 when s == 0)
Backward, with sums over N and spatial positions and M = N * spatial:
  batch stats: dx = (dy - sum(dy)/M - sum(dy * y) * y / M) / sqrt(var + eps)
  global:      dx = dy / sqrt(var + eps)
The blobs get no gradient.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import TEST, Layer, register


@register
class BatchNormLayer(Layer):
    type = "BatchNorm"
    exact_num_bottom = 1
    exact_num_top = 1
    # The statistics are not learned: the net must apply these lr_mults.
    forced_lr_mult = {0: 0.0, 1: 0.0, 2: 0.0}

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.batch_norm_param
        self.maf = p.moving_average_fraction
        self.use_global_stats = p.use_global_stats if p.HasField("use_global_stats") else self.phase == TEST
        self.eps = p.eps
        if bottom[0].data.ndim < 2:
            raise self.error(f"needs a bottom with a channel axis (at least 2 axes), got shape {bottom[0].shape}.")
        self.channels = bottom[0].shape[1]
        c = self.channels
        if not self.check_stored_blobs([(c,), (c,), (1,)]):
            self.blobs = [self.new_param_blob(s, None) for s in ((c,), (c,), (1,))]
        for i, spec in enumerate(self.param.param[:3]):
            if spec.lr_mult != 0:
                raise self.error(f"sets lr_mult {spec.lr_mult} for blob {i}; cannot configure batch normalization "
                                 "statistics as layer parameters.", "Remove the param blocks or set lr_mult: 0.",
                                 "param", i)

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        shape = bottom[0].shape
        if len(shape) < 2 or shape[1] != self.channels:
            raise self.error(f"was set up for {self.channels} channels, but its bottom now has shape {shape}.")
        self.axes = (0, *range(2, len(shape)))  # everything but the channels
        self.bshape = (1, self.channels) + (1,) * (len(shape) - 2)
        if top[0] is not bottom[0]:
            top[0].reshape(shape, channels_last=bottom[0].channels_last)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data
        dt = x.dtype.type
        if self.use_global_stats:
            s = self.blobs[2].data.flat[0]
            factor = dt(0) if s == 0 else dt(1) / dt(s)
            mean = self.blobs[0].data.astype(x.dtype) * factor
            var = self.blobs[1].data.astype(x.dtype) * factor
            centred = x - mean.reshape(self.bshape)
        else:
            mean = x.mean(axis=self.axes, dtype=x.dtype)
            centred = x - mean.reshape(self.bshape)
            var = (centred * centred).mean(axis=self.axes, dtype=x.dtype)
            # Moving averages, written in place so shared blobs see them.
            maf = dt(self.maf)
            self.blobs[2].data *= maf
            self.blobs[2].data += 1
            self.blobs[0].data[...] = mean + maf * self.blobs[0].data
            m = x.size // self.channels
            correction = dt(m) / dt(m - 1) if m > 1 else dt(1)
            self.blobs[1].data[...] = correction * var + maf * self.blobs[1].data
        self.std = np.sqrt(var + dt(self.eps)).reshape(self.bshape)
        # Kept for backward: a later in-place layer may overwrite the top.
        self.x_norm = centred / self.std
        np.copyto(top[0].data, self.x_norm)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        dy = top[0].diff
        if self.use_global_stats:
            np.divide(dy, self.std, out=bottom[0].diff)
            return
        y = self.x_norm
        dt = y.dtype.type
        count = y.size // self.channels
        sum_dy_y = (dy * y).sum(axis=self.axes, dtype=y.dtype).reshape(self.bshape)
        sum_dy = dy.sum(axis=self.axes, dtype=y.dtype).reshape(self.bshape)
        grad = (dy - (sum_dy_y * y + sum_dy) * dt(1.0 / count)) / self.std
        np.copyto(bottom[0].diff, grad)
