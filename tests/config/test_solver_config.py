"""Reading solver prototxts with Caffe's semantics."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from sgdtrain.config.solver import read_solver
from sgdtrain.errors import ConfigError
from sgdtrain.proto import caffe_pb2

NET = """
name: "tiny"
layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 2 dim: 3 } } }
layer { name: "train_only" type: "ReLU" bottom: "x" top: "x" include { phase: TRAIN } }
layer { name: "test_only" type: "ReLU" bottom: "x" top: "x" include { phase: TEST } }
layer { name: "deep" type: "ReLU" bottom: "x" top: "x" include { min_level: 2 } }
layer { name: "staged" type: "ReLU" bottom: "x" top: "x" include { stage: "a" stage: "b" } }
layer { name: "not_a" type: "ReLU" bottom: "x" top: "x" exclude { stage: "a" } }
"""


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text)
    return p


def solver(tmp: Path, body: str, net: str = NET) -> Path:
    write(tmp, "net.prototxt", net)
    return write(tmp, "solver.prototxt", body)


def names(spec):
    return [layer.name for layer in spec.filtered().layer]


def test_net_file_gives_train_net_and_one_test_net_per_test_iter(in_tmp):
    cfg = read_solver(solver(in_tmp, 'net: "net.prototxt" test_iter: 5 test_iter: 7 test_interval: 10'))
    assert len(cfg.test_nets) == 2
    assert cfg.train_net.source == "net file: net.prototxt"
    assert names(cfg.train_net) == ["in", "train_only", "not_a"]
    assert names(cfg.test_nets[0]) == ["in", "test_only", "not_a"]
    assert cfg.train_net.state.phase == caffe_pb2.TRAIN and cfg.test_nets[1].state.phase == caffe_pb2.TEST


def test_test_net_param_then_test_net_then_generic_copies(in_tmp):
    write(in_tmp, "t.prototxt", NET)
    body = ('net: "net.prototxt" test_net: "t.prototxt" test_net_param { name: "inline" layer { name: "i" '
            'type: "Input" top: "y" input_param { shape { dim: 1 } } } } test_iter: 1 test_iter: 2 test_iter: 3 '
            "test_interval: 1")
    cfg = read_solver(solver(in_tmp, body))
    assert [t.source for t in cfg.test_nets] == ["test_net_param", "test_net file: t.prototxt",
                                                 "net file: net.prototxt"]


def test_levels_and_stages_from_train_state_and_flags(in_tmp):
    p = solver(in_tmp, 'net: "net.prototxt" train_state { level: 3 stage: "a" stage: "b" }')
    assert names(read_solver(p).train_net) == ["in", "train_only", "deep", "staged"]
    # --level/--stage (caffe train) overwrite train_state's level and stages
    assert names(read_solver(p, level=0, stages=["a"]).train_net) == ["in", "train_only"]


def test_test_state_applies_per_test_net(in_tmp):
    p = solver(in_tmp, 'net: "net.prototxt" test_iter: 1 test_iter: 1 test_interval: 1 '
                       'test_state { stage: "a" stage: "b" } test_state { level: 5 }')
    cfg = read_solver(p)
    assert names(cfg.test_nets[0]) == ["in", "test_only", "staged"]
    assert names(cfg.test_nets[1]) == ["in", "test_only", "deep", "not_a"]


def test_deprecated_solver_type_is_upgraded(in_tmp):
    cfg = read_solver(solver(in_tmp, 'net: "net.prototxt" solver_type: ADAM'))
    assert cfg.param.type == "Adam" and not cfg.param.HasField("solver_type")
    assert any("solver_type" in line for _, line in cfg.notes)


def test_solver_type_and_type_together_are_refused(in_tmp):
    with pytest.raises(ConfigError, match="both `solver_type`"):
        read_solver(solver(in_tmp, 'net: "net.prototxt" solver_type: ADAM type: "Adam"'))


def test_snapshot_prefix_defaults_to_solver_path_without_extension(in_tmp):
    solver(in_tmp, 'net: "net.prototxt"')
    cfg = read_solver("solver.prototxt")  # the path as given on the command line
    assert cfg.param.snapshot_prefix == "solver"
    assert ("upgrade_proto.cpp:1108", "snapshot_prefix was not specified and is set to solver") in cfg.notes


def test_snapshot_prefix_directory_gets_the_solver_stem(in_tmp):
    (in_tmp / "snaps").mkdir()
    solver(in_tmp, 'net: "net.prototxt" snapshot_prefix: "snaps"')
    cfg = read_solver("solver.prototxt")
    assert cfg.param.snapshot_prefix == str(Path("snaps") / "solver")


def test_float_fields_hold_float32_values(in_tmp):
    cfg = read_solver(solver(in_tmp, 'net: "net.prototxt" base_lr: 0.01 gamma: 0.0001 momentum: 0.9'))
    import numpy as np

    assert cfg.param.base_lr == float(np.float32(0.01)) != 0.01
    assert cfg.param.momentum == float(np.float32(0.9))


def test_inline_v1_net_is_upgraded(in_tmp):
    body = ('net_param { name: "v1" layers { name: "in" type: DATA top: "x" top: "y" data_param { source: "d" '
            'batch_size: 2 scale: 0.5 } } layers { name: "ip" type: INNER_PRODUCT bottom: "x" top: "z" '
            "blobs_lr: 1 blobs_lr: 2 weight_decay: 1 weight_decay: 0 inner_product_param { num_output: 3 } } }")
    cfg = read_solver(write(in_tmp, "s.prototxt", body))
    layers = cfg.train_net.param.layer
    assert [layer.type for layer in layers] == ["Data", "InnerProduct"]
    assert layers[0].transform_param.scale == 0.5 and not layers[0].data_param.HasField("scale")
    assert [(p.lr_mult, p.decay_mult) for p in layers[1].param] == [(1, 1), (2, 0)]


def test_relative_path_falls_back_beside_the_solver_and_says_so(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "cfg").mkdir(parents=True)
    write(project / "cfg", "net.prototxt", NET)
    p = write(project / "cfg", "solver.prototxt", 'net: "net.prototxt"')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    cfg = read_solver(p)
    assert cfg.train_net.path == project / "cfg" / "net.prototxt"
    assert any("not in the current directory" in line for _, line in cfg.notes)


def test_repository_config_runs_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = read_solver(REPO / "configs" / "lenet_solver.prototxt")
    assert cfg.train_net.path == REPO / "configs" / "lenet_train_test.prototxt"


def test_caffe_resolution_is_current_directory_first(in_tmp):
    cfg = read_solver(solver(in_tmp, 'net: "net.prototxt"'))
    assert cfg.train_net.path == Path("net.prototxt") and not any("current directory" in n for _, n in cfg.notes)


def test_test_epoch_stands_in_for_test_interval(in_tmp):
    # sgdtrain's epoch units are resolved once the train set is open; reading must accept them
    cfg = read_solver(solver(in_tmp, 'net: "net.prototxt" test_iter: 5 test_epoch: 0.5'))
    assert len(cfg.test_nets) == 1 and cfg.param.test_interval == 0
    with pytest.raises(ConfigError, match="test_interval"):
        read_solver(solver(in_tmp, 'net: "net.prototxt" test_iter: 5'))
