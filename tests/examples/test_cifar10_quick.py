"""Caffe's examples/cifar10/cifar10_quick_train_test.prototxt with cifar10_quick_solver.prototxt: a mean file,
MAX and AVE pooling with Caffe's ceil rounding (pool1 on 32x32 gives 16x16, not floor's 15x15). No CIFAR data
ships here, so the databases are synthetic CIFAR-shaped records (see example_nets.synthetic_cifar) and the
mean.binaryproto is computed from them. The solver is shortened (60 iterations); the net is unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from example_nets import (
    chdir,
    cifar10_quick_root,
    cifar10_quick_shapes_match,
    layer_top_shapes,
    shortened_solver,
    train,
)

import sgdtrain.layers.pooling
from sgdtrain.config.solver import read_solver
from sgdtrain.data.sources import open_source
from sgdtrain.proto import caffe_pb2
from sgdtrain.solver import Solver

SOLVER = "examples/cifar10/cifar10_quick_solver.prototxt"
ITERS = 60

# Caffe's top shapes, batch 100. conv (pad 2, k 5, s 1) keeps the size: (32 + 4 - 5) / 1 + 1 = 32.
# pool (k 3, s 2, CEIL): ceil((32 - 3) / 2) + 1 = 16, ceil((16 - 3) / 2) + 1 = 8, ceil((8 - 3) / 2) + 1 = 4
# (floor would give 15, 7, 3). So ip1 sees 64 * 4 * 4 = 1024 inputs.
TRAIN = [
    ("cifar", [(100, 3, 32, 32), (100,)]),
    ("conv1", [(100, 32, 32, 32)]),
    ("pool1", [(100, 32, 16, 16)]),
    ("relu1", [(100, 32, 16, 16)]),
    ("conv2", [(100, 32, 16, 16)]),
    ("relu2", [(100, 32, 16, 16)]),
    ("pool2", [(100, 32, 8, 8)]),
    ("conv3", [(100, 64, 8, 8)]),
    ("relu3", [(100, 64, 8, 8)]),
    ("pool3", [(100, 64, 4, 4)]),
    ("ip1", [(100, 64)]),
    ("ip2", [(100, 10)]),
    ("loss", [()]),
]
# The test net adds Accuracy, so label and ip2 feed two layers each and get Caffe's Split layers.
TEST = [
    ("cifar", [(100, 3, 32, 32), (100,)]),
    ("label_cifar_1_split", [(100,), (100,)]),
    *TRAIN[1:-2],
    ("ip2", [(100, 10)]),
    ("ip2_ip2_0_split", [(100, 10), (100, 10)]),
    ("accuracy", [()]),
    ("loss", [()]),
]
PARAMS = [(32, 3, 5, 5), (32,), (32, 32, 5, 5), (32,), (64, 32, 5, 5), (64,), (64, 1024), (64,), (10, 64), (10,)]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return cifar10_quick_root(tmp_path_factory.mktemp("caffe_root"))


def build(root) -> Solver:
    shortened_solver(root, SOLVER, max_iter=1, test_iter=[1])
    with chdir(root):
        return Solver(read_solver(SOLVER))


def test_layer_shapes_are_caffes(root):
    solver = build(root)
    assert layer_top_shapes(solver.net) == TRAIN
    assert layer_top_shapes(solver.test_nets[0]) == TEST
    assert [p.blob.shape for p in solver.net.learnable_params] == PARAMS
    assert [p.lr_mult for p in solver.net.learnable_params] == [1, 2] * 5


def test_shapes_match_caffes_rules():
    assert cifar10_quick_shapes_match()


def test_shape_check_catches_floor_pooling(monkeypatch):
    def floor_pooled_size(size, kernel, stride, pad, ceil_mode):
        return (size + 2 * pad - kernel) // stride + 1

    monkeypatch.setattr(sgdtrain.layers.pooling, "pooled_size", floor_pooled_size)
    assert not cifar10_quick_shapes_match()


def test_data_is_the_records_minus_the_mean_file(root):
    proto = caffe_pb2.BlobProto()
    proto.ParseFromString((root / "examples/cifar10/mean.binaryproto").read_bytes())
    assert (proto.num, proto.channels, proto.height, proto.width) == (1, 3, 32, 32)
    mean = np.asarray(proto.data, np.float32).reshape(3, 32, 32)
    source = open_source(root / "examples/cifar10/cifar10_train_lmdb")
    images, labels = source.read(0, 100)
    source.close()
    assert images.dtype == np.uint8 and images.shape == (100, 3, 32, 32)
    assert sorted(set(labels.tolist())) == list(range(10))
    solver = build(root)
    solver.net.forward()
    np.testing.assert_array_equal(solver.net.blobs["data"].data, images.astype(np.float32) - mean)
    np.testing.assert_array_equal(solver.net.blobs["label"].data, labels)


def test_trains(root):
    shortened_solver(root, SOLVER, max_iter=ITERS, display=1, test_iter=[2], test_interval=ITERS)
    solver, rec = train(root, SOLVER)
    assert solver.iter == ITERS and len(rec.losses) == ITERS and all(np.isfinite(rec.losses))
    first, last = np.mean(rec.losses[:20]), np.mean(rec.losses[-20:])
    print(f"loss {rec.losses[0]:.3f} at 0, mean {first:.3f} over the first 20, {last:.3f} over the last 20; "
          f"tests {rec.tests}")
    assert rec.losses[0] == pytest.approx(np.log(10), abs=0.01)  # conv1's std 1e-4 weights: chance level
    assert last < 0.6 * first, (first, last)
    (it0, _, before, _), (it1, _, after, _) = rec.tests
    assert (it0, it1) == (0, ITERS)
    # before training: chance (the accuracy of near-constant predictions on 200 images varies around 0.1)
    assert before["loss"] == pytest.approx(np.log(10), abs=0.01)
    assert after["accuracy"] > 0.5 and after["accuracy"] > before["accuracy"] + 0.3, (before, after)
    assert after["loss"] < 0.6 * before["loss"]
