"""iter_size equivalence (Caffe's CheckAccumulation, §8.3): two half-batches accumulated = one full batch."""

import numpy as np
import pytest
from lsq_problem import CASES, Problem, make


@pytest.mark.parametrize("case", CASES)
def test_two_half_batches_equal_one_full_batch(case):
    kind, lr, decay, momentum = CASES[case]
    full = make(kind, lr, decay, momentum)
    half = make(kind, lr, decay, momentum)
    half.iter_size = 2
    (w1, b1), d1, u1 = Problem().run(full, 4)
    (w2, b2), d2, u2 = Problem().run(half, 4)
    np.testing.assert_allclose(w2, w1, rtol=1e-5)
    np.testing.assert_allclose(b2, b1, rtol=1e-5)
    for h1, h2 in zip(u1.history, u2.history):
        np.testing.assert_allclose(h2, h1, rtol=1e-4, atol=1e-6 * np.abs(h1).max())
