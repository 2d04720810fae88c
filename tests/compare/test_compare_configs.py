"""Reading the files to compare: solvers with their nets, nets alone, and nets that cannot be found."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, REPO

from sgdtrain.compare.configs import load_config
from sgdtrain.compare.pairs import compare_all
from sgdtrain.errors import ConfigError

LENET_SOLVER = REPO / "configs" / "lenet_solver.prototxt"


def test_a_solver_and_its_net():
    f = load_config(LENET_SOLVER)
    assert f.kind == "solver" and f.problem is None
    assert [(label, net.name) for label, net in f.nets] == [("", "LeNet")]


def test_a_solver_with_separate_train_and_test_nets(tmp_path):
    net = (REPO / "configs" / "lenet_train_test.prototxt").read_text()
    (tmp_path / "t.prototxt").write_text(net)
    (tmp_path / "s.prototxt").write_text('train_net: "t.prototxt" test_net: "t.prototxt" test_iter: 1 '
                                         'test_interval: 5 base_lr: 0.1 lr_policy: "fixed"')
    assert [label for label, _ in load_config(tmp_path / "s.prototxt").nets] == ["train net", "test net #0"]


def test_a_net_prototxt_is_recognised_by_its_layers():
    f = load_config(EXAMPLES / "examples" / "mnist" / "lenet.prototxt")
    assert f.kind == "net" and f.param is None and f.nets[0][1].name == "LeNet"


def test_a_missing_net_file_is_noted_not_fatal(tmp_path):
    (tmp_path / "s.prototxt").write_text('net: "nowhere/net.prototxt" base_lr: 0.1 lr_policy: "fixed"')
    f = load_config(tmp_path / "s.prototxt")
    assert f.nets is None and f.param.base_lr == pytest.approx(0.1)
    label = str(tmp_path / "s.prototxt")
    assert f.problem == f'the net file "nowhere/net.prototxt" of {label} was not found, so the nets were not compared'


def test_a_broken_solver_is_an_error(tmp_path):
    (tmp_path / "s.prototxt").write_text('net: "x" bas_lr: 0.1')
    with pytest.raises(ConfigError, match="Did you mean `base_lr`"):
        load_config(tmp_path / "s.prototxt")
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.prototxt")
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)


def test_solvers_and_nets_do_not_mix():
    with pytest.raises(ConfigError, match="cannot compare solver prototxts with net prototxts"):
        compare_all([load_config(LENET_SOLVER), load_config(EXAMPLES / "examples" / "mnist" / "lenet.prototxt")])


def test_three_files_are_each_compared_with_the_first():
    files = [load_config(p) for p in (LENET_SOLVER, LENET_SOLVER, EXAMPLES / "examples/mnist/lenet_solver.prototxt")]
    pairs, schedules = compare_all(files)
    assert [p.differ for p in pairs] == [False, True]
    assert pairs[1].parting is None  # the same schedule (inv), different paths
    assert set(schedules.rates) == {str(LENET_SOLVER), str(EXAMPLES / "examples/mnist/lenet_solver.prototxt")}
