"""Caffe's examples/mnist/mnist_autoencoder.prototxt with its four solvers (SGD step, AdaDelta, AdaGrad,
Nesterov): Flatten, an InnerProduct chain with Sigmoids, SigmoidCrossEntropyLoss and a zero-weight
EuclideanLoss, two test nets chosen by test_state stages. Run as `caffe train` from a Caffe-shaped root on
Fashion-MNIST LMDBs, with the solvers shortened (200 iterations, small tests) and the net unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from example_nets import chdir, copy_example, layer_top_shapes, shortened_solver, train, write_mnist_lmdbs

from sgdtrain.config.solver import read_solver
from sgdtrain.solver import Solver

NET = "examples/mnist/mnist_autoencoder.prototxt"
SGD = "examples/mnist/mnist_autoencoder_solver.prototxt"
ITERS = 200

# Caffe's top shapes (batch 100), with the Split layers Caffe inserts where one blob feeds two layers.
# encode1 reads the 4-D data directly (InnerProduct flattens from axis 1); the losses are scalars.
EXPECTED = [
    ("data", [(100, 1, 28, 28)]),
    ("data_data_0_split", [(100, 1, 28, 28), (100, 1, 28, 28)]),
    ("flatdata", [(100, 784)]),
    ("flatdata_flatdata_0_split", [(100, 784), (100, 784)]),
    ("encode1", [(100, 1000)]),
    ("encode1neuron", [(100, 1000)]),
    ("encode2", [(100, 500)]),
    ("encode2neuron", [(100, 500)]),
    ("encode3", [(100, 250)]),
    ("encode3neuron", [(100, 250)]),
    ("encode4", [(100, 30)]),
    ("decode4", [(100, 250)]),
    ("decode4neuron", [(100, 250)]),
    ("decode3", [(100, 500)]),
    ("decode3neuron", [(100, 500)]),
    ("decode2", [(100, 1000)]),
    ("decode2neuron", [(100, 1000)]),
    ("decode1", [(100, 784)]),
    ("decode1_decode1_0_split", [(100, 784), (100, 784)]),
    ("loss", [()]),
    ("decode1neuron", [(100, 784)]),
    ("loss", [()]),
]
WEIGHTS = [(1000, 784), (500, 1000), (250, 500), (30, 250), (250, 30), (500, 250), (1000, 500), (784, 1000)]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("caffe_root")
    write_mnist_lmdbs(root, n_train=2000, n_test=1000)
    copy_example(root, NET)
    return root


def test_layer_shapes_and_test_stages(root):
    shortened_solver(root, SGD, max_iter=1, test_iter=[1, 1])
    with chdir(root):
        solver = Solver(read_solver(SGD))
    assert layer_top_shapes(solver.net) == EXPECTED
    assert [layer_top_shapes(n) for n in solver.test_nets] == [EXPECTED, EXPECTED]
    # test_state stages pick the data layer: net #0 tests on the training set, net #1 on the test set
    assert [list(n.param.state.stage) for n in solver.test_nets] == [["test-on-train"], ["test-on-test"]]
    assert [n.layers[0].source.path.name for n in solver.test_nets] == ["mnist_train_lmdb", "mnist_test_lmdb"]
    assert solver.net.layers[0].source.path.name == "mnist_train_lmdb"
    # weights (N x K) and biases; biases get decay_mult 0
    params = solver.net.learnable_params
    assert [p.blob.shape for p in params] == [s for w in WEIGHTS for s in (w, (w[0],))]
    assert [(p.lr_mult, p.decay_mult) for p in params] == [(1, 1), (1, 0)] * 8
    # the sparse gaussian filler keeps each weight with probability sparse / num_output = 15 / 1000
    kept = np.count_nonzero(params[0].blob.data) / params[0].blob.count
    assert abs(kept - 0.015) < 0.002
    # outputs: the cross-entropy (weight 1) and the L2 error with loss_weight 0 (shown, not optimised)
    assert [(name, w) for name, _, w in solver.net.outputs()] == [("cross_entropy_loss", 1.0), ("l2_error", 0.0)]


@pytest.mark.parametrize(
    "suffix, solver_type",
    [("", "SGD"), ("_adadelta", "AdaDelta"), ("_adagrad", "AdaGrad"), ("_nesterov", "Nesterov")],
)
def test_trains(root, suffix, solver_type):
    rel = f"examples/mnist/mnist_autoencoder_solver{suffix}.prototxt"
    shortened_solver(root, rel, max_iter=ITERS, display=1, test_iter=[2, 2], test_interval=ITERS)
    solver, rec = train(root, rel)
    assert solver.param.type == solver_type and solver.iter == ITERS
    losses = rec.losses
    assert len(losses) == ITERS and all(np.isfinite(losses))
    # The reconstruction cross-entropy (summed over 784 pixels, per image) starts near 950 and collapses to
    # ~450 within a few iterations (the net learns the mean image); then it falls slowly, and with some
    # initialisations Nesterov (momentum 0.95) lingers near 380 on that plateau for 200 iterations (seen:
    # last-20 means 290-385 against first-20 means near 430). Hence: well below the untrained loss, and
    # still below the first 20.
    first, last = np.mean(losses[:20]), np.mean(losses[-20:])
    print(f"{solver_type}: loss {losses[0]:.1f} at 0, mean {first:.1f} over the first 20, {last:.1f} over the last 20;"
          f" tests {[round(t[3], 1) for t in rec.tests]}")
    assert last < 0.5 * losses[0] and last < 0.95 * first, (losses[0], first, last)
    # both test nets ran at iteration 0 and at the end (test_compute_loss: the test loss is reported)
    assert [(it, net) for it, net, _, _ in rec.tests] == [(0, 0), (0, 1), (ITERS, 0), (ITERS, 1)]
    for net in (0, 1):
        before, after = (t for t in rec.tests if t[1] == net)
        assert after[3] < 0.6 * before[3], (net, before, after)
        assert after[2]["l2_error"] < 0.6 * before[2]["l2_error"]
        assert after[3] == pytest.approx(after[2]["cross_entropy_loss"], rel=1e-6)
