"""Caffe's loss normalisation: the mode from loss_param and GetNormalizer's divisor."""

import pytest

from sgdtrain.layers.loss_normalization import Norm, loss_normalizer, normalization_mode


def param(**fields):
    p = Norm()
    for k, v in fields.items():
        setattr(p, k, v)
    return p


@pytest.mark.parametrize("fields,default,expected", [
    ({}, Norm.VALID, Norm.VALID),
    ({}, Norm.BATCH_SIZE, Norm.BATCH_SIZE),
    ({"normalize": True}, Norm.BATCH_SIZE, Norm.VALID),
    ({"normalize": False}, Norm.VALID, Norm.BATCH_SIZE),
    ({"normalization": Norm.FULL, "normalize": False}, Norm.VALID, Norm.FULL),  # normalization wins
])
def test_mode(fields, default, expected):
    assert normalization_mode(param(**fields), default) == expected


@pytest.mark.parametrize("mode,valid,expected", [
    (Norm.FULL, 5, 24.0), (Norm.VALID, 5, 5.0), (Norm.VALID, -1, 24.0), (Norm.VALID, 0, 1.0),
    (Norm.BATCH_SIZE, 5, 4.0), (Norm.NONE, 5, 1.0),
])
def test_normalizer_outer_4_inner_6(mode, valid, expected):
    assert loss_normalizer(mode, 4, 6, valid) == expected
