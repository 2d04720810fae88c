"""SoftmaxWithLoss: softmax along softmax_param.axis, then the multinomial log loss

    loss = -sum_{valid positions} log(max(p[label], FLT_MIN)) / normalizer

over the outer x inner positions (outer = count before the axis, inner = count
after it); labels are read as int(label) (truncation). A position whose label
equals loss_param.ignore_label is not valid: no loss, zero gradient.
normalizer = max(1, n) with n by loss_param.normalization: FULL outer*inner,
VALID (default) the valid positions, BATCH_SIZE outer, NONE 1; the deprecated
`normalize` (true VALID, false BATCH_SIZE) counts only without `normalization`.

Backward: dx = (p - onehot(label)) * (loss_weight / normalizer), 0 where
ignored; loss_weight is top[0].diff's first element, where the net keeps it.
An optional second top receives the probabilities.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.errors import DataError
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.loss_normalization import loss_normalizer, normalization_mode
from sgdtrain.layers.softmax import softmax, softmax_axis
from sgdtrain.layers.util import count
from sgdtrain.proto import caffe_pb2

L = caffe_pb2.LossParameter
FLT_MIN = float(np.finfo(np.float32).tiny)


def read_labels(layer: Layer, labels: np.ndarray, num_classes: int, ignore: int | None
                ) -> tuple[np.ndarray, np.ndarray]:
    """(int labels, valid mask) in (outer, inner) order; ignored positions get label 0.

    Caffe only DCHECKs the range (reading out of bounds in release builds); a
    clear error is kinder.
    """
    lab = labels.reshape(-1).astype(np.int64)  # static_cast<int>: truncation toward zero
    valid = lab != ignore if ignore is not None else np.ones(lab.shape, dtype=bool)
    bad = valid & ((lab < 0) | (lab >= num_classes))
    if bad.any():
        raise DataError(f"layer '{layer.name}' ({layer.type}) got label {int(lab[bad][0])}, outside "
                        f"0..{num_classes - 1} (its input has {num_classes} classes).",
                        fix="Check the labels, num_output of the layer below, or set loss_param { ignore_label }.")
    return np.where(valid, lab, 0), valid


def gather(x: np.ndarray, lab: np.ndarray, axis: int) -> np.ndarray:
    """x[..., lab, ...] along `axis` for every position, flattened in (outer, inner) order."""
    idx = lab.reshape(x.shape[:axis] + (1,) + x.shape[axis + 1:])
    return np.take_along_axis(x, idx, axis=axis).reshape(-1)


@register
class SoftmaxWithLossLayer(Layer):
    type = "SoftmaxWithLoss"
    exact_num_bottom = 2
    min_top = 1
    max_top = 2
    is_loss = True
    auto_top_blobs = True

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.loss_param
        self.ignore_label = p.ignore_label if p.HasField("ignore_label") else None
        self.normalization = normalization_mode(p, default=L.VALID)

    def allow_force_backward(self, bottom_index: int) -> bool:
        return bottom_index != 1  # labels

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        x, labels = bottom[0].data, bottom[1].data
        if x.ndim == 0 or labels.ndim == 0 or x.shape[0] != labels.shape[0]:
            raise self.error(f"gets data of shape {x.shape} and labels of shape {labels.shape}; the data and label "
                             "should have the same first dimension.")
        self.axis = softmax_axis(self, x.ndim)
        self.outer, self.inner = count(x.shape, 0, self.axis), count(x.shape, self.axis + 1)
        if self.outer * self.inner != labels.size:
            raise self.error(
                f"gets {labels.size} labels for {self.outer * self.inner} predictions (data shape {x.shape}, softmax "
                f"axis {self.axis}).", "Number of labels must match number of predictions; e.g., if softmax axis == 1 "
                "and prediction shape is (N, C, H, W), label count (number of labels) must be N*H*W.")
        top[0].reshape(())
        if len(top) > 1:
            top[1].reshape(x.shape)

    def normalizer(self, valid_count: int):
        return loss_normalizer(self.normalization, self.outer, self.inner, valid_count)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data
        self.prob = softmax(x, self.axis)
        self.lab, self.valid = read_labels(self, bottom[1].data, x.shape[self.axis], self.ignore_label)
        p = gather(self.prob, self.lab, self.axis)[self.valid]
        logs = np.log(np.maximum(p, x.dtype.type(FLT_MIN)))
        # Caffe subtracts position by position in Dtype: a sequential sum, not numpy's pairwise one.
        loss = -np.cumsum(logs)[-1] if logs.size else x.dtype.type(0)
        top[0].data[...] = loss / x.dtype.type(self.normalizer(int(self.valid.sum())))
        if len(top) > 1:
            np.copyto(top[1].data, self.prob)

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        if len(propagate_down) > 1 and propagate_down[1]:
            raise self.error("was asked to propagate down to its labels: SoftmaxWithLoss Layer cannot backpropagate "
                             "to label inputs.", "Set propagate_down: false for the label bottom.", "propagate_down")
        if not propagate_down[0]:
            return
        x = bottom[0].data
        dx = self.prob.copy()
        shape = x.shape[: self.axis] + (1,) + x.shape[self.axis + 1:]
        lab = self.lab.reshape(shape)
        onehot_p = np.take_along_axis(dx, lab, axis=self.axis)
        np.put_along_axis(dx, lab, onehot_p - 1, axis=self.axis)
        np.copyto(dx, 0, where=~self.valid.reshape(shape))  # set, not multiplied: 0, even if p is NaN
        # Caffe: loss_weight = top_diff[0] / normalizer, both Dtype, then one scaling.
        scale = top[0].diff.reshape(-1)[0] / x.dtype.type(self.normalizer(int(self.valid.sum())))
        np.multiply(dx, scale, out=bottom[0].diff)
