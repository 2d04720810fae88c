"""A small, fast net on the embedded data, for solver tests."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO

TRAIN = REPO / "data" / "fashion-mnist" / "train-first16000-images-idx3-ubyte.gz"
TEST = REPO / "data" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz"

SMALL_NET = f"""
name: "small"
layer {{ name: "data" type: "Data" top: "data" top: "label" include {{ phase: TRAIN }}
  transform_param {{ scale: 0.00390625 mirror: true }} data_param {{ source: "{TRAIN}" batch_size: 16 }} }}
layer {{ name: "data" type: "Data" top: "data" top: "label" include {{ phase: TEST }}
  transform_param {{ scale: 0.00390625 }} data_param {{ source: "{TEST}" batch_size: 50 }} }}
layer {{ name: "conv1" type: "Convolution" bottom: "data" top: "conv1" param {{ lr_mult: 1 }} param {{ lr_mult: 2 }}
  convolution_param {{ num_output: 4 kernel_size: 5 stride: 2 weight_filler {{ type: "xavier" }} }} }}
layer {{ name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1"
  pooling_param {{ pool: MAX kernel_size: 2 stride: 2 }} }}
layer {{ name: "ip1" type: "InnerProduct" bottom: "pool1" top: "ip1"
  inner_product_param {{ num_output: 16 weight_filler {{ type: "xavier" }} }} }}
layer {{ name: "relu1" type: "ReLU" bottom: "ip1" top: "ip1" }}
layer {{ name: "drop1" type: "Dropout" bottom: "ip1" top: "ip1" dropout_param {{ dropout_ratio: 0.3 }} }}
layer {{ name: "ip2" type: "InnerProduct" bottom: "ip1" top: "ip2"
  inner_product_param {{ num_output: 10 weight_filler {{ type: "xavier" }} }} }}
layer {{ name: "acc" type: "Accuracy" bottom: "ip2" bottom: "label" top: "accuracy" include {{ phase: TEST }} }}
layer {{ name: "loss" type: "SoftmaxWithLoss" bottom: "ip2" bottom: "label" top: "loss" }}
"""

COMMON = """net: "net.prototxt"
test_iter: 3
test_interval: 4
display: 1
average_loss: 3
max_iter: 16
snapshot: 8
snapshot_prefix: "snaps/small"
random_seed: 7
"""

SOLVERS = {
    "SGD": 'type: "SGD" base_lr: 0.01 momentum: 0.9 weight_decay: 0.0005 lr_policy: "inv" gamma: 0.0001 power: 0.75',
    "Nesterov": 'type: "Nesterov" base_lr: 0.01 momentum: 0.9 weight_decay: 0.0005 lr_policy: "step" gamma: 0.5 '
                "stepsize: 5",
    "AdaGrad": 'type: "AdaGrad" base_lr: 0.01 weight_decay: 0.0005 lr_policy: "fixed"',
    "RMSProp": 'type: "RMSProp" base_lr: 0.001 rms_decay: 0.98 weight_decay: 0.0005 lr_policy: "fixed"',
    "AdaDelta": 'type: "AdaDelta" base_lr: 1.0 momentum: 0.95 delta: 1e-6 weight_decay: 0.0005 lr_policy: "fixed"',
    "Adam": 'type: "Adam" base_lr: 0.001 momentum: 0.9 momentum2: 0.999 lr_policy: "fixed"',
    "AdamW": 'type: "AdamW" base_lr: 0.001 momentum: 0.9 momentum2: 0.999 weight_decay: 0.01 lr_policy: "fixed"',
    "multistep": 'type: "SGD" base_lr: 0.01 momentum: 0.9 lr_policy: "multistep" gamma: 0.5 stepvalue: 6 '
                 "stepvalue: 8 stepvalue: 9 stepvalue: 12",
    # sgdtrain's extensions: their state (the plateau counter and monitors) must resume exactly too
    "plateau+best+early": 'type: "SGD" base_lr: 0.02 momentum: 0.9 lr_policy: "plateau" gamma: 0.5 '
                          'plateau_patience: 1 plateau_threshold: 0.01 snapshot_best: "accuracy" '
                          "early_stop_patience: 5",
    "cosine+warmup+min_lr": 'type: "Nesterov" base_lr: 0.02 momentum: 0.9 lr_policy: "cosine" cosine_period: 5 '
                            "cosine_period_mult: 2 warmup_iter: 4 min_lr: 0.001",
}


def write_config(folder: Path, solver: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "net.prototxt").write_text(SMALL_NET)
    path = folder / "solver.prototxt"
    path.write_text(COMMON + solver + "\n" + extra)
    return path


