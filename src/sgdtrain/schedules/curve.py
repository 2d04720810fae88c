"""A solver's learning-rate schedule over a whole run, as data: the rate at every
iteration, the iterations worth a table row, and summary figures.

Pure: no net, no data. (Epoch fields must be resolved into iterations first;
the plateau policy depends on test results and is shown at its starting rate.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sgdtrain.proto import caffe_pb2
from sgdtrain.schedules.extensions import cosine_position
from sgdtrain.schedules.rate import learning_rate

MAX_DISPLAY_ROWS = 20


@dataclass
class Curve:
    iters: np.ndarray  # 0 .. end (inclusive)
    rates: np.ndarray  # float32 rate used by the update after iter updates
    boundaries: list[int] = field(default_factory=list)  # iterations where the rate jumps
    steps: np.ndarray | None = None  # current_step after each iteration (step/multistep)


def compute(param: caffe_pb2.SolverParameter, start: int = 0, end: int | None = None) -> Curve:
    """The rate at every iteration from 0 to `end` (default max_iter), kept from `start`.

    The schedule is always evaluated from iteration 0, because multistep's counter
    advances one step per iteration, as in Caffe."""
    end = param.max_iter if end is None else end
    rates = np.empty(end + 1, np.float32)
    steps = np.empty(end + 1, np.int64)
    step = 0
    for i in range(end + 1):
        rate, step, _ = learning_rate(param, i, step)
        rates[i], steps[i] = rate, step
    iters = np.arange(end + 1)
    jumps = _boundaries(param, rates, steps)
    keep = iters >= start
    return Curve(iters[keep], rates[keep], [b for b in jumps if b >= start], steps[keep])


def _boundaries(param, rates: np.ndarray, steps: np.ndarray) -> list[int]:
    """Where the rate changes by a jump: a step counter advancing, a cosine restart, the warm-up's end."""
    out = [int(i) for i in np.nonzero(np.diff(steps))[0] + 1] if param.lr_policy in ("step", "multistep") else []
    if param.lr_policy == "cosine" and param.cosine_period > 0:
        out += [i for i in range(1, len(rates)) if cosine_position(param, i)[0] == 0]
    if 0 < param.warmup_iter < len(rates):
        out.append(int(param.warmup_iter))
    return sorted(set(out))


def key_iterations(param: caffe_pb2.SolverParameter, curve: Curve, max_rows: int = MAX_DISPLAY_ROWS) -> list[int]:
    """The first iteration shown, the display iterations (every k-th, so at most `max_rows` of them;
    all when max_rows is 0), the boundaries and the end."""
    first, last = int(curve.iters[0]), int(curve.iters[-1])
    rows = {first, last, *curve.boundaries}
    if param.display > 0:
        shown = [i for i in range(first, last + 1) if i % param.display == 0]
        stride = _nice(int(np.ceil((len(shown) - 1) / max_rows))) if max_rows > 0 else 1
        rows.update(shown[::stride])
    return sorted(rows)


def _nice(n: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is >= n: rows at round iterations."""
    k = 1
    while True:
        for m in (1, 2, 5):
            if m * k >= n:
                return m * k
        k *= 10


@dataclass
class Summary:
    mean_lr: float
    area: float  # sum of the rate over the updates shown (iterations first .. end - 1)
    low_iters: int  # updates at <= 10% of base_lr
    min_lr: float
    max_lr: float
    final_lr: float
    momentum: float


def summarize(param: caffe_pb2.SolverParameter, curve: Curve) -> Summary:
    updates = curve.rates[:-1] if len(curve.rates) > 1 else curve.rates  # the last row is max_iter: no update
    base = float(np.float32(param.base_lr))
    return Summary(
        mean_lr=float(np.mean(updates, dtype=np.float64)),
        area=float(np.sum(updates, dtype=np.float64)),
        low_iters=int(np.sum(updates <= np.float32(0.1 * base))),
        min_lr=float(updates.min()),
        max_lr=float(updates.max()),
        final_lr=float(curve.rates[-1]),
        momentum=float(np.float32(param.momentum)),
    )
