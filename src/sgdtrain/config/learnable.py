"""The learnable parameter blobs a net prototxt declares, read without building the net.

`schedule --params` and `compare` need each blob's lr_mult and decay_mult but
no data: the number of blobs follows from the layer type and its bias_term,
as the layers' LayerSetUp decides (Caffe's layers; sgdtrain's layers/).
Layers whose blobs this table does not know fall back to their `param {}`
entries. Shared blobs (`param { name }`) are listed once, under the first
layer that names them, as Net::AppendParam registers them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sgdtrain.proto import caffe_pb2


@dataclass(frozen=True)
class DeclaredParam:
    layer: str
    index: int
    label: str  # "weights", "bias", ...
    lr_mult: float
    decay_mult: float
    shared_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.layer}.{self.label}"


def _with_bias(bias_term: bool) -> list[str]:
    return ["weights", "bias"] if bias_term else ["weights"]


def blob_labels(layer: caffe_pb2.LayerParameter) -> list[str]:
    """The names of the blobs `layer` owns, in order (empty for layers without parameters)."""
    t = layer.type
    if t in ("Convolution", "Deconvolution"):
        return _with_bias(layer.convolution_param.bias_term)
    if t == "InnerProduct":
        return _with_bias(layer.inner_product_param.bias_term)
    if t == "Embed":
        return _with_bias(layer.embed_param.bias_term)
    if t == "Scale":
        own_scale = len(layer.bottom) < 2  # a second bottom supplies the scale
        return (["scale"] if own_scale else []) + (["bias"] if layer.scale_param.bias_term else [])
    if t == "Bias":
        return ["bias"] if len(layer.bottom) < 2 else []
    if t == "PReLU":
        return ["slope"]
    if t == "BatchNorm":
        return ["mean", "variance", "moving_average_factor"]
    return [f"blob{k}" for k in range(len(layer.param))]


# Blobs whose learning rate the layer pins at 0 whatever the prototxt says (BatchNorm's statistics).
FORCED_LR = {"BatchNorm": 0.0}


def declared_params(net: caffe_pb2.NetParameter) -> list[DeclaredParam]:
    """Every learnable blob of the (already state-filtered) `net`, shared blobs once."""
    out: list[DeclaredParam] = []
    owners: dict[str, int] = {}
    for layer in net.layer:
        for k, label in enumerate(blob_labels(layer)):
            spec = layer.param[k] if k < len(layer.param) else caffe_pb2.ParamSpec()
            lr = FORCED_LR.get(layer.type, float(spec.lr_mult))
            if spec.name and spec.name in owners:
                continue
            if spec.name:
                owners[spec.name] = len(out)
            out.append(DeclaredParam(layer.name, k, label, lr, float(spec.decay_mult), spec.name))
    return out
