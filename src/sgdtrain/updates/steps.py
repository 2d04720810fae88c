"""The steps around the per-solver rule in Caffe's `SGDSolver::ApplyUpdate`, in float32.

ApplyUpdate runs them in this order (see `Updater.apply`):

    clip_gradients  (all params together, on the *summed* iter_size gradient)
    normalize       diff *= 1/iter_size
    regularize      diff += local_decay * W   (L2)   or   local_decay * sign(W)   (L1)
    rule            diff <- Δ                (rules/)
    W -= Δ

Each function works in place on float32 arrays; every scalar is made an
np.float32 first, so numpy never promotes the arithmetic to float64.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.errors import ConfigError, Where

_F = np.float32


def clip_gradients(diffs: list[np.ndarray], clip: float) -> tuple[float, float] | None:
    """If ‖all diffs‖₂ > clip: diff *= clip/‖all diffs‖₂ for every diff; clip < 0 disables.

    One global L2 norm over all params, accumulated in float32 as Caffe's
    per-blob `sumsq_diff` (a float dot) summed over blobs. Returns
    (norm, scale) when it scaled, for `clipping_message`, else None.
    """
    clip = _F(clip)
    if clip < 0:
        return None
    sumsq = _F(0)
    for d in diffs:
        flat = d.ravel()
        sumsq += _F(np.dot(flat, flat))
    norm = _F(np.sqrt(sumsq))
    if not norm > clip:  # a NaN norm does not clip either, as in Caffe
        return None
    scale = clip / norm
    for d in diffs:
        d *= scale
    return float(norm), float(scale)


def clipping_message(norm: float, clip: float, scale: float) -> str:
    """Caffe's log line for a clipped update (floats printed as C++ streams print them, %g)."""
    return (f"Gradient clipping: scaling down gradients (L2 norm {norm:g} > {float(_F(clip)):g}) "
            f"by scale factor {scale:g}")


def normalize(diff: np.ndarray, iter_size: int) -> None:
    """diff *= 1/iter_size (the reciprocal formed in float32, then multiplied), when iter_size > 1."""
    if iter_size > 1:
        diff *= _F(1) / _F(iter_size)


def regularize(diff: np.ndarray, data: np.ndarray, local_decay: float, regularization_type: str) -> None:
    """L2: diff += local_decay * W;  L1: diff += local_decay * sign(W), sign(0) = 0.

    local_decay = weight_decay * decay_mult. Nothing happens when it is 0, and
    only then is an unknown regularization_type harmless (Caffe's rule).
    """
    local_decay = _F(local_decay)
    if local_decay == 0:
        return
    if regularization_type == "L2":
        diff += local_decay * data
    elif regularization_type == "L1":
        diff += local_decay * np.sign(data)
    else:
        raise ConfigError(
            f"`regularization_type: \"{regularization_type}\"` is invalid: it must be \"L2\" or \"L1\" "
            f"(Caffe: \"Unknown regularization type: {regularization_type}\").",
            where=Where(field="regularization_type"),
            fix="Use `regularization_type: \"L2\"` (the default) or \"L1\"; the names are case-sensitive.",
        )


def decay_weights(diff: np.ndarray, data: np.ndarray, local_rate: float, local_decay: float) -> None:
    """Decoupled weight decay (AdamW), after the rule: Δ += (local_rate * local_decay) * W.

    `W -= Δ` then gives W ← W − ℓ·λ·W − Δ_rule, i.e. PyTorch AdamW's
    `W *= 1 − lr·wd` before the Adam step, with ℓ = rate·lr_mult and
    λ = weight_decay·decay_mult (Loshchilov & Hutter, decay scaled by the rate).
    """
    factor = _F(local_rate) * _F(local_decay)
    if factor != 0:
        diff += factor * data
