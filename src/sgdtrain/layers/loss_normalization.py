"""Caffe's LossLayer normalisation, shared by the loss layers that take `loss_param`."""

from __future__ import annotations

from sgdtrain.proto import caffe_pb2

Norm = caffe_pb2.LossParameter


def normalization_mode(p: caffe_pb2.LossParameter, default: int) -> int:
    """`normalization` when set, else the deprecated `normalize` (true: VALID, false: BATCH_SIZE), else
    `default` (the proto's VALID for SoftmaxWithLoss; BATCH_SIZE for SigmoidCrossEntropyLoss, as Caffe sets it)."""
    if p.HasField("normalization"):
        return p.normalization
    if p.HasField("normalize"):
        return Norm.VALID if p.normalize else Norm.BATCH_SIZE
    return default


def loss_normalizer(mode: int, outer: int, inner: int, valid: int) -> float:
    """Caffe's LossLayer::GetNormalizer (valid < 0: every position is valid), at least 1
    (a batch with no valid label gives loss 0, not NaN)."""
    if mode == Norm.FULL:
        n = outer * inner
    elif mode == Norm.VALID:
        n = outer * inner if valid < 0 else valid
    elif mode == Norm.BATCH_SIZE:
        n = outer
    else:  # NONE
        n = 1
    return float(max(1, n))
