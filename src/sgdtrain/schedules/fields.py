"""The SolverParameter fields each lr_policy's formula reads, besides base_lr.

For the views that describe a schedule (`sgdtrain schedule`, the export
snippets): Caffe's seven policies and sgdtrain's extensions (cosine, plateau).
"""

from __future__ import annotations

POLICY_FIELDS: dict[str, tuple[str, ...]] = {
    "fixed": (),
    "step": ("gamma", "stepsize"),
    "exp": ("gamma",),
    "inv": ("gamma", "power"),
    "multistep": ("gamma", "stepvalue"),
    "poly": ("power", "max_iter"),
    "sigmoid": ("gamma", "stepsize"),
    "cosine": ("cosine_floor", "cosine_period", "cosine_period_mult", "max_iter"),
    "plateau": ("gamma", "plateau_metric", "plateau_patience", "plateau_threshold"),
}
