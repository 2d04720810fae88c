"""PReLU: y = max(0, x) + a_c * min(0, x), a learned slope per channel (axis 1) or one shared.

The slope blob has shape (C,), or () with channel_shared; filler default constant 0.25.
Backward: da_c += sum over the channel of dy * x * [x <= 0];
dx = dy * ([x > 0] + a_c [x <= 0]). In place, the bottom is copied before it is
overwritten (Caffe's bottom_memory_).
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.proto import caffe_pb2


@register
class PReLULayer(Layer):
    type = "PReLU"
    exact_num_bottom = 1
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.prelu_param
        if bottom[0].data.ndim < 2:
            raise self.error(f"needs a bottom with at least 2 axes, got shape {bottom[0].shape}.")
        self.channels = bottom[0].shape[1]
        self.channel_shared = p.channel_shared
        shape = () if self.channel_shared else (self.channels,)
        if self.blobs:
            # Caffe checks only the count of a stored slope blob.
            if len(self.blobs) != 1 or self.blobs[0].count != (1 if self.channel_shared else self.channels):
                raise self.error("carries a stored slope blob whose size is inconsistent with the prototxt config "
                                 f"(expected {shape}).", "Remove the stored blobs or fix channel_shared.")
            self.blobs[0].data = self.blobs[0].data.reshape(shape)
            self.blobs[0].diff = self.blobs[0].diff.reshape(shape)
        else:
            filler = p.filler if p.HasField("filler") else caffe_pb2.FillerParameter(type="constant", value=0.25)
            self.blobs = [self.new_param_blob(shape, filler, "prelu_param", "filler")]

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        shape = bottom[0].shape
        if len(shape) < 2:
            raise self.error(f"needs a bottom with at least 2 axes, got shape {shape}.")
        self.bshape = (1, -1) + (1,) * (len(shape) - 2)
        self.others = (0, *range(2, len(shape)))
        if top[0] is not bottom[0]:
            top[0].reshape(shape, channels_last=bottom[0].channels_last)

    def _slope(self) -> np.ndarray:
        a = self.blobs[0].data
        return a if self.channel_shared else a.reshape(self.bshape)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data
        dt = x.dtype.type
        self.x_saved = x.copy(order="K") if top[0] is bottom[0] else None
        a = self._slope().astype(x.dtype, copy=False)
        np.copyto(top[0].data, np.maximum(x, dt(0)) + a * np.minimum(x, dt(0)))

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        x = self.x_saved if self.x_saved is not None else bottom[0].data
        dy = top[0].diff
        neg = x <= 0
        # The slope gradient first: in place, writing the bottom diff overwrites dy.
        contrib = np.where(neg, dy * x, 0)
        slope = self.blobs[0]
        if self.channel_shared:
            slope.diff += contrib.sum(dtype=x.dtype)
        else:
            slope.diff += contrib.sum(axis=self.others, dtype=x.dtype)
        if propagate_down[0]:
            a = self._slope().astype(x.dtype, copy=False)
            np.copyto(bottom[0].diff, np.where(neg, dy * a, dy))
