"""Softmax along softmax_param.axis (default 1):

    y = exp(x - max_axis(x)) / sum_axis(exp(x - max_axis(x)))

Backward: dx = (dy - sum_axis(dy * y)) * y, from the top data (works in place).
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.util import canonical_axis


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """Caffe's SoftmaxLayer forward: subtract the per-position maximum, exponentiate, normalise."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def softmax_axis(layer: Layer, ndim: int) -> int:
    """softmax_param.axis as a non-negative index, or a ConfigError naming the layer."""
    try:
        return canonical_axis(layer.param.softmax_param.axis, ndim)
    except ValueError as exc:
        raise layer.error(f"has an invalid softmax_param axis: {exc}.", None, "softmax_param", "axis") from None


@register
class SoftmaxLayer(Layer):
    type = "Softmax"
    exact_num_bottom = 1
    exact_num_top = 1

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        self.axis = softmax_axis(self, bottom[0].data.ndim)
        if top[0] is not bottom[0]:
            top[0].reshape(bottom[0].shape, channels_last=bottom[0].channels_last)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        np.copyto(top[0].data, softmax(bottom[0].data, self.axis))

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if not propagate_down[0]:
            return
        y, dy = top[0].data, top[0].diff
        dot = np.sum(dy * y, axis=self.axis, keepdims=True)
        np.copyto(bottom[0].diff, (dy - dot) * y)
