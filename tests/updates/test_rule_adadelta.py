import pytest
from ref_rules import solver
from rule_helpers import steps


def test_adadelta_by_hand():
    # μ 0.5, δ 0.5, ℓ 2
    # g = 2: H1 = 0.5·4 = 2;  u = 2·sqrt(0.5/2.5) = 0.89442719;  H2 = 0.5·0.8 = 0.4;  Δ = 1.78885438
    # g = 1: H1 = 1 + 0.5 = 1.5;  u = sqrt((0.4+0.5)/(1.5+0.5)) = sqrt(0.45) = 0.67082039
    #        H2 = 0.2 + 0.5·0.45 = 0.425;  Δ = 1.34164079
    deltas, (h1, h2) = steps(solver("AdaDelta", momentum=0.5, delta=0.5), [[2], [1]], rate=2)
    assert [float(d[0]) for d in deltas] == pytest.approx([1.78885438, 1.34164079], rel=1e-6)
    assert (float(h1[0]), float(h2[0])) == pytest.approx((1.5, 0.425), rel=1e-6)


def test_adadelta_second_history_holds_the_update_before_the_rate():
    # Same first step with ℓ 1000: H2 is still 0.5·u² = 0.4, not 0.5·(ℓu)².
    _, (_, h2) = steps(solver("AdaDelta", momentum=0.5, delta=0.5), [[2]], rate=1000)
    assert float(h2[0]) == pytest.approx(0.4, rel=1e-6)
