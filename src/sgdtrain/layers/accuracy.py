"""Accuracy (Caffe master): the fraction of valid positions predicted correctly.

At each of the outer x inner positions along accuracy_param.axis (labels read
as int(label); positions labelled ignore_label skipped), the prediction is
correct iff fewer than top_k *other* classes score >= the true class:

    correct  <=>  #{k : x[k] >= x[label]} - 1 < top_k

so on master any tie with another class is wrong for top-1 (Caffe 1.0 and
argmax break ties differently). Output: correct / count, a float scalar, 0
when count is 0. An optional second top gets per-class accuracy (shape C,),
0 for classes with no valid position. No backward, no loss weight.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.softmax_loss import gather, read_labels
from sgdtrain.layers.util import canonical_axis, count


@register
class AccuracyLayer(Layer):
    type = "Accuracy"
    exact_num_bottom = 2
    min_top = 1
    max_top = 2

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p = self.param.accuracy_param
        self.top_k = p.top_k
        self.ignore_label = p.ignore_label if p.HasField("ignore_label") else None

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        x, labels = bottom[0].data, bottom[1].data
        try:
            self.axis = canonical_axis(self.param.accuracy_param.axis, x.ndim)
        except ValueError as exc:
            raise self.error(f"has an invalid accuracy_param axis: {exc}.", None, "accuracy_param", "axis") from None
        self.num_classes = x.shape[self.axis]
        if self.top_k > self.num_classes:
            raise self.error(f"has top_k {self.top_k}, but its input has only {self.num_classes} classes; top_k must "
                             "be less than or equal to the number of classes.", "Lower accuracy_param { top_k }.",
                             "accuracy_param", "top_k")
        positions = count(x.shape, 0, self.axis) * count(x.shape, self.axis + 1)
        if positions != labels.size:
            raise self.error(
                f"gets {labels.size} labels for {positions} predictions (data shape {x.shape}, label axis "
                f"{self.axis}).", "Number of labels must match number of predictions; e.g., if label axis == 1 and "
                "prediction shape is (N, C, H, W), label count (number of labels) must be N*H*W.")
        top[0].reshape(())
        if len(top) > 1:
            top[1].reshape((self.num_classes,))

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        x = bottom[0].data
        lab, valid = read_labels(self, bottom[1].data, self.num_classes, self.ignore_label)
        true_score = gather(x, lab, self.axis).reshape(x.shape[: self.axis] + (1,) + x.shape[self.axis + 1:])
        # The true class counts itself (unless its score is NaN), hence the -1.
        better = np.count_nonzero(x >= true_score, axis=self.axis).reshape(-1) - 1
        correct = valid & (better < self.top_k)
        n_correct, n_valid = int(correct.sum()), int(valid.sum())
        dt = x.dtype.type
        top[0].data[...] = dt(n_correct) / dt(n_valid) if n_valid else dt(0)
        if len(top) > 1:
            per_class = np.bincount(lab[correct], minlength=self.num_classes).astype(x.dtype)
            seen = np.bincount(lab[valid], minlength=self.num_classes).astype(x.dtype)
            np.divide(per_class, seen, out=top[1].data, where=seen > 0)
            top[1].data[seen == 0] = 0
