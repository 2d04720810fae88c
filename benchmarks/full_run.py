"""`make bench-full`: Caffe's full LeNet run, replayed: 10,000 iterations of
lenet_solver.prototxt on the full Fashion-MNIST training set (Debian package
dataset-fashion-mnist), from real Caffe's initial weights (lenet_iter_0, what
random_seed 1701 gave Caffe), testing every 500 on the 10,000 test images.

Reports the final test accuracy and loss against Caffe's 0.9005 / 0.308913
(tests/data/caffe-lenet-fashion/README.md), the wall time and the peak RSS
of the training process (measured by running `sgdtrain train` as a child
process and reading its rusage).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FULL = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
CAFFE_ACCURACY, CAFFE_LOSS, CAFFE_WALL = 0.9005, 0.308913, 245.1


def main() -> int:
    if not FULL.exists():
        print(f"{FULL} is missing: apt-get install dataset-fashion-mnist", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="sgdtrain-full-"))
    solver = (REPO / "configs" / "lenet_solver_full.prototxt").read_text()
    solver = solver.replace('net: "configs/', f'net: "{REPO}/configs/').replace(
        'snapshot_prefix: "snapshots/lenet_full/lenet"', f'snapshot_prefix: "{work}/lenet"')
    (work / "solver.prototxt").write_text(solver)
    weights = REPO / "tests" / "data" / "caffe-lenet-fashion" / "lenet_iter_0.caffemodel"
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')} "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}; load "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    started = time.time()
    proc = subprocess.run([sys.executable, "-m", "sgdtrain", "train", "--solver", str(work / "solver.prototxt"),
                           "--weights", str(weights), "--no-progress"], cwd=REPO, capture_output=True, text=True)
    wall = time.time() - started
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    (work / "train.log").write_text(proc.stderr)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return proc.returncode
    tests = re.findall(r"Iteration (\d+), Testing net \(#0\)\n.*?accuracy = (\S+)\n.*?loss = (\S+) ", proc.stderr, re.S)
    it, acc, loss = tests[-1]
    best = max(tests, key=lambda t: float(t[1]))
    diff = float(acc) - CAFFE_ACCURACY
    print(f"final test (iteration {it}): accuracy {acc} (Caffe {CAFFE_ACCURACY}, diff {diff:+.4f}),"
          f" loss {loss} (Caffe {CAFFE_LOSS})")
    print(f"best test accuracy {best[1]} at iteration {best[0]} (Caffe: 0.9058 at 8000)")
    print(f"wall time {wall:.1f} s (Caffe's quiet run: {CAFFE_WALL} s); peak RSS {rss:.1f} MiB (Caffe: 118.6 MiB)")
    print(f"log: {work / 'train.log'}; metrics record: {work / 'lenet.metrics.jsonl'}")
    return 0 if abs(float(acc) - CAFFE_ACCURACY) <= 0.005 else 1


if __name__ == "__main__":
    sys.exit(main())
