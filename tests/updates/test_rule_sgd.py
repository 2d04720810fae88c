import pytest
from ref_rules import solver
from rule_helpers import steps


def test_sgd_by_hand():
    # μ 0.5, ℓ 0.1:  H ← 0.5·H + 0.1·g;  Δ = H
    # g = 1, 2, -1  -> H = 0.1, 0.05 + 0.2 = 0.25, 0.125 - 0.1 = 0.025
    # g = -2, 0, 4  -> H = -0.2, -0.1, -0.05 + 0.4 = 0.35
    deltas, (h,) = steps(solver("SGD", momentum=0.5), [[1, -2], [2, 0], [-1, 4]], rate=0.1)
    assert [d.tolist() for d in deltas] == [pytest.approx([0.1, -0.2]), pytest.approx([0.25, -0.1]),
                                            pytest.approx([0.025, 0.35])]
    assert h.tolist() == pytest.approx([0.025, 0.35])


def test_sgd_without_momentum_is_rate_times_gradient():
    deltas, _ = steps(solver("SGD"), [[3.0], [5.0]], rate=0.5)
    assert [float(d[0]) for d in deltas] == [1.5, 2.5]
