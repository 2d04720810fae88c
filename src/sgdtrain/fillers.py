"""Caffe's weight fillers (include/caffe/filler.hpp), keyed by FillerParameter.type.

numpy cannot reproduce boost's mt19937 draws, so fillers match Caffe's
distributions, not its values (load a .caffemodel for identical weights).
Runs repeat bit for bit for a given `random_seed`.

fan_in = count / shape[0]; fan_out = count / shape[1] (count for 1-D blobs);
xavier draws U[-a, a] with a = sqrt(3 / n), msra N(0, 2 / n), where n is
fan_in, fan_out or their mean by `variance_norm`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from sgdtrain.errors import ConfigError, Where
from sgdtrain.proto import caffe_pb2

FillerFn = Callable[[caffe_pb2.FillerParameter, tuple[int, ...], np.random.Generator], np.ndarray]
FILLERS: dict[str, FillerFn] = {}


def _filler(name: str):
    def register(fn: FillerFn) -> FillerFn:
        FILLERS[name] = fn
        return fn

    return register


def _fans(shape: tuple[int, ...]) -> tuple[float, float]:
    count = math.prod(shape)
    fan_in = count / shape[0]
    fan_out = count / shape[1] if len(shape) > 1 else count
    return fan_in, fan_out


def _n(p: caffe_pb2.FillerParameter, shape: tuple[int, ...]) -> float:
    fan_in, fan_out = _fans(shape)
    if p.variance_norm == caffe_pb2.FillerParameter.AVERAGE:
        return (fan_in + fan_out) / 2
    if p.variance_norm == caffe_pb2.FillerParameter.FAN_OUT:
        return fan_out
    return fan_in


@_filler("constant")
def constant(p, shape, rng):
    return np.full(shape, p.value, dtype=np.float32)


@_filler("uniform")
def uniform(p, shape, rng):
    return rng.uniform(p.min, p.max, size=shape).astype(np.float32)


@_filler("gaussian")
def gaussian(p, shape, rng):
    values = rng.normal(p.mean, p.std, size=shape).astype(np.float32)
    if p.sparse >= 0:
        # Each weight is kept with probability sparse / num_outputs (shape[0]).
        keep = p.sparse / shape[0]
        values *= rng.random(size=shape) < keep
    return values


@_filler("positive_unitball")
def positive_unitball(p, shape, rng):
    values = rng.uniform(0, 1, size=shape).astype(np.float32)
    rows = values.reshape(shape[0], -1)
    rows /= rows.sum(axis=1, keepdims=True)
    return values


@_filler("xavier")
def xavier(p, shape, rng):
    scale = math.sqrt(3.0 / _n(p, shape))
    return rng.uniform(-scale, scale, size=shape).astype(np.float32)


@_filler("msra")
def msra(p, shape, rng):
    std = math.sqrt(2.0 / _n(p, shape))
    return rng.normal(0.0, std, size=shape).astype(np.float32)


@_filler("bilinear")
def bilinear(p, shape, rng):
    """Upsampling kernel: (1 - |x/f - c|)(1 - |y/f - c|), f = ceil(K/2), c = (K-1)/(2f)."""
    if len(shape) != 4 or shape[2] != shape[3]:
        raise ValueError("the bilinear filler needs a 4-D blob with square kernels")
    k = shape[3]
    f = math.ceil(k / 2.0)
    c = (k - 1) / (2.0 * f)
    ramp = 1 - np.abs(np.arange(k) / f - c)
    kernel = np.outer(ramp, ramp).astype(np.float32)  # rows are y, columns x
    return np.broadcast_to(kernel, shape).copy()


def fill(
    param: caffe_pb2.FillerParameter | None,
    shape: tuple[int, ...],
    rng: np.random.Generator,
    where: Where | None = None,
) -> np.ndarray:
    """Values for a new parameter blob; no filler at all means constant 0, as in Caffe."""
    if param is None:
        param = caffe_pb2.FillerParameter()
    fn = FILLERS.get(param.type)
    if fn is None:
        raise ConfigError(
            f"unknown filler type '{param.type}'.",
            where=where,
            fix="Known fillers: " + ", ".join(sorted(FILLERS)) + ".",
        )
    if param.sparse != -1 and param.type != "gaussian":
        raise ConfigError(
            f"`sparse` is set for a '{param.type}' filler; only the gaussian filler supports sparsity.",
            where=where,
            fix="Remove `sparse`, or use `type: \"gaussian\"`.",
        )
    try:
        return fn(param, tuple(shape), rng)
    except ValueError as exc:
        message = f"the '{param.type}' filler cannot fill a blob of shape {tuple(shape)}: {exc}."
        raise ConfigError(message, where=where) from None
