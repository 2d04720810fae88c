"""Caffe's examples/mnist/lenet_consolidated_solver.prototxt: LeNet given inline (`net_param`) in the V1
`layers { type: CONVOLUTION blobs_lr: ... }` syntax, which sgdtrain upgrades (a deliberate difference: Caffe
upgrades only net files), with two test nets built from the same net_param and told apart by test_state
stages: #0 tests on the test set, #1 on the training set. Trained through the command line from a Caffe-shaped
root on Fashion-MNIST LMDBs; the solver is shortened (250 iterations), its inline net unchanged."""

from __future__ import annotations

import re

import numpy as np
import pytest
from cli_helpers import run_cli
from example_nets import chdir, layer_top_shapes, shortened_solver, write_mnist_lmdbs

from sgdtrain.config.solver import read_solver
from sgdtrain.solver import Solver
from sgdtrain.solver.metrics import read_metrics

SOLVER = "examples/mnist/lenet_consolidated_solver.prototxt"
ITERS = 250


def lenet(batch: int) -> list[tuple[str, list[tuple[int, ...]]]]:
    # The V1 net has no phase rule on its accuracy layer, so every net (train included) computes accuracy,
    # and Caffe splits label and ip2, each read by both the accuracy and the loss.
    return [
        ("mnist", [(batch, 1, 28, 28), (batch,)]),
        ("label_mnist_1_split", [(batch,), (batch,)]),
        ("conv1", [(batch, 20, 24, 24)]),
        ("pool1", [(batch, 20, 12, 12)]),
        ("conv2", [(batch, 50, 8, 8)]),
        ("pool2", [(batch, 50, 4, 4)]),
        ("ip1", [(batch, 500)]),
        ("relu1", [(batch, 500)]),
        ("ip2", [(batch, 10)]),
        ("ip2_ip2_0_split", [(batch, 10), (batch, 10)]),
        ("accuracy", [()]),
        ("loss", [()]),
    ]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("caffe_root")
    write_mnist_lmdbs(root, n_train=3000, n_test=1000)
    return root


def test_v1_inline_nets_upgrade_and_pick_their_data_by_stage(root):
    shortened_solver(root, SOLVER, max_iter=1, test_iter=[1, 1])
    with chdir(root):
        config = read_solver(SOLVER)
        solver = Solver(config)
    notes = [line for _, line in config.notes]
    assert any(n.startswith("Attempting to upgrade input file specified using deprecated V1LayerParameter")
               for n in notes)
    assert config.train_net.source == "net_param" and [t.source for t in config.test_nets] == ["net_param"] * 2
    assert [p.type for p in config.train_net.param.layer] == [
        "Data", "Data", "Data", "Convolution", "Pooling", "Convolution", "Pooling", "InnerProduct", "ReLU",
        "InnerProduct", "Accuracy", "SoftmaxWithLoss"]
    assert layer_top_shapes(solver.net) == lenet(64)
    assert [layer_top_shapes(n) for n in solver.test_nets] == [lenet(100), lenet(100)]
    # blobs_lr: 1, 2 became param { lr_mult: 1 } param { lr_mult: 2 }
    assert [p.lr_mult for p in solver.net.learnable_params] == [1, 2] * 4
    assert [p.blob.shape for p in solver.net.learnable_params] == [
        (20, 1, 5, 5), (20,), (50, 20, 5, 5), (50,), (500, 800), (500,), (10, 500), (10,)]
    # stages: test net #0 is "test-on-test-set", #1 "test-on-train-set"
    assert [list(n.param.state.stage) for n in solver.test_nets] == [["test-on-test-set"], ["test-on-train-set"]]
    assert [n.layers[0].source.path.name for n in solver.test_nets] == ["mnist_test_lmdb", "mnist_train_lmdb"]
    assert solver.net.layers[0].source.path.name == "mnist_train_lmdb"


def test_trains_from_the_command_line(root):
    shortened_solver(root, SOLVER, max_iter=ITERS, display=1, test_iter=[4, 4], test_interval=ITERS)
    with chdir(root):
        r = run_cli("train", f"--solver={SOLVER}", "--no-progress", "--metrics", "metrics.jsonl")
    assert r.code == 0, r.err[-2000:]
    log = r.err
    assert "Creating training net specified in net_param." in log
    assert "Creating test net (#0) specified by net_param" in log
    assert "Creating test net (#1) specified by net_param" in log
    # each net opens its own database, in the order the nets are built
    assert re.findall(r"Opened lmdb (\S+)", log) == [
        "examples/mnist/mnist_train_lmdb", "examples/mnist/mnist_test_lmdb", "examples/mnist/mnist_train_lmdb"]
    assert f"Iteration {ITERS}, Testing net (#1)" in log and "Optimization Done." in log
    records = read_metrics(root / "metrics.jsonl")
    losses = [rec["loss"] for rec in records if rec["event"] == "display"]
    assert len(losses) == ITERS
    first, last = np.mean(losses[:20]), np.mean(losses[-20:])
    print(f"loss {losses[0]:.4f} at 0, mean {first:.4f} over the first 20, {last:.4f} over the last 20")
    assert last < 0.5 * first, (first, last)
    tests = [(rec["iter"], rec["net"], rec["outputs"]) for rec in records if rec["event"] == "test"]
    print("tests", tests)
    assert [(it, net) for it, net, _ in tests] == [(0, 0), (0, 1), (ITERS, 0), (ITERS, 1)]
    for net in (0, 1):
        before, after = (out for _, n, out in tests if n == net)
        assert before["accuracy"] < 0.3 and after["accuracy"] > 0.6, (net, before, after)
        assert after["loss"] < 0.5 * before["loss"]
