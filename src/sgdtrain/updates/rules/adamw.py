"""AdamW: sgdtrain's documented extension, not a Caffe solver type."""

from __future__ import annotations

from sgdtrain.updates.rules.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), decay scaled by the rate as PyTorch's AdamW:

        g is *not* regularised (the `regularize` step is skipped)
        Δ = Δ_Adam(g) + ℓ·λ·W          ℓ = rate·lr_mult, λ = weight_decay·decay_mult
        W ← W − Δ  =  (1 − ℓ·λ)·W − Δ_Adam(g)

    Δ_Adam is Caffe's Adam exactly (δ on the uncorrected sqrt(v), t = iter+1).
    The decay term is added by `steps.decay_weights`; regularization_type must be L2.
    """

    type = "AdamW"
    decoupled_decay = True
