"""Input: tops whose shapes input_param gives and whose values are set from outside.

input_param.shape appears once (every top gets it), once per top, or not at all
(the tops keep whatever shape they have). No bottoms; forward does nothing.
"""

from __future__ import annotations

from sgdtrain.blob import Blob
from sgdtrain.layers.base import Layer, register


def shape_of(layer: Layer, blob_shape, *field_path) -> tuple[int, ...]:
    """A BlobShape as a tuple; negative dims are refused (Caffe's Blob::Reshape CHECK)."""
    dims = tuple(int(d) for d in blob_shape.dim)
    if any(d < 0 for d in dims):
        raise layer.error(f"has shape {list(dims)}; dims must be >= 0.", None, *field_path)
    return dims


@register
class InputLayer(Layer):
    type = "Input"
    exact_num_bottom = 0
    min_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        shapes = self.param.input_param.shape
        if len(shapes) not in (0, 1, len(top)):
            raise self.error(f"has {len(shapes)} shapes for {len(top)} tops; must specify 'shape' once, once per "
                             "top blob, or not at all.", None, "input_param", "shape")
        for i, t in enumerate(top):
            if len(shapes):
                k = 0 if len(shapes) == 1 else i
                t.reshape(shape_of(self, shapes[k], "input_param", "shape", k))

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        pass  # the shapes are fixed at setup (or by whoever feeds the tops)

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        pass
