"""Caffe's examples/siamese/mnist_siamese_train_test.prototxt with mnist_siamese_solver.prototxt: pairs of
images as 2-channel Datums cut apart by Slice, two LeNet towers sharing every weight by `param { name }`,
ContrastiveLoss. The sources name LevelDBs; sgdtrain reads an LMDB at any path, so the pair databases are
written as LMDBs at those paths (Fashion-MNIST pairs, as convert_mnist_siamese_data makes them). The solver
is shortened (150 iterations); the net is unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from example_nets import chdir, copy_example, fashion, layer_top_shapes, shortened_solver, train, write_siamese_dbs

from sgdtrain.config.solver import read_solver
from sgdtrain.data.sources import open_source
from sgdtrain.solver import Solver

NET = "examples/siamese/mnist_siamese_train_test.prototxt"
SOLVER = "examples/siamese/mnist_siamese_solver.prototxt"
ITERS = 150


def towers(batch: int, suffix: str) -> list[tuple[str, list[tuple[int, ...]]]]:
    # LeNet: conv 5x5 28 -> 24, pool 2/2 -> 12, conv 5x5 -> 8, pool -> 4, then 500, 10 and a 2-D feature
    return [
        (f"conv1{suffix}", [(batch, 20, 24, 24)]),
        (f"pool1{suffix}", [(batch, 20, 12, 12)]),
        (f"conv2{suffix}", [(batch, 50, 8, 8)]),
        (f"pool2{suffix}", [(batch, 50, 4, 4)]),
        (f"ip1{suffix}", [(batch, 500)]),
        (f"relu1{suffix}", [(batch, 500)]),
        (f"ip2{suffix}", [(batch, 10)]),
        (f"feat{suffix}", [(batch, 2)]),
    ]


def expected(batch: int) -> list[tuple[str, list[tuple[int, ...]]]]:
    return [
        ("pair_data", [(batch, 2, 28, 28), (batch,)]),
        ("slice_pair", [(batch, 1, 28, 28), (batch, 1, 28, 28)]),
        *towers(batch, ""),
        *towers(batch, "_p"),
        ("loss", [()]),
    ]


SHARED = ["conv1_w", "conv1_b", "conv2_w", "conv2_b", "ip1_w", "ip1_b", "ip2_w", "ip2_b", "feat_w", "feat_b"]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("caffe_root")
    write_siamese_dbs(root, n_train=2000, n_test=1000)
    copy_example(root, NET)
    return root


def test_pair_databases_are_convert_mnist_siamese_datas(root):
    images, labels = fashion("train", 4000)
    class_of = {image.tobytes(): int(label) for image, label in zip(images, labels)}
    source = open_source(root / "examples/siamese/mnist_siamese_train_leveldb")
    assert len(source) == 2000 and source.shape == (2, 28, 28)
    pairs, same = source.read(0, 2000)
    source.close()
    for pair, label in zip(pairs, same):
        a, b = class_of[pair[0].tobytes()], class_of[pair[1].tobytes()]
        assert label == (a == b)
    assert 0.05 < same.mean() < 0.2  # random pairs of 10 classes: about 1 in 10 is similar


def test_layer_shapes_and_shared_weights(root):
    shortened_solver(root, SOLVER, max_iter=1, test_iter=[1])
    with chdir(root):
        solver = Solver(read_solver(SOLVER))
    assert layer_top_shapes(solver.net) == expected(64)
    assert layer_top_shapes(solver.test_nets[0]) == expected(100)
    net = solver.net
    # one learnable blob per name, used by both towers
    assert [p.name for p in net.learnable_params] == SHARED
    assert [p.lr_mult for p in net.learnable_params] == [1, 2] * 5
    for name in ("conv1", "conv2", "ip1", "ip2", "feat"):
        mine, twin = net.layer_by_name(name), net.layer_by_name(name + "_p")
        assert all(a is b for a, b in zip(mine.blobs, twin.blobs)), name


def test_trains(root):
    shortened_solver(root, SOLVER, max_iter=ITERS, display=1, test_iter=[4], test_interval=ITERS)
    initial = {}
    solver, rec = train(root, SOLVER, before=lambda s: initial.update(
        (p.name, p.blob.data.copy()) for p in s.net.learnable_params))
    first, last = np.mean(rec.losses[:20]), np.mean(rec.losses[-20:])
    print(f"loss {rec.losses[0]:.4f} at 0, mean {first:.4f} over the first 20, {last:.4f} over the last 20; "
          f"tests {rec.tests}")
    assert len(rec.losses) == ITERS and last < 0.6 * first, (first, last)
    (it0, _, before, _), (it1, _, after, _) = rec.tests
    assert (it0, it1) == (0, ITERS) and after["loss"] < 0.7 * before["loss"], (before, after)
    net = solver.net
    conv1, conv1_p = net.layer_by_name("conv1"), net.layer_by_name("conv1_p")
    assert conv1.blobs[0] is conv1_p.blobs[0]  # still one blob after training
    # every shared parameter learned, except two biases: the loss sees only feat - feat_p, and nothing
    # nonlinear lies between ip2 and feat, so ip2_b and feat_b cancel out of it, and the two towers'
    # gradients for them (exact negatives of each other) sum to exactly 0
    assert sorted(initial) == sorted(SHARED)
    moved = {p.name: not np.array_equal(p.blob.data, initial[p.name]) for p in net.learnable_params}
    assert moved == {name: name not in ("ip2_b", "feat_b") for name in SHARED}
    # the test net uses the trained weights
    assert solver.test_nets[0].layer_by_name("feat_p").blobs[0] is net.layer_by_name("feat").blobs[0]
