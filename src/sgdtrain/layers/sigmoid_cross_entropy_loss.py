"""SigmoidCrossEntropyLoss: cross-entropy of sigmoid(x) against targets t in [0, 1].

loss = -sum_i [x_i (t_i - [x_i >= 0]) - log(1 + exp(x_i - 2 x_i [x_i >= 0]))] / normalizer
(the overflow-free form of -[t log p + (1 - t) log(1 - p)], p = sigmoid(x)).
Positions whose target, truncated to int, equals `loss_param.ignore_label`
contribute nothing and are not counted as valid.
The normalizer defaults to BATCH_SIZE (not VALID as in SoftmaxWithLoss);
`normalization` wins, else the deprecated `normalize` (true: VALID, false:
BATCH_SIZE). It is at least 1.
Backward: dx = (sigmoid(x) - t) * loss_weight / normalizer, 0 where ignored;
no gradient reaches the targets.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.loss_normalization import Norm, loss_normalizer, normalization_mode


@register
class SigmoidCrossEntropyLossLayer(Layer):
    type = "SigmoidCrossEntropyLoss"
    exact_num_bottom = 2
    exact_num_top = 1
    is_loss = True
    auto_top_blobs = True

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.loss_param
        self.ignore_label = p.ignore_label if p.HasField("ignore_label") else None
        self.normalization = normalization_mode(p, default=Norm.BATCH_SIZE)
        self.normalizer = 1.0

    def allow_force_backward(self, bottom_index: int) -> bool:
        return bottom_index != 1

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        x, t = bottom[0], bottom[1]
        if x.data.ndim == 0 or t.data.ndim == 0 or x.shape[0] != t.shape[0]:
            raise self.error(f"gets data of shape {x.shape} and targets of shape {t.shape}; the data and label "
                             "should have the same first dimension.")
        if x.count != t.count:
            raise self.error(f"inputs must have the same count (data {x.count}, targets {t.count}).",
                             "Give one target per prediction.")
        self.outer = x.shape[0]
        self.inner = x.count // max(self.outer, 1)
        top[0].reshape(())

    def _targets(self, bottom: list[Blob]) -> tuple[np.ndarray, np.ndarray | None]:
        t = bottom[1].data.reshape(bottom[0].shape)
        if self.ignore_label is None:
            return t, None
        # Caffe compares static_cast<int>(target) with the label: truncation towards zero.
        return t, np.trunc(t) == self.ignore_label

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data
        t, ignored = self._targets(bottom)
        pos = (x >= 0).astype(x.dtype)
        # Caffe writes log(1 + exp(.)), not log1p: keep its rounding.
        terms = x * (t - pos) - np.log(1 + np.exp(x - 2 * x * pos))
        if ignored is not None:
            terms = np.where(ignored, x.dtype.type(0), terms)
            valid = int(terms.size - np.count_nonzero(ignored))
        else:
            valid = int(terms.size)
        self.normalizer = loss_normalizer(self.normalization, self.outer, self.inner, valid)
        top[0].data[...] = -terms.sum(dtype=x.dtype) / x.dtype.type(self.normalizer)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if len(propagate_down) > 1 and propagate_down[1]:
            raise self.error("cannot backpropagate to label inputs.",
                             "Do not ask for gradients of the targets (propagate_down: false for bottom 1).")
        if not propagate_down[0]:
            return
        x = bottom[0].data
        t, ignored = self._targets(bottom)
        # Caffe's Sigmoid layer (master) computes 0.5 tanh(0.5 x) + 0.5.
        half = x.dtype.type(0.5)
        grad = half * np.tanh(half * x) + half - t
        if ignored is not None:
            grad[ignored] = 0
        weight = x.dtype.type(top[0].diff.flat[0] / self.normalizer)
        np.multiply(grad, weight, out=bottom[0].diff)
