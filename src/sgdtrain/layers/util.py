"""Small shape helpers shared by layers (Caffe's CanonicalAxisIndex, count)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def canonical_axis(axis: int, num_axes: int) -> int:
    """`axis` in [-num_axes, num_axes) as a non-negative index (ValueError otherwise)."""
    if not -num_axes <= axis < num_axes:
        raise ValueError(f"axis {axis} out of range for a {num_axes}-axis blob")
    return axis + num_axes if axis < 0 else axis


def count(shape: Sequence[int], start: int = 0, end: int | None = None) -> int:
    """The product of shape[start:end] (1 for an empty range)."""
    return math.prod(shape[start:end])
