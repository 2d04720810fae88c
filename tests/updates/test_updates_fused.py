"""The one-pass SGD update (compiled ahead of time by numba) gives bit for bit what the numpy steps give."""

import numpy as np
import pytest
from ref_rules import solver

from sgdtrain import jit
from sgdtrain.updates import Updater

pytestmark = pytest.mark.skipif(not jit.available() or not jit.c_compiler(),
                                reason="numba or a C compiler (for its ahead-of-time build) is missing")

SHAPES = [(20, 1, 5, 5), (20,), (500, 800), (10,)]


def train(monkeypatch, mode, param, lr_mults, decay_mults, steps=4):
    monkeypatch.setenv(jit.ENV, mode)
    rng = np.random.default_rng(7)
    datas = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    datas[3][0] = np.inf  # a zero decay must not touch it (Caffe skips the decay, no inf·0)
    up = Updater(param, SHAPES, lr_mults, decay_mults)
    for it in range(steps):
        diffs = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
        up.apply(datas, diffs, np.float32(0.01 / (1 + it)), it)
    return datas + diffs + up.history


@pytest.mark.parametrize("kwargs,decay_mults", [
    (dict(momentum=0.9, weight_decay=0.0005), [1, 1, 1, 0]),
    (dict(momentum=0.0, weight_decay=0.0), [1, 1, 1, 1]),
    (dict(momentum=0.95, weight_decay=0.01, iter_size=3), [1, 0, 2, 0]),
])
def test_fused_sgd_matches_numpy_steps(monkeypatch, kwargs, decay_mults):
    param = solver("SGD", **kwargs)
    plain = train(monkeypatch, "numpy", param, [1, 2, 1, 0], decay_mults)
    fast = train(monkeypatch, "numba", param, [1, 2, 1, 0], decay_mults)
    for a, b in zip(plain, fast, strict=True):
        np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))  # bit for bit


def test_fused_path_is_taken(monkeypatch):
    """The comparison above compares two paths: the kernel really runs when enabled."""
    from sgdtrain.updates import fused

    before = fused.CALLS["sgd_l2"]
    train(monkeypatch, "numba", solver("SGD", momentum=0.9, weight_decay=0.0005), [1, 1, 1, 1], [1, 1, 1, 0], 1)
    assert fused.CALLS["sgd_l2"] - before == len(SHAPES)
    before = fused.CALLS["sgd_l2"]
    train(monkeypatch, "numpy", solver("SGD", momentum=0.9, weight_decay=0.0005), [1, 1, 1, 1], [1, 1, 1, 0], 1)
    assert fused.CALLS["sgd_l2"] == before
