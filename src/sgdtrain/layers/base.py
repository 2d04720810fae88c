"""The Layer interface (Caffe's include/caffe/layer.hpp) and the type registry.

A layer is built from its LayerParameter. `setup` runs Caffe's fixed sequence:
check blob counts, `layer_setup` (read parameters, create parameter blobs),
`reshape` (shape the tops), then set the loss weights.

Conventions every layer keeps:
* `forward(bottom, top)` writes top data; `backward(top, propagate_down,
  bottom)` writes bottom diffs where `propagate_down[i]`, and *accumulates*
  (+=) parameter gradients into `self.blobs[k].diff`, which is what makes
  iter_size and shared parameters work.
* Compute in the bottoms' dtype (float32 in nets, float64 in gradient
  checks); never hard-code float32 in arithmetic.
* Read parameters through `self.blobs[k]` at every call: the net may replace
  a blob with a shared one (parameter sharing, test nets sharing train
  weights) after setup.
* Bottoms and tops are NCHW-shaped; they may be channels-last underneath
  (see blob.py), so use numpy operations that respect strides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.blobproto import blob_from_proto
from sgdtrain.errors import ConfigError, Where
from sgdtrain.proto import caffe_pb2

TRAIN, TEST = caffe_pb2.TRAIN, caffe_pb2.TEST


@dataclass
class LayerContext:
    """What a layer may use beyond its parameter: the net's random generator
    (fillers, dropout, data transformation seeds), path resolution for files a
    layer names, a log for Caffe's messages, and where its definition sits."""

    rng: np.random.Generator
    resolve: Callable[[str, str, Where | None], Path] = lambda p, what, where: Path(p)
    log: Callable[[str, str], None] = lambda tag, msg: None
    where: Callable[..., Where] = field(default=lambda *parts: Where())


class Layer:
    """Base class of every layer type."""

    type: ClassVar[str] = ""
    # Caffe's ExactNum/Min/Max{Bottom,Top}Blobs; None means "no check".
    exact_num_bottom: ClassVar[int | None] = None
    min_bottom: ClassVar[int | None] = None
    max_bottom: ClassVar[int | None] = None
    exact_num_top: ClassVar[int | None] = None
    min_top: ClassVar[int | None] = None
    max_top: ClassVar[int | None] = None
    equal_num_bottom_top: ClassVar[bool] = False
    # Loss layers weigh top 0 by 1 unless loss_weight says otherwise.
    is_loss: ClassVar[bool] = False
    # Layers that may create anonymous tops when fewer are given (losses).
    auto_top_blobs: ClassVar[bool] = False

    def __init__(self, param: caffe_pb2.LayerParameter, ctx: LayerContext | None = None):
        self.param = param
        self.name = param.name
        self.phase = param.phase
        self.ctx = ctx or LayerContext(rng=np.random.default_rng(0))
        self.blobs: list[Blob] = []
        self.loss_weights: list[float] = []
        if len(param.blobs):
            # Stored parameters (a net carrying its weights): layers skip their fillers.
            for i, proto in enumerate(param.blobs):
                b = Blob(name=f"{self.name}[{i}]")
                b.data = blob_from_proto(proto)
                b.diff = np.zeros_like(b.data)
                self.blobs.append(b)

    # -- the fixed set-up sequence ------------------------------------------------
    def setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        self.check_blob_counts(bottom, top)
        self.layer_setup(bottom, top)
        self.reshape(bottom, top)
        self.set_loss_weights(top)

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        """Read the layer's parameters and create its parameter blobs."""

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:  # pragma: no cover
        raise NotImplementedError

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:  # pragma: no cover
        raise NotImplementedError

    def backward(self, top: list[Blob], propagate_down: list[bool], bottom: list[Blob]) -> None:
        """Default: nothing to propagate (data layers, Accuracy, ...)."""

    # -- what the net asks ---------------------------------------------------------
    def allow_force_backward(self, bottom_index: int) -> bool:
        """False for inputs no gradient can reach (labels of a loss, for one)."""
        return True

    @property
    def has_backward(self) -> bool:
        """Whether `backward` does anything (False for data and metric layers)."""
        return type(self).backward is not Layer.backward

    def set_loss_weights(self, top: list[Blob]) -> None:
        weights = list(self.param.loss_weight)
        if weights and len(weights) != len(top):
            raise self.error(
                f"has {len(weights)} loss_weight value(s) for {len(top)} top blob(s).",
                fix="Give one loss_weight per top, or none.",
            )
        if not weights:
            weights = [1.0 if (self.is_loss and i == 0) else 0.0 for i in range(len(top))]
        self.loss_weights = [float(np.float32(w)) for w in weights]

    def check_blob_counts(self, bottom: list[Blob], top: list[Blob]) -> None:
        def bad(what: str, n: int, rule: str) -> ConfigError:
            return self.error(f"takes {rule} {what} blob(s), but {n} are given.", fix=f"Give it {rule} {what}(s).")

        nb, nt = len(bottom), len(top)
        if self.exact_num_bottom is not None and nb != self.exact_num_bottom:
            raise bad("bottom", nb, f"exactly {self.exact_num_bottom}")
        if self.min_bottom is not None and nb < self.min_bottom:
            raise bad("bottom", nb, f"at least {self.min_bottom}")
        if self.max_bottom is not None and nb > self.max_bottom:
            raise bad("bottom", nb, f"at most {self.max_bottom}")
        if self.exact_num_top is not None and nt != self.exact_num_top:
            raise bad("top", nt, f"exactly {self.exact_num_top}")
        if self.min_top is not None and nt < self.min_top:
            raise bad("top", nt, f"at least {self.min_top}")
        if self.max_top is not None and nt > self.max_top:
            raise bad("top", nt, f"at most {self.max_top}")
        if self.equal_num_bottom_top and nb != nt:
            raise self.error(f"needs as many tops as bottoms ({nb} bottoms, {nt} tops).")

    def needed_tops(self) -> int:
        """How many tops an `auto_top_blobs` layer wants (Caffe's MinTopBlobs/ExactNumTopBlobs)."""
        return self.exact_num_top or self.min_top or 0

    def new_param_blob(self, shape: tuple[int, ...], filler, *field_path: str | int) -> Blob:
        """A parameter blob filled by `filler` (None: constant 0) from the net's generator."""
        from sgdtrain.fillers import fill

        b = Blob(shape, name=f"{self.name}[{len(self.blobs)}]")
        b.data[...] = fill(filler, shape, self.ctx.rng, self.ctx.where(*field_path))
        return b

    def check_stored_blobs(self, shapes: list[tuple[int, ...]]) -> bool:
        """True when the layer carries stored blobs (then they must have `shapes`)."""
        if not self.blobs:
            return False
        from sgdtrain.blobproto import shapes_match

        if len(self.blobs) != len(shapes) or not all(shapes_match(b.shape, s) for b, s in zip(self.blobs, shapes)):
            raise self.error(
                f"carries stored blobs of shapes {[b.shape for b in self.blobs]}, but its parameters "
                f"need {shapes}.",
                fix="Remove the stored blobs or correct the layer's parameters.",
            )
        for b, s in zip(self.blobs, shapes):
            b.data = b.data.reshape(s)
            b.diff = b.diff.reshape(s)
        return True

    def error(self, problem: str, fix: str | None = None, *field_path: str | int) -> ConfigError:
        """A ConfigError about this layer, pointing at its definition."""
        return ConfigError(f"layer '{self.name}' ({self.type}) {problem}", where=self.ctx.where(*field_path), fix=fix)

    def __repr__(self) -> str:
        return f"<{self.type} layer {self.name!r}>"


class NeuronLayer(Layer):
    """Caffe's NeuronLayer: one bottom, one top of the same shape, element by element.

    The top may be the bottom itself (in place); then there is nothing to reshape.
    """

    exact_num_bottom = 1
    exact_num_top = 1

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        if top[0] is not bottom[0]:
            top[0].reshape(bottom[0].shape, channels_last=bottom[0].channels_last)


# ---------------------------------------------------------------------------
# The registry: Caffe's type name -> class.

LAYERS: dict[str, type[Layer]] = {}


def register(cls: type[Layer]) -> type[Layer]:
    """Class decorator: register `cls` under its Caffe type name `cls.type`."""
    if not cls.type:
        raise TypeError(f"{cls.__name__} has no Caffe type name")
    if cls.type in LAYERS and LAYERS[cls.type] is not cls:
        raise TypeError(f"layer type {cls.type!r} registered twice")
    LAYERS[cls.type] = cls
    return cls
