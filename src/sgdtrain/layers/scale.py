"""Scale: y = x * s (+ b), s and b broadcast over the bottom's axes [axis, axis + s.ndim).

s is a learned blob (one bottom; shape bottom.shape[axis : axis + num_axes],
num_axes -1 meaning "to the end"; filler default constant 1) or bottom[1]
(two bottoms). With bias_term a learned b of the same axes follows (bias_filler
default constant 0; Caffe runs a Bias layer in place on the top and appends its
blob). A scalar s ignores `axis`.
Backward: db = sum(dy), ds = sum(dy * x) over the other axes (accumulated into
blob diffs, written into bottom[1]'s diff), dx = dy * s. Works in place (the
bottom is copied before it is overwritten).
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.bias import broadcast_geometry, operand_shape
from sgdtrain.proto import caffe_pb2


@register
class ScaleLayer(Layer):
    type = "Scale"
    min_bottom = 1
    max_bottom = 2
    exact_num_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.scale_param
        self.learned_scale = len(bottom) == 1
        self.bias_term = p.bias_term
        shapes = []
        if self.learned_scale:
            shapes.append(operand_shape(self, bottom[0].shape, p.axis, p.num_axes, "scale"))
        if self.bias_term:
            bias_axes = bottom[1].data.ndim if len(bottom) > 1 else p.num_axes
            shapes.append(operand_shape(self, bottom[0].shape, p.axis, bias_axes, "bias"))
        if not self.check_stored_blobs(shapes):
            self.blobs = []
            if self.learned_scale:
                if p.HasField("filler"):
                    filler = p.filler
                else:  # the identity by default
                    filler = caffe_pb2.FillerParameter(type="constant", value=1)
                self.blobs.append(self.new_param_blob(shapes[0], filler, "scale_param", "filler"))
            if self.bias_term:
                filler = p.bias_filler if p.HasField("bias_filler") else None
                self.blobs.append(self.new_param_blob(shapes[-1], filler, "scale_param", "bias_filler"))
        self.bias_id = len(self.blobs) - 1

    def _scale(self, bottom: list[Blob]) -> Blob:
        return self.blobs[0] if self.learned_scale else bottom[1]

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        axis = self.param.scale_param.axis
        self.sshape, self.others = broadcast_geometry(self, bottom[0].shape, self._scale(bottom).shape, axis, "scale")
        if self.bias_term:
            self.bshape, _ = broadcast_geometry(self, bottom[0].shape, self.blobs[self.bias_id].shape, axis, "bias")
        if top[0] is not bottom[0]:
            top[0].reshape(bottom[0].shape, channels_last=bottom[0].channels_last)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data
        # In place, backward still needs x for the scale gradient.
        self.x_saved = x.copy(order="K") if top[0] is bottom[0] else None
        s = self._scale(bottom).data.reshape(self.sshape)
        np.multiply(x, s, out=top[0].data)
        if self.bias_term:
            top[0].data += self.blobs[self.bias_id].data.reshape(self.bshape)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        dy = top[0].diff
        if self.bias_term:
            b = self.blobs[self.bias_id]
            b.diff += dy.sum(axis=self.others).reshape(b.shape)
        scale = self._scale(bottom)
        if self.learned_scale or propagate_down[1]:
            x = self.x_saved if self.x_saved is not None else bottom[0].data
            ds = (dy * x).sum(axis=self.others).reshape(scale.shape)
            if self.learned_scale:
                scale.diff += ds
            else:
                scale.diff[...] = ds
        if propagate_down[0]:
            np.multiply(dy, scale.data.reshape(self.sshape), out=bottom[0].diff)
