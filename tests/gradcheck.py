"""Numerical gradient checking for layers, after Caffe's GradientChecker.

The layer runs its real code in float64 (blobs created float64; layers compute
in their bottoms' dtype). The objective is E = sum(r * top) + 0.5 * sum(top^2)
over all tops, with fixed random weights r, so top.diff = r + top. Each checked
element x gets the central difference (E(x+h) - E(x-h)) / 2h, compared with
the analytic gradient by Caffe's rule |a - e| <= threshold * max(|a|, |e|, 1).
Elements within `kink_range` of `kink` (where the function is not
differentiable, e.g. ReLU at 0) are skipped, as in Caffe.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer


def make_blobs(shapes: Sequence[Sequence[int]], rng: np.random.Generator, low=-1.0, high=1.0) -> list[Blob]:
    blobs = []
    for shape in shapes:
        b = Blob(shape, dtype=np.float64)
        b.data[...] = rng.uniform(low, high, size=shape)
        blobs.append(b)
    return blobs


def to_float64(layer: Layer) -> None:
    for b in layer.blobs:
        b.data = b.data.astype(np.float64)
        b.diff = np.zeros_like(b.data)


def check_gradient(
    layer: Layer,
    bottom: list[Blob],
    top: list[Blob],
    *,
    check_bottom: Sequence[int] | None = None,
    check_params: bool = True,
    step: float = 1e-4,
    threshold: float = 1e-6,
    kink: float = 0.0,
    kink_range: float = -1.0,
    skip: Callable[[int, int], bool] | None = None,
    seed: int = 1701,
) -> int:
    """Check d(E)/d(bottom) and d(E)/d(params); returns how many elements were checked.

    `layer` must already be set up on `bottom`/`top` (float64 blobs);
    `check_bottom` lists the bottom indices to check (default: all).
    `skip(blob_index, flat_index)` may exclude more elements (blob_index counts
    the checked bottoms first, then the parameter blobs).
    """
    to_float64(layer)
    rng_state = layer.ctx.rng.bit_generator.state
    weights_rng = np.random.default_rng(seed)
    layer.reshape(bottom, top)
    r = [weights_rng.uniform(-1, 1, size=t.shape) for t in top]

    def objective() -> float:
        layer.ctx.rng.bit_generator.state = rng_state  # the same random draws every time
        layer.forward(bottom, top)
        return float(sum(np.sum(ri * t.data) + 0.5 * np.sum(t.data**2) for ri, t in zip(r, top)))

    if check_bottom is None:
        check_bottom = list(range(len(bottom)))
    objective()
    for t, ri in zip(top, r):
        t.diff[...] = ri + t.data
    for b in layer.blobs:
        b.diff[...] = 0
    for b in bottom:
        b.diff[...] = 0
    propagate = [i in check_bottom for i in range(len(bottom))]
    layer.backward(top, propagate, bottom)
    targets: list[Blob] = [bottom[i] for i in check_bottom]
    if check_params:
        targets += layer.blobs
    analytic = [t.diff.copy() for t in targets]

    checked = 0
    for bi, (blob, grad) in enumerate(zip(targets, analytic)):
        flat = blob.data.reshape(-1) if blob.data.flags.c_contiguous else None
        for fi in range(blob.count):
            idx = np.unravel_index(fi, blob.shape)
            x = blob.data[idx]
            if kink_range > 0 and abs(x - kink) < kink_range:
                continue
            if skip is not None and skip(bi, fi):
                continue
            blob.data[idx] = x + step
            plus = objective()
            blob.data[idx] = x - step
            minus = objective()
            blob.data[idx] = x
            estimated = (plus - minus) / (2 * step)
            a = grad[idx]
            scale = max(abs(a), abs(estimated), 1.0)
            assert abs(a - estimated) <= threshold * scale, (
                f"{layer.type} '{layer.name}': blob {bi} element {idx}: analytic {a!r} vs numeric {estimated!r}"
            )
            checked += 1
        del flat
    objective()  # leave the layer in its unperturbed state
    return checked
