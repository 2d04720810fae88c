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


def start_training(run, prelude: str = "") -> subprocess.Popen:
    """`sgdtrain train` in a fresh process, after `prelude` (fault injection) has run in it."""
    run.mkdir()
    (run / "net.prototxt").write_text(NET)
    (run / "solver.prototxt").write_text(SOLVER)
    code = prelude + "\nfrom sgdtrain.cli import main\nmain()\n"
    argv = ["train", "--solver", "solver.prototxt", "--no-progress", "--no-metrics"]
    return subprocess.Popen([sys.executable, "-c", code, *argv], cwd=run,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# The process kills itself at the 5th snapshot file (iteration 3's), at a chosen point
# of the write: deterministic, where a kill from outside lands mid-write only by luck.
KILL_AT_FSYNC = """
import os, signal
_fsync, calls = os.fsync, [0]
def fsync(fd):
    if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).endswith(".tmp"):
        calls[0] += 1
        if calls[0] == 5:
            os.kill(os.getpid(), signal.SIGKILL)
    _fsync(fd)
os.fsync = fsync
"""
KILL_MID_WRITE = """
import os, signal, sgdtrain.atomic as atomic
_fdopen, calls = os.fdopen, [0]
class HalfWriter:
    def __init__(self, f): self.f = f
    def __enter__(self): return self
    def __exit__(self, *exc): self.f.close()
    def write(self, data):
        calls[0] += 1
        if calls[0] == 5:
            self.f.write(data[: len(data) // 2]); self.f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        self.f.write(data)
    def __getattr__(self, name): return getattr(self.f, name)
atomic.os.fdopen = lambda *a, **k: HalfWriter(_fdopen(*a, **k))
"""


def test_kill_inside_a_snapshot_write_keeps_the_previous_snapshot(tmp_path):
    for name, prelude in [("before_rename", KILL_AT_FSYNC), ("mid_write", KILL_MID_WRITE)]:
        run = tmp_path / name
        proc = start_training(run, prelude)
        assert proc.wait(timeout=120) == -signal.SIGKILL
        # iterations 1 and 2 are complete under their final names, iteration 3's caffemodel died as a temporary
        assert check_complete(run / "snaps") == 4, name
        (tmp,) = (run / "snaps").glob(".big_iter_3.caffemodel.*.tmp")
        assert not (run / "snaps" / "big_iter_3.caffemodel").exists()
        if name == "mid_write":
            assert 0 < tmp.stat().st_size < (run / "snaps" / "big_iter_2.caffemodel").stat().st_size


def test_sigkill_at_random_moments_never_leaves_a_partial_snapshot(tmp_path):
    rng = random.Random(1234)
    for trial in range(4):
        run = tmp_path / f"trial{trial}"
        proc = start_training(run)
        # wait until snapshots are being written, then kill at a random moment
        deadline = time.time() + 60
        while not list((run / "snaps").glob("big_iter_*.solverstate")) and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert check_complete(run / "snaps") > 0
