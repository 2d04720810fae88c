"""Caffe's test_gradient_based_solver, end to end through sgdtrain's Solver and
Net: linear least squares (HDF5Data -> InnerProduct -> EuclideanLoss) with an
analytic gradient. Run K iterations; predict update K+1 in float64 from the
weights, the history and the next batch; run K+1 iterations from the same
seed; compare. Covers every solver type with momentum, L2 and L1 decay,
lr_mult/decay_mult, gradient clipping and iter_size."""

from __future__ import annotations

from contextlib import chdir

import numpy as np
import pytest

from sgdtrain.config.solver import read_solver
from sgdtrain.log import NullLog
from sgdtrain.solver import Solver

h5py = pytest.importorskip("h5py")

N_ROWS, DIM, BATCH = 8, 300, 4


def make_data(folder):
    rng = np.random.default_rng(1701)
    data = rng.standard_normal((N_ROWS, 3, 10, 10)).astype(np.float32)
    targets = rng.standard_normal((N_ROWS, 1)).astype(np.float32)
    with h5py.File(folder / "solver_data.h5", "w") as f:
        f["data"] = data
        f["targets"] = targets
    (folder / "list.txt").write_text("solver_data.h5\n")
    return data.reshape(N_ROWS, DIM).astype(np.float64), targets[:, 0].astype(np.float64)


def solver_text(kind, lr, decay, momentum, iters, iter_size=1, reg="L2", clip=-1.0, mults=(1.0, 2.0, 1.0, 0.5)):
    lr_w, lr_b, decay_w, decay_b = mults
    net = f"""net_param {{ name: "lsq"
  layer {{ name: "data" type: "HDF5Data" top: "data" top: "targets"
           hdf5_data_param {{ source: "list.txt" batch_size: {BATCH // iter_size} }} }}
  layer {{ name: "innerprod" type: "InnerProduct" bottom: "data" top: "innerprod"
           param {{ name: "weights" lr_mult: {lr_w} decay_mult: {decay_w} }}
           param {{ name: "bias" lr_mult: {lr_b} decay_mult: {decay_b} }}
           inner_product_param {{ num_output: 1 weight_filler {{ type: "gaussian" std: 1.0 }}
                                  bias_filler {{ type: "gaussian" std: 1.0 }} }} }}
  layer {{ name: "loss" type: "EuclideanLoss" bottom: "innerprod" bottom: "targets" }} }}
"""
    extra = {"RMSProp": "rms_decay: 0.95", "Adam": "momentum2: 0.999", "AdamW": "momentum2: 0.999"}.get(kind, "")
    return (net + f'type: "{kind}" base_lr: {lr} weight_decay: {decay} momentum: {momentum} lr_policy: "fixed" '
            f'max_iter: {iters} iter_size: {iter_size} regularization_type: "{reg}" clip_gradients: {clip} '
            f'random_seed: 1701 snapshot_after_train: false {extra}\n')


def run(folder, text):
    (folder / "solver.prototxt").write_text(text)
    with chdir(folder):
        solver = Solver(read_solver("solver.prototxt"), log=NullLog())
        solver.solve()
    return solver


def expected_next(solver, X, y, kind, lr, decay, momentum, reg, clip, mults, iter_size=1):
    """The (K+1)-th update, from the state after K updates (Caffe's TestLeastSquaresUpdate)."""
    lr_w, lr_b, decay_w, decay_b = mults
    w = solver.net.learnable_params[0].blob.data.astype(np.float64).ravel()
    b = solver.net.learnable_params[1].blob.data.astype(np.float64).ravel()
    k = solver.iter
    rows = [(k * BATCH + i) % N_ROWS for i in range(BATCH)]
    xb, yb = np.hstack([X[rows], np.ones((BATCH, 1))]), y[rows]
    theta = np.concatenate([w, b])
    grad = (xb.T @ (xb @ theta - yb)) / BATCH
    # Caffe clips the *sum* of the iter_size sub-batch gradients (before normalising, before decay)
    summed = iter_size * np.linalg.norm(grad)
    if clip >= 0 and summed > clip:
        grad *= clip / summed
    lr_mult = np.r_[np.full(DIM, lr_w), lr_b]
    decay_mult = np.r_[np.full(DIM, decay_w), decay_b]
    if kind != "AdamW":
        grad = grad + decay * decay_mult * (theta if reg == "L2" else np.sign(theta))
    ell = lr * lr_mult
    hist = [np.concatenate([solver.updater.history_of(i)[s].astype(np.float64).ravel() for i in range(2)])
            for s in range(solver.updater.rule.history_sets)]
    h = hist[0]
    delta = 1e-8
    if kind == "SGD":
        step = ell * grad + momentum * h
    elif kind == "Nesterov":
        step = (1 + momentum) * (ell * grad + momentum * h) - momentum * h
    elif kind == "AdaGrad":
        step = ell * grad / (np.sqrt(h + grad**2) + delta)
    elif kind == "RMSProp":
        step = ell * grad / (np.sqrt(0.95 * h + 0.05 * grad**2) + delta)
    elif kind == "AdaDelta":
        h2 = hist[1]
        step = ell * grad * np.sqrt((h2 + delta) / (momentum * h + (1 - momentum) * grad**2 + delta))
    else:  # Adam and AdamW: Caffe's bias correction with t = iter + 1, delta on the uncorrected sqrt(v)
        h2, t = hist[1], k + 1
        m = (1 - momentum) * grad + momentum * h
        v = (1 - 0.999) * grad**2 + 0.999 * h2
        step = ell * np.sqrt(1 - 0.999**t) / (1 - momentum**t) * m / (np.sqrt(v) + delta)
        if kind == "AdamW":
            step = step + ell * decay * decay_mult * theta
    return theta - step


CASES = [
    # kind, lr, decay, momentum
    ("SGD", 0.01, 0.5, 0.5),
    ("Nesterov", 0.01, 0.5, 0.9),
    ("AdaGrad", 0.01, 0.5, 0.0),
    ("RMSProp", 0.01, 0.5, 0.0),
    ("AdaDelta", 0.1, 0.1, 0.95),
    ("Adam", 0.01, 0.5, 0.9),
    ("AdamW", 0.01, 0.1, 0.9),
]


# AdamW's decoupled decay has no L1 form (check_rule refuses it), so it gets no L1 case.
INDUCTIVE = [case + variant for case in CASES for variant in [("L2", -1.0, 1), ("L1", -1.0, 1), ("L2", 0.5, 2)]
             if not (case[0] == "AdamW" and variant[0] == "L1")]


@pytest.mark.parametrize("kind,lr,decay,momentum,reg,clip,iter_size", INDUCTIVE)
def test_inductive_least_squares_update(tmp_path, kind, lr, decay, momentum, reg, clip, iter_size):
    X, y = make_data(tmp_path)
    mults = (1.0, 2.0, 1.0, 0.5)
    for k in range(4):
        before = run(tmp_path, solver_text(kind, lr, decay, momentum, k, iter_size, reg, clip, mults))
        want = expected_next(before, X, y, kind, lr, decay, momentum, reg, clip, mults, iter_size)
        after = run(tmp_path, solver_text(kind, lr, decay, momentum, k + 1, iter_size, reg, clip, mults))
        got = np.concatenate([p.blob.data.astype(np.float64).ravel() for p in after.net.learnable_params])
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6, err_msg=f"{kind} update {k + 1}")


@pytest.mark.parametrize("kind,lr,decay,momentum", CASES)
def test_iter_size_accumulation_equals_the_big_batch(tmp_path, kind, lr, decay, momentum):
    """Caffe's CheckAccumulation: iter_size 2 with half batches = iter_size 1 with the full batch."""
    make_data(tmp_path)
    one = run(tmp_path, solver_text(kind, lr, decay, momentum, 4, 1))
    two = run(tmp_path, solver_text(kind, lr, decay, momentum, 4, 2))
    for a, b in zip(one.net.learnable_params, two.net.learnable_params):
        np.testing.assert_allclose(a.blob.data, b.blob.data, rtol=1e-4, atol=1e-6)
