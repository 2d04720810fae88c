"""SGD's regularize and rule as one compiled pass (numba), bit for bit the numpy steps.

The common update (SGD with L2 weight decay) is five numpy passes over every
param, each with a temporary: diff += λ·W, H *= μ, H += ℓ·diff, diff = H. The
kernel does the same float32 operations in the same order, element by element,
in one pass (tests/updates/test_updates_fused.py compares them bit for bit).
`Updater` uses it when `sgdtrain.jit.enabled()`; numba compiles it ahead of
time (sgdtrain/jit.py).
"""

from __future__ import annotations

import numpy as np

from sgdtrain.jit import compiled, enabled

CALLS = {"sgd_l2": 0}  # kernel runs: lets tests see the path taken


def sgd_l2_source() -> dict:
    """kernel(data, diff, history, local_decay, momentum, local_rate, decay): in place, for one param,

        diff += local_decay·W   (only when `decay`: Caffe skips a zero decay)
        H = H·μ;  H += ℓ·diff;  diff = H
    """

    def kernel(w, g, h, local_decay, momentum, local_rate, decay):
        for i in range(g.size):
            d = g[i]
            if decay:
                d = d + local_decay * w[i]
            hi = h[i] * momentum
            hi = hi + local_rate * d
            h[i] = hi
            g[i] = hi

    return {"kernel": (kernel, "void(f4[::1], f4[::1], f4[::1], f4, f4, f4, b1)")}


def sgd_l2(data: np.ndarray, diff: np.ndarray, history: np.ndarray, local_decay: np.float32,
           momentum: np.float32, local_rate: np.float32) -> bool:
    """The one-pass update of one param; False (nothing done) when the kernels are off or cannot run."""
    arrays = (data, diff, history)
    if not enabled() or any(a.dtype != np.float32 or not a.flags.c_contiguous for a in arrays):
        return False
    module = compiled(__name__, "sgd_l2_source")
    if module is None:
        return False
    module.kernel(*(a.reshape(-1) for a in arrays), local_decay, momentum, local_rate, bool(local_decay != 0))
    CALLS["sgd_l2"] += 1
    return True
