"""config/learnable.py: the parameter blobs a prototxt declares, compared with a built net's."""

from __future__ import annotations

import numpy as np
from google.protobuf import text_format

from sgdtrain.config.learnable import blob_labels, declared_params
from sgdtrain.config.paths import PathResolver
from sgdtrain.net import Net
from sgdtrain.proto import caffe_pb2

NET = """
layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 2 dim: 3 dim: 8 dim: 8 } } }
layer { name: "conv" type: "Convolution" bottom: "x" top: "c" param { lr_mult: 1 } param { lr_mult: 2 decay_mult: 0 }
  convolution_param { num_output: 4 kernel_size: 3 } }
layer { name: "bn" type: "BatchNorm" bottom: "c" top: "c" }
layer { name: "sc" type: "Scale" bottom: "c" top: "c" scale_param { bias_term: true } }
layer { name: "ip_a" type: "InnerProduct" bottom: "c" top: "a" param { name: "shared_w" lr_mult: 3 }
  inner_product_param { num_output: 5 bias_term: false } }
layer { name: "ip_b" type: "InnerProduct" bottom: "c" top: "b" param { name: "shared_w" }
  inner_product_param { num_output: 5 bias_term: false } }
layer { name: "relu" type: "ReLU" bottom: "a" top: "a" }
"""


def test_declared_params_match_the_built_net():
    net_param = text_format.Parse(NET, caffe_pb2.NetParameter())
    declared = declared_params(net_param)
    net = Net(net_param, rng=np.random.default_rng(0), resolver=PathResolver())
    built = [(p.layer, p.index, p.lr_mult, p.decay_mult) for p in net.params if not p.name or
             net._param_by_name[p.name] is p]
    assert [(d.layer, d.index, d.lr_mult, d.decay_mult) for d in declared] == built
    assert [d.key for d in declared] == ["conv.weights", "conv.bias", "bn.mean", "bn.variance",
                                         "bn.moving_average_factor", "sc.scale", "sc.bias", "ip_a.weights"]


def test_blob_labels_follow_bias_term_and_bottoms():
    layer = caffe_pb2.LayerParameter(type="Scale", bottom=["x", "s"])
    assert blob_labels(layer) == []
    layer.scale_param.bias_term = True
    assert blob_labels(layer) == ["bias"]
    assert blob_labels(caffe_pb2.LayerParameter(type="ReLU")) == []
