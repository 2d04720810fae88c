"""Layers, one module per Caffe type, registered under Caffe's type name.

Importing this package registers every layer; `LAYERS` maps type names to
classes and `create_layer` builds one from its LayerParameter.
"""

from __future__ import annotations

import importlib
import pkgutil

from sgdtrain.errors import ConfigError
from sgdtrain.layers.base import LAYERS, Layer, LayerContext, register

_HELPERS = {"base", "util", "im2col"}

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _HELPERS and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")


def create_layer(param, ctx: LayerContext) -> Layer:
    """The layer `param.type` names; ConfigError listing the known types otherwise."""
    cls = LAYERS.get(param.type)
    if cls is None:
        from sgdtrain.config.textformat import closest

        near = closest(param.type, sorted(LAYERS))
        hint = f"Did you mean '{near[0]}'? " if near else ""
        raise ConfigError(
            f"layer '{param.name}' has unknown type '{param.type}'.",
            where=ctx.where("type"),
            fix=hint + "Known layer types: " + ", ".join(sorted(LAYERS)) + ".",
        )
    return cls(param, ctx)


__all__ = ["LAYERS", "Layer", "LayerContext", "create_layer", "register"]
