import pytest
from ref_rules import solver
from rule_helpers import steps


def test_adagrad_by_hand():
    # ℓ 0.1, δ 0:  H ← H + g²;  Δ = 0.1·g/sqrt(H)
    # g = 3, 4   -> H = 9, 25;  Δ = 0.1·3/3 = 0.1, 0.1·4/5 = 0.08
    # g = -1, 0  -> H = 1, 1;   Δ = -0.1, 0
    deltas, (h,) = steps(solver("AdaGrad", delta=0), [[3, -1], [4, 0]], rate=0.1)
    assert [d.tolist() for d in deltas] == [pytest.approx([0.1, -0.1]), pytest.approx([0.08, 0])]
    assert h.tolist() == [25, 1]


def test_adagrad_delta_is_added_to_the_root():
    # H = 4: Δ = 1·2/(2 + 2) = 0.5 with δ 2
    deltas, _ = steps(solver("AdaGrad", delta=2), [[2]], rate=1)
    assert float(deltas[0][0]) == 0.5
