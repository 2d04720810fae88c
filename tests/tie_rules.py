"""Oracles for Caffe's tie rules that the LeNet trajectories cannot show
(tolerances.md: 'Not visible in these trajectories - unit tests instead')."""

from __future__ import annotations

import numpy as np
from layer_helpers import build

from sgdtrain.blob import Blob


def max_pool_tie_winner() -> int:
    """Which element of the window [1, 3, 3, 0] receives the gradient (Caffe: index 1, the first maximum)."""
    x = np.full((1, 1, 2, 4), -9.0)
    x[0, 0, 0, :] = [1, 3, 3, 0]
    bottom = [Blob(x.shape, dtype=np.float64)]
    bottom[0].data[...] = x
    layer, top = build('name: "p" type: "Pooling" bottom: "x" top: "y" '
                       "pooling_param { pool: MAX kernel_h: 2 kernel_w: 4 stride: 4 }", bottom)
    layer.forward(bottom, top)
    top[0].diff[...] = 1
    layer.backward(top, [True], bottom)
    return int(np.argmax(bottom[0].diff[0, 0, 0]))
