"""`sgdtrain test`, `sgdtrain time` and fine-tuning with --weights, against real Caffe's files."""

from __future__ import annotations

import re
from contextlib import chdir

import pytest
from cli_helpers import run_cli
from conftest import REFERENCE
from fidelity_helpers import DATA

from sgdtrain.fidelity.replay import prepare

FINAL = REFERENCE / "weights" / "train10000_iter_10000.caffemodel"


@pytest.fixture
def lenet_dir(tmp_path):
    prepare(REFERENCE, DATA, tmp_path)
    return tmp_path


def test_test_verb_scores_caffes_final_weights_as_caffe_did(lenet_dir):
    """Caffe's 10,000-iteration run ended with test accuracy 0.9005 and loss 0.308913."""
    with chdir(lenet_dir):
        r = run_cli("test", "--model", "lenet_train_test.prototxt", "--weights", str(FINAL), "--iterations", "100")
    assert r.code == 0, r.err[-1500:]
    assert "Running for 100 iterations." in r.err
    assert len(re.findall(r"\] Batch \d+, accuracy = ", r.err)) == 100
    accuracy = float(re.search(r"\] accuracy = (\S+)", r.err).group(1))
    loss = float(re.search(r"\] loss = (\S+) \(\* 1 = \S+ loss\)", r.err).group(1))
    assert abs(accuracy - 0.9005) <= 1e-4 + 1e-9  # at most one of 10,000 images apart
    assert loss == pytest.approx(0.308913, rel=2e-5)
    assert re.search(r"\] Loss: 0\.3089", r.err)


def test_time_verb_prints_caffes_table(lenet_dir):
    with chdir(lenet_dir):
        r = run_cli("time", "--model", "lenet_train_test.prototxt", "--iterations", "3")
    assert r.code == 0, r.err[-1500:]
    for text in ("Performing Forward", "Initial loss: ", "Performing Backward", "*** Benchmark begins ***",
                 "Testing for 3 iterations.", "Iteration: 3 forward-backward time: ", "Average time per layer: ",
                 "Average Forward pass: ", "Average Backward pass: ", "Average Forward-Backward: ", "Total Time: ",
                 "*** Benchmark ends ***"):
        assert text in r.err, text
    assert re.search(r"\]      conv1\tforward: [\d.]+ ms\.", r.err)
    assert re.search(r"\]      conv1\tbackward: [\d.]+ ms\.", r.err)


def test_finetuning_skips_absent_layers_and_refuses_shape_mismatch(lenet_dir):
    solver = (REFERENCE / "lenet_solver_traj_sgd_inv.prototxt").read_text().replace("max_iter: 200", "max_iter: 2")
    (lenet_dir / "solver.prototxt").write_text(solver.replace("test_interval: 100", "test_interval: 1000"))
    net = (lenet_dir / "lenet_train_test.prototxt").read_text()
    (lenet_dir / "lenet_train_test.prototxt").write_text(net.replace('name: "ip2"', 'name: "ip2_new"'))
    with chdir(lenet_dir):
        r = run_cli("train", "--solver", "solver.prototxt", "--weights", str(REFERENCE / "lenet_iter_0.caffemodel"),
                    "--no-progress", "--no-metrics")
        assert r.code == 0, r.err[-1500:]
        assert "Ignoring source layer ip2" in r.err
        (lenet_dir / "lenet_train_test.prototxt").write_text(net.replace("num_output: 500", "num_output: 400"))
        r = run_cli("train", "--solver", "solver.prototxt", "--weights", str(REFERENCE / "lenet_iter_0.caffemodel"),
                    "--no-progress", "--no-metrics")
    assert r.code == 2
    assert ("cannot copy param 0 weights from layer 'ip1'" in r.err
            and "Source param shape is 500 800 (400000)" in r.err and "target param shape is 400 800 (320000)" in r.err)


def test_weights_list_loads_each_file_in_order(lenet_dir):
    solver = (REFERENCE / "lenet_solver_traj_sgd_inv.prototxt").read_text().replace("max_iter: 200", "max_iter: 0")
    (lenet_dir / "solver.prototxt").write_text(solver)
    with chdir(lenet_dir):
        r = run_cli("train", "--solver", "solver.prototxt", "--no-progress", "--no-metrics",
                    f"--weights={REFERENCE / 'lenet_iter_0.caffemodel'},{FINAL}")
    assert r.code == 0, r.err[-1500:]
    assert r.err.count("Finetuning from") == 4  # two files, into the train and the test net
    # the later file wins: the test at 0 scores the final weights
    assert "Test net output #0: accuracy = 0.9005" in r.err or "accuracy = 0.900" in r.err
