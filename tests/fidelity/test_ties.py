"""The tie-flip replica's pooling: near-ties go to the runner-up, exact and clear wins stay."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from layer_helpers import build

from sgdtrain.blob import Blob
from sgdtrain.fidelity.ties import TieFlipper

POOL = 'name: "p" type: "Pooling" bottom: "x" top: "y" pooling_param { pool: MAX kernel_size: 2 stride: 2 }'


def pooled(rows: list[list[float]]):
    x = Blob((1, 1, 2, 6), dtype=np.float32)
    x.data[0, 0] = np.array(rows, np.float32)
    layer, top = build(POOL, [x])
    return layer, x, top


def test_a_near_tie_goes_to_the_runner_up_and_its_gradient_follows():
    one = np.float32(1.0)
    close = float(np.nextafter(one, np.float32(0)))  # one ulp below: relative gap 6e-8
    # windows: [1, .2 / .1, close] (near tie), [.3, .3 / .1, .2] (exact tie), [.9, .5 / .4, .8] (clear)
    layer, x, top = pooled([[1.0, 0.2, 0.3, 0.3, 0.9, 0.5], [0.1, close, 0.1, 0.2, 0.4, 0.8]])
    flipper = TieFlipper(SimpleNamespace(layers=[layer]), gap=1e-6)
    layer.forward([x], top)
    assert flipper.flips == [1]
    np.testing.assert_array_equal(top[0].data[0, 0, 0], np.float32([close, 0.3, 0.9]))
    top[0].diff[...] = 1
    layer.backward(top, [True], [x])
    np.testing.assert_array_equal(x.diff[0, 0], np.float32([[0, 0, 1, 0, 1, 0], [0, 1, 0, 0, 0, 0]]))


def test_gaps_above_the_threshold_are_left_alone():
    layer, x, top = pooled([[1.0, 0.2, 0.3, 0.3, 0.9, 0.5], [0.1, 0.99999, 0.1, 0.2, 0.4, 0.8]])  # gap 1e-5
    flipper = TieFlipper(SimpleNamespace(layers=[layer]), gap=1e-6)
    layer.forward([x], top)
    assert flipper.flips == [0]
    np.testing.assert_array_equal(top[0].data[0, 0, 0], np.float32([1.0, 0.3, 0.9]))
