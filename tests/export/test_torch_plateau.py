"""lr_policy "plateau" as ReduceLROnPlateau: the same reductions as sgdtrain's rule, test after test."""

from __future__ import annotations

import numpy as np
import pytest
from export_helpers import solver, torch_snippet

torch = pytest.importorskip("torch")
monitors = pytest.importorskip("sgdtrain.solver.monitors")

# Test values with improvements, plateaus, ties and a NaN.
VALUES = [1.0, 0.9, 0.95, 0.9, 0.91, 0.8, 0.8, 0.85, 0.86, 0.9, 0.7, 0.71, 0.72, 0.73, float("nan"), 0.74, 0.75,
          0.69, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]


def _sgdtrain_rates(param, values, mode):
    """sgdtrain's plateau rule (solver/workflow.py): a Monitor, one step when stale reaches the patience."""
    monitor = monitors.Monitor(param.plateau_metric, mode, float(param.plateau_threshold))
    k, out = 0, []
    for i, value in enumerate(values):
        monitor.update(value, i)
        if monitor.stale >= param.plateau_patience:
            k, monitor.stale = k + 1, 0
        out.append(max(float(param.base_lr) * float(param.gamma) ** k, float(param.min_lr)))
    return out


@pytest.mark.parametrize("patience", [1, 2, 3])
@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("extra", ["", "min_lr: 0.002 ", "plateau_threshold: 0.05 "])
def test_reductions_match(patience, mode, extra):
    param = solver(f'lr_policy: "plateau" gamma: 0.5 plateau_patience: {patience} plateau_mode: "{mode}" '
                   f"test_interval: 100 {extra}")
    ns = torch_snippet(param)
    values = VALUES if mode == "min" else [-v for v in VALUES]
    if mode == "max":  # sgdtrain's relative margin uses |best|: compare on positive values only
        values = [2.0 + v for v in values]
    got = []
    for value in values:
        ns["scheduler"].step(value)
        got.append([group["lr"] for group in ns["optimizer"].param_groups])
    want = _sgdtrain_rates(param, values, mode)
    mults = np.array([1.0, 2.0])  # the groups of GROUPED: lr_mult 1 and 2
    np.testing.assert_allclose(np.array(got), np.array(want)[:, None] * mults[None, :], rtol=1e-7)  # float32 fields
    assert len(set(want)) > 1
