"""Killing the process (SIGKILL) at any moment, snapshots included, never leaves
a truncated .caffemodel or .solverstate under its final name."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from sgdtrain.proto import caffe_pb2

# Big parameters, little compute: the process spends most of its time writing snapshots.
NET = """name: "big"
layer { name: "data" type: "DummyData" top: "data" top: "target"
  dummy_data_param { shape { dim: 4 dim: 784 } shape { dim: 4 dim: 2000 } data_filler { type: "gaussian" } } }
layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip"
  inner_product_param { num_output: 2000 weight_filler { type: "gaussian" std: 0.01 } } }
layer { name: "loss" type: "EuclideanLoss" bottom: "ip" bottom: "target" top: "loss" }
"""
SOLVER = """net: "net.prototxt"
base_lr: 0.001 momentum: 0.9 lr_policy: "fixed" max_iter: 100000 display: 0
snapshot: 1 snapshot_prefix: "snaps/big" random_seed: 3
"""


def check_complete(folder) -> int:
    """Every snapshot file under a final name parses and holds all its values; returns how many there are."""
    n = 0
    for path in sorted(folder.glob("big_iter_*")):
        raw = path.read_bytes()
        if path.suffix == ".caffemodel":
            net = caffe_pb2.NetParameter()
            net.ParseFromString(raw)
            (ip,) = [layer for layer in net.layer if layer.name == "ip"]
            assert [len(b.data) for b in ip.blobs] == [2000 * 784, 2000], path
        elif path.suffix == ".solverstate":
            state = caffe_pb2.SolverState()
            state.ParseFromString(raw)
            assert [len(h.data) for h in state.history] == [2000 * 784, 2000], path
            assert state.learned_net.endswith(f"big_iter_{state.iter}.caffemodel")
        n += 1
    return n


def test_sigkill_never_leaves_a_partial_snapshot(tmp_path):
    rng = random.Random(1234)
    mid_write = 0
    for trial in range(8):
        run = tmp_path / f"trial{trial}"
        run.mkdir()
        (run / "net.prototxt").write_text(NET)
        (run / "solver.prototxt").write_text(SOLVER)
        proc = subprocess.Popen([sys.executable, "-m", "sgdtrain", "train", "--solver", "solver.prototxt",
                                 "--no-progress", "--no-metrics"], cwd=run,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # wait until snapshots are being written, then kill at a random moment
        deadline = time.time() + 60
        while not list((run / "snaps").glob("big_iter_*.solverstate")) and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert check_complete(run / "snaps") > 0
        # a kill that interrupted a write left only a temporary file cut short
        mid_write += bool(list((run / "snaps").glob(".big_iter_*.tmp")))
    # the process spends most of its time writing, so some kills did land mid-write
    assert mid_write > 0
