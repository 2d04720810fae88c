"""The interface of an update rule: Caffe's per-solver `ComputeUpdateValue`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from sgdtrain.proto import caffe_pb2

F = np.float32


class UpdateRule:
    """Turns one param's regularised gradient `diff` into its step Δ, in place.

    `history` holds this param's `history_sets` float32 arrays (its entries of
    Caffe's history_ vector); `local_rate` = rate · lr_mult (float32); `iter` is
    the number of updates already applied. Subclasses read their
    hyperparameters from the SolverParameter as float32.
    """

    type: ClassVar[str]
    history_sets: ClassVar[int] = 1
    decoupled_decay: ClassVar[bool] = False  # True: skip `regularize`, apply `decay_weights` after the rule

    def __init__(self, param: caffe_pb2.SolverParameter):
        self.momentum = F(param.momentum)
        self.delta = F(param.delta)

    def compute_update_value(self, diff: np.ndarray, history: Sequence[np.ndarray], local_rate: np.float32,
                             iter: int) -> None:
        raise NotImplementedError
