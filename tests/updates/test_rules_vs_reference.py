"""Every rule through the Updater, several steps with momentum, L1/L2 decay, lr_mult/decay_mult, a
changing rate and clipping, against the float64 reference in ref_rules.py."""

import numpy as np
import pytest
from ref_rules import Reference, solver

from sgdtrain.updates import Updater

HYPER = {
    "SGD": dict(momentum=0.9),
    "Nesterov": dict(momentum=0.9),
    "AdaGrad": dict(),
    "RMSProp": dict(rms_decay=0.95),
    "AdaDelta": dict(momentum=0.95, delta=1e-6),
    "Adam": dict(momentum=0.9, momentum2=0.999),
    "AdamW": dict(momentum=0.9, momentum2=0.999),
}
RATES = [0.1, 0.1, 0.05, 0.05, 0.02]


# AdamW's decoupled decay has no L1 form (check_rule refuses it).
KINDS_REGS = [(k, r) for k in HYPER for r in ("L2", "L1") if (k, r) != ("AdamW", "L1")]


@pytest.mark.parametrize("clip", [-1, 3.0])
@pytest.mark.parametrize("kind,reg", KINDS_REGS)
def test_updater_matches_float64_reference(kind, reg, clip):
    param = solver(kind, weight_decay=0.1, regularization_type=reg, clip_gradients=clip, iter_size=2,
                   **HYPER[kind])
    rng = np.random.default_rng(11)
    shapes, lr_mults, decay_mults = [(3, 2), (2,)], [1.0, 2.0], [1.0, 0.5]
    datas = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    ref = Reference(param, datas, lr_mults, decay_mults)
    up = Updater(param, shapes, lr_mults, decay_mults)
    clipped = 0
    for it, rate in enumerate(RATES):
        grads = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        diffs = [g.copy() for g in grads]
        clipped += up.apply(datas, diffs, np.float32(rate), it) is not None
        ref.apply(grads, float(np.float32(rate)), it)
        for got, want in zip(diffs, ref.diffs):
            np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-7)
        for got, want in zip(datas, ref.datas):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    p = len(shapes)
    for s in range(up.rule.history_sets):
        for i in range(p):
            np.testing.assert_allclose(up.history[s * p + i], ref.hist[i][s], rtol=2e-5, atol=1e-9)
    assert (clipped > 0) == (clip > 0)
