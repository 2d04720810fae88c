"""`make bench`: LeNet (batch 64) training-step speed, per-layer times, memory.

Prints, in one run on this machine:
  * the median ms per training step (forward + backward + SGD update, Caffe's
    lenet_solver settings) over >= 300 steps after a warm-up;
  * forward and backward per layer, like `caffe time`;
  * peak RSS, the BLAS library with its core type and thread count, and the
    machine load before and after;
  * when PyTorch is importable (`pip install torch`), the same LeNet step in
    PyTorch with Caffe's semantics (Caffe's momentum convention, weight decay,
    bias lr_mult 2, ceil-mode pooling), timed in alternating blocks with
    sgdtrain's so both see the same machine state, and the ratio;
  * the ratio to real Caffe's 21.1 ms per iteration (its 10,000-iteration
    LeNet run on this machine kind, tests/data/caffe-lenet-fashion/README.md);
  * when numba is installed (`make bench` installs it), the same step with
    SGDTRAIN_KERNELS=numba (the optional compiled kernels), in the same
    alternating blocks, and its ratios. The per-layer times and the peak RSS
    are those of this whole process (PyTorch included); the RSS of a real run
    is what `make bench-full` measures.

Timings on a shared machine are noisy: compare the ratios printed by one run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # as the sgdtrain command does (blas_env.py)

import numpy as np  # noqa: E402

from sgdtrain import jit  # noqa: E402
from sgdtrain.config.solver import read_solver  # noqa: E402
from sgdtrain.log import NullLog  # noqa: E402
from sgdtrain.net import LayerTiming  # noqa: E402
from sgdtrain.solver import Solver  # noqa: E402

CAFFE_MS_PER_ITER = 21.1  # real Caffe, lenet_solver, this machine kind (training iterations only)


def kernels_info() -> str:
    if not jit.available():
        return "numpy paths; numba not installed, so the optional kernels are not timed (pip install 'sgdtrain[fast]')"
    from importlib.metadata import version

    return (f"numpy paths (the default), and {jit.ENV}=numba with numba {version('numba')} "
            "(pooling, col2im, conv1 im2col, SGD update compiled ahead of time), timed alternately")


class kernels:
    """Within the block, sgdtrain runs its numba kernels (the switch is read at every call)."""

    def __enter__(self):
        self.before = os.environ.get(jit.ENV)
        os.environ[jit.ENV] = "numba"

    def __exit__(self, *exc):
        if self.before is None:
            del os.environ[jit.ENV]
        else:
            os.environ[jit.ENV] = self.before


def blas_info() -> str:
    """The BLAS numpy uses, its core type and threads (OpenBLAS asked through ctypes)."""
    import ctypes
    import glob

    cfg = np.show_config(mode="dicts") if "mode" in np.show_config.__code__.co_varnames else {}
    name = cfg.get("Build Dependencies", {}).get("blas", {}).get("name", "?") if cfg else "?"
    version = cfg.get("Build Dependencies", {}).get("blas", {}).get("version", "") if cfg else ""
    threads = core = "?"
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    for lib in libs:
        try:
            handle = ctypes.CDLL(lib)
        except OSError:
            continue
        for suffix in ("64_", ""):
            for prefix in ("scipy_openblas", "openblas"):
                try:
                    threads = getattr(handle, f"{prefix}_get_num_threads{suffix}")()
                    corename = getattr(handle, f"{prefix}_get_corename{suffix}")
                    corename.restype = ctypes.c_char_p
                    core = corename().decode()
                except AttributeError:
                    continue
    env = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    timeout = os.environ.get("OPENBLAS_THREAD_TIMEOUT", "(unset)")
    return (f"{name} {version}, core {core} (OPENBLAS_CORETYPE={env}), {threads} threads "
            f"(OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}, "
            f"OPENBLAS_THREAD_TIMEOUT={timeout})")


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def build_solver() -> Solver:
    cfg = read_solver(REPO / "configs" / "lenet_solver.prototxt")
    del cfg.test_nets[:]
    del cfg.param.test_iter[:]
    cfg.param.test_interval = 0
    cfg.param.display = 0
    cfg.param.snapshot = 0
    cfg.param.snapshot_after_train = False
    return Solver(cfg, log=NullLog())


def sgdtrain_step(solver: Solver) -> None:
    solver.net.clear_param_diffs()
    solver.net.forward_backward()
    solver.apply_update(False)


def torch_lenet(solver: Solver):
    """PyTorch LeNet with Caffe's semantics and sgdtrain's initial weights; returns a step function."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    params = [torch.tensor(p.blob.data.copy(), requires_grad=True) for p in solver.net.learnable_params]
    lr_mults = [p.lr_mult for p in solver.net.learnable_params]
    history = [torch.zeros_like(p) for p in params]
    data_layer = solver.net.layers[0]
    images, labels = data_layer.source.read(0, 6400)
    x_all = torch.tensor(images.astype(np.float32) * np.float32(0.00390625))
    y_all = torch.tensor(labels.astype(np.int64))
    momentum, decay = float(solver.param.momentum), float(solver.param.weight_decay)
    state = {"i": 0}

    def step() -> None:
        i = state["i"] % 100
        state["i"] += 1
        x, y = x_all[64 * i : 64 * i + 64], y_all[64 * i : 64 * i + 64]
        w1, b1, w2, b2, w3, b3, w4, b4 = params
        for p in params:
            p.grad = None
        h = F.max_pool2d(F.conv2d(x, w1, b1), 2, 2, ceil_mode=True)
        h = F.max_pool2d(F.conv2d(h, w2, b2), 2, 2, ceil_mode=True)
        h = F.relu(F.linear(h.flatten(1), w3, b3))
        loss = F.cross_entropy(F.linear(h, w4, b4), y)
        loss.backward()
        with torch.no_grad():
            lr = 0.01
            for p, hist, m in zip(params, history, lr_mults):
                g = p.grad.add(p, alpha=decay)  # L2 decay, biases included (Caffe's decay_mult 1)
                hist.mul_(momentum).add_(g, alpha=lr * m)  # Caffe: the rate inside the history
                p.sub_(hist)

    return step, torch.__version__, torch.get_num_threads()


def median_ms(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=300, help="timed steps per implementation (default 300)")
    ap.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    args = ap.parse_args()

    print(f"machine: {os.cpu_count()} CPUs, load before {load()}")
    print(f"numpy {np.__version__}; BLAS: {blas_info()}")
    print(f"sgdtrain kernels: {kernels_info()}")
    solver = build_solver()
    torch_step = None
    if not args.no_torch:
        try:
            torch_step, torch_version, torch_threads = torch_lenet(solver)
            print(f"PyTorch {torch_version}, {torch_threads} threads")
        except ImportError:
            print("PyTorch: not importable (pip install torch for the comparison)")
    for _ in range(30):
        sgdtrain_step(solver)
        if torch_step:
            torch_step()

    # Alternating blocks, so all implementations see the same machine state.
    with_kernels = jit.available() and os.environ.get(jit.ENV) != "numpy"
    if with_kernels:
        with kernels():
            for _ in range(30):  # builds any kernel not cached yet (a child process, once per machine)
                sgdtrain_step(solver)
    ours: list[float] = []
    theirs: list[float] = []
    fast: list[float] = []  # sgdtrain with SGDTRAIN_KERNELS=numba
    block = 25
    while len(ours) < args.steps:
        ours += median_ms(lambda: sgdtrain_step(solver), block)
        if torch_step:
            theirs += median_ms(torch_step, block)
        if with_kernels:
            with kernels():
                fast += median_ms(lambda: sgdtrain_step(solver), block)
    m_ours = statistics.median(ours)
    print()
    print(f"sgdtrain LeNet training step (batch 64, forward+backward+update): median {m_ours:.2f} ms "
          f"over {len(ours)} steps (p10 {np.percentile(ours, 10):.2f}, p90 {np.percentile(ours, 90):.2f})")
    if torch_step:
        m_theirs = statistics.median(theirs)
        print(f"PyTorch  LeNet training step (same semantics):               median {m_theirs:.2f} ms "
              f"over {len(theirs)} steps (p10 {np.percentile(theirs, 10):.2f}, p90 {np.percentile(theirs, 90):.2f})")
        print(f"ratio sgdtrain / PyTorch: {m_ours / m_theirs:.2f}")
    print(f"ratio sgdtrain / Caffe ({CAFFE_MS_PER_ITER} ms per iteration, reference run): "
          f"{m_ours / CAFFE_MS_PER_ITER:.2f}")
    if with_kernels:
        m_fast = statistics.median(fast)
        print(f"sgdtrain with {jit.ENV}=numba (same results, bit for bit):     median {m_fast:.2f} ms "
              f"over {len(fast)} steps (p10 {np.percentile(fast, 10):.2f}, p90 {np.percentile(fast, 90):.2f})")
        ratios = f"ratio to the numpy paths: {m_fast / m_ours:.2f}"
        if torch_step:
            ratios += f"; to PyTorch: {m_fast / statistics.median(theirs):.2f}"
        print(f"  {ratios}; to Caffe: {m_fast / CAFFE_MS_PER_ITER:.2f}")

    # Per layer, like `caffe time` (50 iterations).
    net = solver.net
    net.timing = [LayerTiming() for _ in net.layers]
    for _ in range(50):
        sgdtrain_step(solver)
    print()
    print("per layer (median over 50 iterations):")
    for name, t in zip(net.layer_names, net.timing):
        fwd = statistics.median(t.forward) * 1000
        bwd = statistics.median(t.backward) * 1000 if t.backward else 0.0
        print(f"{name:>10}\tforward: {fwd:.3f} ms.\tbackward: {bwd:.3f} ms.")
    net.timing = None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"peak RSS of this process: {rss:.1f} MiB")
    print(f"load after {load()}")


if __name__ == "__main__":
    main()
