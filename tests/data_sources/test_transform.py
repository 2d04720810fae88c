"""Caffe's DataTransformer: crop, mirror, mean, scale, in that order."""

from __future__ import annotations

import numpy as np

from sgdtrain.data.transform import DataTransformer
from sgdtrain.proto import caffe_pb2


def transformer(phase=caffe_pb2.TRAIN, mean=None, **fields):
    return DataTransformer(caffe_pb2.TransformationParameter(**fields), phase, np.random.default_rng(0), mean)


def run(t, batch):
    out = np.empty((batch.shape[0], *t.output_shape(batch.shape[1:])), np.float32)
    t(batch, out)
    return out


def test_scale_multiplies_after_the_mean():
    batch = np.full((2, 1, 2, 2), 10, np.uint8)
    out = run(transformer(scale=0.5, mean_value=[4]), batch)
    assert (out == 3).all()
    assert run(transformer(scale=0.00390625), batch)[0, 0, 0, 0] == np.float32(10 / 256)


def test_per_channel_mean_values_and_mean_file_at_uncropped_positions():
    batch = np.arange(2 * 3 * 4 * 4, dtype=np.uint8).reshape(2, 3, 4, 4)
    out = run(transformer(mean_value=[1, 2, 3]), batch)
    np.testing.assert_array_equal(out, batch - np.array([1, 2, 3], np.float32).reshape(1, 3, 1, 1))
    mean = np.random.default_rng(1).random((3, 4, 4)).astype(np.float32)
    out = run(transformer(caffe_pb2.TEST, mean=mean, crop_size=2), batch)
    np.testing.assert_allclose(out, (batch - mean)[:, :, 1:3, 1:3])


def test_test_phase_crops_the_centre_train_phase_crops_at_random():
    batch = np.random.default_rng(2).integers(0, 255, (16, 1, 6, 6)).astype(np.uint8)
    centre = run(transformer(caffe_pb2.TEST, crop_size=4), batch)
    np.testing.assert_array_equal(centre, batch[:, :, 1:5, 1:5])
    train = run(transformer(caffe_pb2.TRAIN, crop_size=4), batch)
    windows = [[batch[i, :, h:h + 4, w:w + 4] for h in range(3) for w in range(3)] for i in range(16)]
    assert all(any((train[i] == win).all() for win in windows[i]) for i in range(16))
    assert not (train == centre).all()


def test_mirror_flips_some_images_horizontally():
    batch = np.random.default_rng(3).integers(0, 255, (32, 1, 3, 5)).astype(np.uint8)
    out = run(transformer(mirror=True), batch)
    flipped = [(out[i] == batch[i, :, :, ::-1]).all() and not (out[i] == batch[i]).all() for i in range(32)]
    same = [(out[i] == batch[i]).all() for i in range(32)]
    assert all(f or s for f, s in zip(flipped, same)) and 0 < sum(flipped) < 32
