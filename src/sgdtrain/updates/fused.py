"""SGD's regularize and rule as one compiled pass (numba), bit for bit the numpy steps.

The common update (SGD with L2 weight decay) is five numpy passes over every
param, each with a temporary: diff += λ·W, H *= μ, H += ℓ·diff, diff = H. The
kernel does the same float32 operations in the same order, element by element,
in one pass (tests/updates/test_updates_fused.py compares them bit for bit).
`Updater` uses it when `sgdtrain.jit.enabled()`.
"""

from __future__ import annotations

import functools

from sgdtrain.jit import jit


@functools.cache
def sgd_l2():
    """kernel(data, diff, history, local_decay, momentum, local_rate, decay): in place, for one param,

        diff += local_decay·W   (only when `decay`: Caffe skips a zero decay)
        H = H·μ;  H += ℓ·diff;  diff = H
    """

    @jit
    def kernel(data, diff, history, local_decay, momentum, local_rate, decay):
        w = data.reshape(-1)
        g = diff.reshape(-1)
        h = history.reshape(-1)
        for i in range(g.size):
            d = g[i]
            if decay:
                d = d + local_decay * w[i]
            hi = h[i] * momentum
            hi = hi + local_rate * d
            h[i] = hi
            g[i] = hi

    return kernel
