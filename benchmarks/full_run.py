"""`make bench-full`: Caffe's full LeNet run, replayed: 10,000 iterations of
lenet_solver.prototxt on the full Fashion-MNIST training set (Debian package
dataset-fashion-mnist), from real Caffe's initial weights (lenet_iter_0, what
random_seed 1701 gave Caffe), testing every 500 on the 10,000 test images.

Reports the final test accuracy and loss against Caffe's 0.9005 / 0.308913
(tests/data/caffe-lenet-fashion/README.md), the wall time and the peak RSS
of the training process (measured by running `sgdtrain train` as a child
process and reading its own rusage with wait4).

With SGDTRAIN_KERNELS=numba in the environment the run uses the compiled
kernels (sgdtrain/jit.py). A one-iteration warm-up run builds any that are
not cached yet first, so the compile processes (which load numba) are not
counted in the training process's figures.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from sgdtrain import jit  # noqa: E402

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
    command = [sys.executable, "-m", "sgdtrain", "train", "--weights", str(weights), "--no-progress"]
    kernels = jit.enabled()  # SGDTRAIN_KERNELS=numba, with numba installed
    print(f"kernels: {'compiled (SGDTRAIN_KERNELS=numba)' if kernels else 'numpy paths'}")
    if kernels:  # build any kernel not cached yet, outside the measured process
        warm = solver.replace("max_iter: 10000", "max_iter: 1") + "test_initialization: false\n"
        (work / "warmup.prototxt").write_text(warm)
        subprocess.run(command + ["--solver", str(work / "warmup.prototxt")], cwd=REPO, capture_output=True,
                       check=True)
    started = time.time()
    with open(work / "stderr.txt", "w+") as err:
        child = subprocess.Popen(command + ["--solver", str(work / "solver.prototxt")], cwd=REPO,
                                 stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not that of other children
        wall = time.time() - started
        err.seek(0)
        stderr = err.read()
    returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / 1024
    (work / "train.log").write_text(stderr)
    if returncode != 0:
        print(stderr[-3000:], file=sys.stderr)
        return returncode
    tests = re.findall(r"Iteration (\d+), Testing net \(#0\)\n.*?accuracy = (\S+)\n.*?loss = (\S+) ", stderr, re.S)
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
