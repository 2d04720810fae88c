"""Caffe's upgrades of deprecated configuration forms (util/upgrade_proto.cpp).

* solver: the `solver_type` enum becomes the `type` string.
* net: the V1 `layers { type: CONVOLUTION blobs_lr: 1 ... }` form becomes
  `layer { type: "Convolution" param { lr_mult: 1 } ... }`, with the V1 data
  layers' scale/mean_file/crop_size/mirror moved into transform_param; the
  deprecated net-level `input`/`input_shape`/`input_dim` become an Input layer.

Each function returns the log lines Caffe would print for what it changed.
"""

from __future__ import annotations

from sgdtrain.errors import ConfigError, Where
from sgdtrain.proto import caffe_pb2

SOLVER_TYPE_NAMES = {
    caffe_pb2.SolverParameter.SGD: "SGD",
    caffe_pb2.SolverParameter.NESTEROV: "Nesterov",
    caffe_pb2.SolverParameter.ADAGRAD: "AdaGrad",
    caffe_pb2.SolverParameter.RMSPROP: "RMSProp",
    caffe_pb2.SolverParameter.ADADELTA: "AdaDelta",
    caffe_pb2.SolverParameter.ADAM: "Adam",
}

V1 = caffe_pb2.V1LayerParameter
V1_TYPE_NAMES = {
    V1.NONE: "",
    V1.ABSVAL: "AbsVal",
    V1.ACCURACY: "Accuracy",
    V1.ARGMAX: "ArgMax",
    V1.BNLL: "BNLL",
    V1.CONCAT: "Concat",
    V1.CONTRASTIVE_LOSS: "ContrastiveLoss",
    V1.CONVOLUTION: "Convolution",
    V1.DECONVOLUTION: "Deconvolution",
    V1.DATA: "Data",
    V1.DROPOUT: "Dropout",
    V1.DUMMY_DATA: "DummyData",
    V1.EUCLIDEAN_LOSS: "EuclideanLoss",
    V1.ELTWISE: "Eltwise",
    V1.EXP: "Exp",
    V1.FLATTEN: "Flatten",
    V1.HDF5_DATA: "HDF5Data",
    V1.HDF5_OUTPUT: "HDF5Output",
    V1.HINGE_LOSS: "HingeLoss",
    V1.IM2COL: "Im2col",
    V1.IMAGE_DATA: "ImageData",
    V1.INFOGAIN_LOSS: "InfogainLoss",
    V1.INNER_PRODUCT: "InnerProduct",
    V1.LRN: "LRN",
    V1.MEMORY_DATA: "MemoryData",
    V1.MULTINOMIAL_LOGISTIC_LOSS: "MultinomialLogisticLoss",
    V1.MVN: "MVN",
    V1.POOLING: "Pooling",
    V1.POWER: "Power",
    V1.RELU: "ReLU",
    V1.SIGMOID: "Sigmoid",
    V1.SIGMOID_CROSS_ENTROPY_LOSS: "SigmoidCrossEntropyLoss",
    V1.SILENCE: "Silence",
    V1.SOFTMAX: "Softmax",
    V1.SOFTMAX_LOSS: "SoftmaxWithLoss",
    V1.SPLIT: "Split",
    V1.SLICE: "Slice",
    V1.TANH: "TanH",
    V1.WINDOW_DATA: "WindowData",
    V1.THRESHOLD: "Threshold",
}

# V1 per-type parameter fields that exist with the same name in LayerParameter.
_V1_SUBPARAMS = [
    f.name
    for f in V1.DESCRIPTOR.fields
    if f.name.endswith("_param") and f.name in caffe_pb2.LayerParameter.DESCRIPTOR.fields_by_name
]

# V1 data layers whose deprecated transformation fields move to transform_param.
_V1_TRANSFORM_OWNERS = {
    V1.DATA: "data_param",
    V1.IMAGE_DATA: "image_data_param",
    V1.WINDOW_DATA: "window_data_param",
}


def upgrade_solver(param: caffe_pb2.SolverParameter, source: str) -> list[str]:
    """Copy a deprecated `solver_type` into `type` (Caffe's UpgradeSolverAsNeeded)."""
    if not param.HasField("solver_type"):
        return []
    if param.HasField("type"):
        raise ConfigError(
            "both `solver_type` (deprecated enum) and `type` are set.",
            where=Where(source, field="solver_type"),
            fix="Keep only `type`, e.g. `type: \"Adam\"`.",
        )
    name = SOLVER_TYPE_NAMES[param.solver_type]
    param.type = name
    param.ClearField("solver_type")
    return [
        "Attempting to upgrade input file specified using deprecated 'solver_type' field (enum)': "
        + source,
        "Successfully upgraded file specified using deprecated 'solver_type' field (enum) to "
        "'type' field (string).",
    ]


def _upgrade_v1_layer(v1: caffe_pb2.V1LayerParameter, index: int, source: str) -> caffe_pb2.LayerParameter:
    if v1.HasField("layer"):
        raise ConfigError(
            f"layers[{index}] uses the V0 layer syntax (a nested `layer {{ ... }}`), which sgdtrain "
            "reads but does not upgrade.",
            where=Where(source, field=f"layers[{index}].layer"),
            fix="Convert the file once with Caffe's upgrade_net_proto_text, or rewrite it with "
            "`layer { type: \"...\" }` entries.",
        )
    layer = caffe_pb2.LayerParameter()
    layer.name = v1.name
    layer.type = V1_TYPE_NAMES.get(v1.type, "")
    layer.bottom.extend(v1.bottom)
    layer.top.extend(v1.top)
    layer.include.extend(v1.include)
    layer.exclude.extend(v1.exclude)
    layer.blobs.extend(v1.blobs)
    layer.loss_weight.extend(v1.loss_weight)
    n_specs = max(len(v1.param), len(v1.blob_share_mode), len(v1.blobs_lr), len(v1.weight_decay))
    for i in range(n_specs):
        spec = layer.param.add()
        if i < len(v1.param):
            spec.name = v1.param[i]
        if i < len(v1.blob_share_mode):
            spec.share_mode = v1.blob_share_mode[i]
        if i < len(v1.blobs_lr):
            spec.lr_mult = v1.blobs_lr[i]
        if i < len(v1.weight_decay):
            spec.decay_mult = v1.weight_decay[i]
    for name in _V1_SUBPARAMS:
        if v1.HasField(name):
            getattr(layer, name).CopyFrom(getattr(v1, name))
    if v1.HasField("transform_param"):
        layer.transform_param.CopyFrom(v1.transform_param)
    if v1.HasField("loss_param"):
        layer.loss_param.CopyFrom(v1.loss_param)
    owner = _V1_TRANSFORM_OWNERS.get(v1.type)
    if owner:
        old = getattr(layer, owner)
        for name in ("scale", "mean_file", "crop_size", "mirror"):
            if old.HasField(name):
                setattr(layer.transform_param, name, getattr(old, name))
                old.ClearField(name)
    return layer


def upgrade_net(net: caffe_pb2.NetParameter, source: str) -> list[str]:
    """Upgrade V1 layers and deprecated inputs in place; return Caffe's log lines."""
    notes: list[str] = []
    if len(net.layers):
        if len(net.layer):
            raise ConfigError(
                "the net mixes the deprecated `layers` (V1) and the current `layer` entries.",
                where=Where(source),
                fix="Use one form; sgdtrain upgrades a file written entirely in the V1 form.",
            )
        notes.append(f"Attempting to upgrade input file specified using deprecated V1LayerParameter: {source}")
        upgraded = [_upgrade_v1_layer(v1, i, source) for i, v1 in enumerate(net.layers)]
        net.ClearField("layers")
        net.layer.extend(upgraded)
        notes.append("Successfully upgraded file specified using deprecated V1LayerParameter")
    if len(net.input):
        notes.append(f"Attempting to upgrade input file specified using deprecated input fields: {source}")
        _upgrade_inputs(net, source)
        notes.append("Successfully upgraded file specified using deprecated input fields.")
        notes.append("Note that future Caffe releases will only support input layers and not input fields.")
    return notes


def _upgrade_inputs(net: caffe_pb2.NetParameter, source: str) -> None:
    has_shape = len(net.input_shape) > 0
    has_dim = len(net.input_dim) > 0
    if has_dim and len(net.input_dim) != 4 * len(net.input):
        raise ConfigError(
            f"`input_dim` has {len(net.input_dim)} values for {len(net.input)} inputs.",
            where=Where(source, field="input_dim"),
            fix="Give four values (num, channels, height, width) per input, or use an Input layer.",
        )
    if has_shape and len(net.input_shape) not in (1, len(net.input)):
        raise ConfigError(
            f"`input_shape` is given {len(net.input_shape)} times for {len(net.input)} inputs.",
            where=Where(source, field="input_shape"),
            fix="Give one input_shape per input.",
        )
    layer = caffe_pb2.LayerParameter(name="input", type="Input")
    for i, name in enumerate(net.input):
        layer.top.append(name)
        shape = layer.input_param.shape.add()
        if has_shape:
            shape.CopyFrom(net.input_shape[min(i, len(net.input_shape) - 1)])
        elif has_dim:
            shape.dim.extend(net.input_dim[4 * i : 4 * i + 4])
    layers = [layer, *net.layer]
    net.ClearField("layer")
    net.layer.extend(layers)
    for name in ("input", "input_shape", "input_dim"):
        net.ClearField(name)
