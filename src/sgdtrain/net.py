"""Net assembly and execution (Caffe's src/caffe/net.cpp).

`Net` builds the layers a NetParameter (already filtered for its NetState)
lists, wires named blobs in file order (a top with its bottom's name works in
place), inserts Split layers, registers learnable parameters with their
lr_mult/decay_mult (sharing blobs by `param { name }`), works out which layers
need backward, and runs forward/backward. Outputs are the blobs no layer
consumes, in name order (Caffe keeps them in a std::set).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from google.protobuf import text_format

from sgdtrain.blob import Blob
from sgdtrain.blobproto import blob_to_proto, shapes_match
from sgdtrain.config.paths import PathResolver
from sgdtrain.errors import ConfigError, Where
from sgdtrain.layers import Layer, LayerContext, create_layer
from sgdtrain.log import CaffeLog, NullLog, fmt_float
from sgdtrain.proto import caffe_pb2
from sgdtrain.splits import insert_splits


@dataclass
class ParamInfo:
    """One learnable parameter blob: who owns it and its multipliers."""

    blob: Blob
    layer: str
    index: int
    lr_mult: float = 1.0
    decay_mult: float = 1.0
    name: str = ""

    @property
    def display_name(self) -> str:
        return self.name or f"{self.layer}[{self.index}]"


@dataclass
class LayerTiming:
    forward: list[float] = field(default_factory=list)
    backward: list[float] = field(default_factory=list)


class Net:
    """A built net: layers, blobs, learnable parameters, forward/backward."""

    def __init__(
        self,
        param: caffe_pb2.NetParameter,
        *,
        rng: np.random.Generator,
        resolver: PathResolver | None = None,
        log: CaffeLog | None = None,
        source: str | None = None,
        where: Callable[[str], Callable[..., Where]] | None = None,
    ):
        self.log = log or NullLog()
        self.name = param.name
        self.phase = param.state.phase
        self.source = source
        resolver = resolver or PathResolver()

        def resolve(path: str, what: str, where: Where | None) -> Path:
            found = resolver.resolve(path, what, where)
            for note in resolver.take_notes():
                self.log.info("sgdtrain:0", note)
            return found
        where_of = where or (lambda layer_name: (lambda *parts: Where(source, field=f"layer '{layer_name}'")))
        self.log.info("net.cpp:53", "Initializing net from parameters: ")
        self.log.raw(text_format.MessageToString(param))
        param = insert_splits(param, source)
        self.param = param
        self.layers: list[Layer] = []
        self.layer_names: list[str] = []
        self.bottoms: list[list[Blob]] = []
        self.tops: list[list[Blob]] = []
        self.bottom_need_backward: list[list[bool]] = []
        self.layer_need_backward: list[bool] = []
        self.blobs: dict[str, Blob] = {}
        self.blob_loss_weight: dict[str, float] = {}
        self.params: list[ParamInfo] = []
        self._param_by_name: dict[str, ParamInfo] = {}
        blob_need_backward: dict[str, bool] = {}
        available: list[str] = []
        memory = 0

        for lp in param.layer:
            if not lp.HasField("phase"):
                lp.phase = self.phase
            self.log.info("layer_factory.hpp:77", f"Creating layer {lp.name}")
            ctx = LayerContext(
                rng=rng,
                resolve=resolve,
                log=self.log.info,
                where=where_of(lp.name),
            )
            layer = create_layer(lp, ctx)
            self.log.info("net.cpp:86", f"Creating Layer {lp.name}")
            bottom: list[Blob] = []
            need: list[bool] = []
            for j, name in enumerate(lp.bottom):
                if name not in self.blobs or name not in available:
                    raise ConfigError(
                        f"layer '{lp.name}' reads bottom blob '{name}', which is not available here "
                        f"(bottom index {j}).",
                        where=ctx.where("bottom", j),
                        fix="Check the blob name and the layer order.",
                    )
                self.log.info("net.cpp:408", f"{lp.name} <- {name}")
                bottom.append(self.blobs[name])
                need.append(blob_need_backward.get(name, False))
                available.remove(name)
            top: list[Blob] = []
            for j, name in enumerate(lp.top):
                in_place = j < len(lp.bottom) and lp.bottom[j] == name
                if in_place:
                    self.log.info("net.cpp:369", f"{lp.name} -> {name} (in-place)")
                    top.append(self.blobs[name])
                else:
                    if name in self.blobs:
                        raise ConfigError(
                            f"top blob '{name}' of layer '{lp.name}' is produced by more than one layer.",
                            where=ctx.where("top", j),
                            fix="Rename one of the tops (in-place use needs the same name at the same index).",
                        )
                    self.log.info("net.cpp:382", f"{lp.name} -> {name}")
                    self.blobs[name] = Blob(name=name)
                    top.append(self.blobs[name])
                available.append(name)
            if layer.auto_top_blobs:
                for k in range(len(top), layer.needed_tops()):
                    anon = Blob(name=f"(automatic {lp.name} {k})")
                    top.append(anon)  # not in `available`: anonymous tops are never outputs
            self.log.info("net.cpp:124", f"Setting up {lp.name}")
            layer.setup(bottom, top)
            for j, t in enumerate(top):
                self.log.info("net.cpp:131", f"Top shape: {t.shape_string()}")
                if layer.loss_weights[j]:
                    self.log.info("net.cpp:134", f"    with loss weight {fmt_float(layer.loss_weights[j])}")
                memory += t.count
                if j < len(lp.top):
                    self.blob_loss_weight[lp.top[j]] = layer.loss_weights[j]
            self.log.info("net.cpp:139", f"Memory required for data: {memory * 4}")
            # Which of this layer's parameters learn, and does it need backward?
            layer_needs = False
            forced = getattr(layer, "forced_lr_mult", {})
            for k in range(len(layer.blobs)):
                spec = lp.param[k] if k < len(lp.param) else caffe_pb2.ParamSpec()
                lr = forced.get(k, spec.lr_mult)
                layer_needs |= lr != 0
            layer_needs |= any(need)
            if len(lp.propagate_down):
                if len(lp.propagate_down) != len(lp.bottom):
                    raise ConfigError(
                        f"layer '{lp.name}' gives {len(lp.propagate_down)} propagate_down values for "
                        f"{len(lp.bottom)} bottoms.",
                        where=ctx.where("propagate_down"),
                        fix="Give one propagate_down per bottom, or none.",
                    )
                need = [n and bool(p) for n, p in zip(need, lp.propagate_down)]
            for name in lp.top:
                blob_need_backward[name] = layer_needs
            self.layers.append(layer)
            self.layer_names.append(lp.name)
            self.bottoms.append(bottom)
            self.tops.append(top)
            self.bottom_need_backward.append(need)
            self.layer_need_backward.append(layer_needs)
            self._register_params(layer, lp, ctx)

        self._prune_backward(param)
        outputs = sorted(set(available))
        self.output_names = outputs
        for name in outputs:
            self.log.info("net.cpp:244", f"This network produces output {name}")
        self.log.info("net.cpp:257", "Network initialization done.")
        self.timing: list[LayerTiming] | None = None

    # -- parameters -------------------------------------------------------------------
    def _register_params(self, layer: Layer, lp: caffe_pb2.LayerParameter, ctx: LayerContext) -> None:
        forced = getattr(layer, "forced_lr_mult", {})
        for k, blob in enumerate(layer.blobs):
            spec = lp.param[k] if k < len(lp.param) else caffe_pb2.ParamSpec()
            lr = float(forced.get(k, spec.lr_mult))
            decay = float(spec.decay_mult)
            if not spec.name:
                blob.name = f"{lp.name}[{k}]"
                self.params.append(ParamInfo(blob, lp.name, k, lr, decay))
                continue
            owner = self._param_by_name.get(spec.name)
            if owner is None:
                info = ParamInfo(blob, lp.name, k, lr, decay, spec.name)
                info.lr_explicit = spec.HasField("lr_mult")  # type: ignore[attr-defined]
                info.decay_explicit = spec.HasField("decay_mult")  # type: ignore[attr-defined]
                blob.name = spec.name
                self._param_by_name[spec.name] = info
                self.params.append(info)
                continue
            # A shared parameter: the first layer owns it; this layer uses the owner's blob.
            strict = spec.share_mode != caffe_pb2.ParamSpec.PERMISSIVE
            ok = shapes_match(owner.blob.shape, blob.shape) if strict else owner.blob.count == blob.count
            if not ok:
                raise ConfigError(
                    f"layer '{lp.name}' shares parameter '{spec.name}' with layer '{owner.layer}', but the "
                    f"shapes differ: {owner.blob.shape} vs {blob.shape}.",
                    where=ctx.where("param", k),
                    fix="Make the shapes equal, or set share_mode: PERMISSIVE if only the count must match.",
                )
            for attr, value, has in (("lr_mult", lr, spec.HasField("lr_mult")),
                                     ("decay_mult", decay, spec.HasField("decay_mult"))):
                explicit_attr = "lr_explicit" if attr == "lr_mult" else "decay_explicit"
                if has:
                    if getattr(owner, explicit_attr) and getattr(owner, attr) != value:
                        raise ConfigError(
                            f"shared parameter '{spec.name}' has {attr} {getattr(owner, attr):g} in layer "
                            f"'{owner.layer}' but {value:g} in layer '{lp.name}'.",
                            where=ctx.where("param", k),
                            fix=f"Give the same {attr} everywhere the parameter is used (Caffe's rule).",
                        )
                    setattr(owner, attr, value)
                    setattr(owner, explicit_attr, True)
            if strict:
                layer.blobs[k] = owner.blob
            else:
                shared = Blob(name=spec.name)
                shared.data = owner.blob.data.reshape(blob.shape)
                shared.diff = owner.blob.diff.reshape(blob.shape)
                layer.blobs[k] = shared

    @property
    def learnable_params(self) -> list[ParamInfo]:
        return self.params

    def clear_param_diffs(self) -> None:
        for p in self.params:
            p.blob.diff.fill(0)

    # -- backward bookkeeping ---------------------------------------------------------
    def _prune_backward(self, param: caffe_pb2.NetParameter) -> None:
        """Caffe's pass from the losses down: layers that feed no loss skip backward."""
        under_loss: set[str] = set()
        skip_propagate: set[str] = set()
        for i in reversed(range(len(self.layers))):
            lp = param.layer[i]
            contributes = False
            skip_down = True
            for j in range(len(self.tops[i])):
                name = lp.top[j] if j < len(lp.top) else None
                if self.layers[i].loss_weights[j] or (name is not None and name in under_loss):
                    contributes = True
                if name is None or name not in skip_propagate:
                    skip_down = False
                if contributes and not skip_down:
                    break
            if self.layer_need_backward[i] and skip_down:
                self.layer_need_backward[i] = False
                self.bottom_need_backward[i] = [False] * len(self.bottoms[i])
            if not contributes:
                self.layer_need_backward[i] = False
            for j, name in enumerate(lp.bottom):
                if contributes:
                    under_loss.add(name)
                else:
                    self.bottom_need_backward[i][j] = False
                if not self.bottom_need_backward[i][j]:
                    skip_propagate.add(name)
        if param.force_backward:
            for i, layer in enumerate(self.layers):
                for j in range(len(self.bottoms[i])):
                    if layer.allow_force_backward(j):
                        self.bottom_need_backward[i][j] = True
                self.layer_need_backward[i] = self.layer_need_backward[i] or any(self.bottom_need_backward[i])
        for i in reversed(range(len(self.layers))):
            name = self.layer_names[i]
            if self.layer_need_backward[i]:
                self.log.info("net.cpp:200", f"{name} needs backward computation.")
            else:
                self.log.info("net.cpp:202", f"{name} does not need backward computation.")

    # -- running ----------------------------------------------------------------------
    def forward(self) -> np.float32:
        """Run every layer; returns the weighted loss sum (float32, as Caffe)."""
        loss = np.float32(0)
        timing = self.timing
        for i, layer in enumerate(self.layers):
            if timing is not None:
                t0 = time.perf_counter()
                layer.forward(self.bottoms[i], self.tops[i])
                timing[i].forward.append(time.perf_counter() - t0)
            else:
                layer.forward(self.bottoms[i], self.tops[i])
            for w, t in zip(layer.loss_weights, self.tops[i]):
                if w:
                    loss += np.float32(w) * np.float32(t.data.sum(dtype=np.float32))
        return loss

    def backward(self) -> None:
        timing = self.timing
        for i in reversed(range(len(self.layers))):
            if not self.layer_need_backward[i]:
                continue
            layer = self.layers[i]
            for w, t in zip(layer.loss_weights, self.tops[i]):
                if w:
                    t.diff.fill(w)  # Caffe keeps the loss weight in the loss top's diff
            if timing is not None:
                t0 = time.perf_counter()
                layer.backward(self.tops[i], self.bottom_need_backward[i], self.bottoms[i])
                timing[i].backward.append(time.perf_counter() - t0)
            else:
                layer.backward(self.tops[i], self.bottom_need_backward[i], self.bottoms[i])

    def forward_backward(self) -> np.float32:
        loss = self.forward()
        self.backward()
        return loss

    def outputs(self) -> list[tuple[str, Blob, float]]:
        """(name, blob, loss weight) of each output blob, in name order."""
        return [(n, self.blobs[n], self.blob_loss_weight.get(n, 0.0)) for n in self.output_names]

    def layer_by_name(self, name: str) -> Layer | None:
        for n, layer in zip(self.layer_names, self.layers):
            if n == name:
                return layer
        return None

    # -- weights ------------------------------------------------------------------------
    def share_trained_layers_with(self, other: Net) -> None:
        """Use `other`'s parameter blobs for every layer of the same name (test nets)."""
        for name, layer in zip(self.layer_names, self.layers):
            source = other.layer_by_name(name)
            if source is None or not layer.blobs:
                continue
            if len(source.blobs) != len(layer.blobs):
                raise ConfigError(
                    f"layer '{name}' has {len(layer.blobs)} parameter blobs in the test net but "
                    f"{len(source.blobs)} in the train net.",
                    fix="Train and test nets must define shared layers identically.",
                )
            for k, (mine, theirs) in enumerate(zip(layer.blobs, source.blobs)):
                if mine.shape != theirs.shape:
                    raise ConfigError(
                        f"layer '{name}' blob {k} has shape {mine.shape} in the test net but "
                        f"{theirs.shape} in the train net.",
                        fix="Train and test nets must define shared layers identically.",
                    )
                layer.blobs[k] = theirs

    def to_proto(self, write_diff: bool = False) -> caffe_pb2.NetParameter:
        """The net as Caffe's Net::ToProto writes a .caffemodel: every layer's
        parameter (with Caffe's filled-in phase and loss weights) plus its blobs."""
        out = caffe_pb2.NetParameter()
        out.name = self.name
        for lp, layer in zip(self.param.layer, self.layers):
            entry = out.layer.add()
            entry.CopyFrom(lp)
            entry.ClearField("blobs")
            if layer.is_loss and not len(entry.loss_weight):
                entry.loss_weight.append(1.0)  # LossLayer::LayerSetUp adds it to its layer_param_
            for b in layer.blobs:
                entry.blobs.append(blob_to_proto(b.data, b.diff if write_diff else None))
        return out
