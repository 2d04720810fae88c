"""A replica that settles max-pooling near-ties the other way.

Two candidates of a max-pooling window whose values differ by a few float32
ulps in exact arithmetic can swap order under another summation order: Caffe's
per-image GEMMs and sgdtrain's batched ones round differently, so each may send
that window's gradient to a different input. A perturbed-weights replica finds
such a tie only by luck; this one flips every tie it meets on purpose: after
each MAX pooling forward of the training net, wherever the winner leads the
runner-up by a relative gap in (0, `gap`), the runner-up wins (its value goes
to the top, its offset to the mask backward reads). Exact ties (gap 0) are
left alone: they come from identical inputs (blank image borders), where every
choice gives the same gradients. ReLU inputs within rounding of zero are the
other near-tie of tolerances.md; LeNet's reference runs have not needed them.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.layers.pooling import P, PoolingLayer


class TieFlipper:
    """Installs the flipping on every MAX pooling layer of `net`; counts the flips per forward."""

    def __init__(self, net, gap: float):
        self.gap = gap
        self.flips: list[int] = []  # flips in each forward of the net, in order
        self._pending = 0
        layers = [layer for layer in net.layers if isinstance(layer, PoolingLayer) and layer.method == P.MAX]
        for layer in layers:  # the last pooling layer of a forward closes its count
            layer.forward = self._wrap(layer, layer.forward, closes=layer is layers[-1])

    def _wrap(self, layer: PoolingLayer, forward, closes: bool):
        def flipped(bottom, top):
            forward(bottom, top)
            self._pending += self._flip(layer, bottom[0].data, top[0].data)
            if closes:
                self.flips.append(self._pending)
                self._pending = 0

        return flipped

    def _flip(self, layer: PoolingLayer, x: np.ndarray, y_nchw: np.ndarray) -> int:
        values = layer.window_values(x)  # K, N, OH, OW, C
        best = values.max(axis=0)
        below = np.where(values < best, values, -np.inf)
        second = below.max(axis=0)
        gap = (best - second) / np.maximum(np.abs(best), np.finfo(np.float32).tiny)
        near = (gap > 0) & (gap < self.gap)
        count = int(near.sum())
        if count:
            runner_up = np.argmax(values == second, axis=0)  # the first offset holding it, as Caffe would pick
            y = y_nchw.transpose(0, 2, 3, 1)
            y[near] = second[near]
            layer.max_offsets[near] = runner_up[near]
        return count
