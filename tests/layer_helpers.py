"""Building a single layer from prototxt text, for layer tests."""

from __future__ import annotations

import numpy as np

from sgdtrain.blob import Blob
from sgdtrain.config.textformat import parse_text
from sgdtrain.layers import Layer, LayerContext, create_layer
from sgdtrain.proto import caffe_pb2


def build(text: str, bottoms: list[Blob], seed: int = 0, phase: int = caffe_pb2.TRAIN) -> tuple[Layer, list[Blob]]:
    """Create the layer `text` describes (a LayerParameter in text format), set it
    up on `bottoms` and return it with its tops (same dtype as the bottoms)."""
    param = parse_text(text, caffe_pb2.LayerParameter())
    if not param.HasField("phase"):
        param.phase = phase
    layer = create_layer(param, LayerContext(rng=np.random.default_rng(seed)))
    dtype = bottoms[0].data.dtype if bottoms else np.float64
    tops = [Blob(dtype=dtype) for _ in param.top]
    layer.setup(bottoms, tops)
    return layer, tops
