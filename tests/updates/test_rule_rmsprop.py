import pytest
from ref_rules import solver
from rule_helpers import steps


def test_rmsprop_by_hand():
    # ρ 0.75, ℓ 0.1, δ 0:  H ← 0.75·H + 0.25·g²;  Δ = 0.1·g/sqrt(H)
    # g = 2: H = 1,                  Δ = 0.2
    # g = 2: H = 0.75 + 1 = 1.75,    Δ = 0.2/1.3228757 = 0.15118579
    deltas, (h,) = steps(solver("RMSProp", rms_decay=0.75, delta=0), [[2], [2]], rate=0.1)
    assert [float(d[0]) for d in deltas] == pytest.approx([0.2, 0.15118579], rel=1e-6)
    assert float(h[0]) == pytest.approx(1.75)


def test_rmsprop_default_decay_is_0_99():
    # H = 0.01·g² = 0.04 for g = 2: Δ = 1·2/0.2 = 10
    deltas, _ = steps(solver("RMSProp", delta=0), [[2]], rate=1)
    assert float(deltas[0][0]) == pytest.approx(10, rel=1e-6)
