"""Caffe's ApplyUpdate as small composable steps (optax-like, inside a Caffe-shaped solver).

    clip_gradients -> normalize -> regularize -> rule (RULES[type]) -> W -= Δ

`Updater` runs that chain for all learnable params and owns the history in
Caffe's order; `check_rule` refuses what Caffe's solvers CHECK. All arrays and
arithmetic are float32. Imports only numpy and sgdtrain.errors/proto.
"""

from sgdtrain.updates.checks import check_rule, known_types
from sgdtrain.updates.rules import CAFFE_TYPES, RULES, UpdateRule
from sgdtrain.updates.steps import clip_gradients, clipping_message, decay_weights, normalize, regularize
from sgdtrain.updates.updater import Updater

__all__ = [
    "CAFFE_TYPES",
    "RULES",
    "UpdateRule",
    "Updater",
    "check_rule",
    "clip_gradients",
    "clipping_message",
    "decay_weights",
    "known_types",
    "normalize",
    "regularize",
]
