"""`sgdtrain export`: the snippet on stdout, warnings on stderr, configuration errors as one paragraph (exit 2)."""

from __future__ import annotations

import pytest
from cli_helpers import run_cli
from conftest import EXAMPLES, REPO

LENET = str(REPO / "configs" / "lenet_solver.prototxt")


@pytest.mark.parametrize("target", ["pytorch", "keras"])
def test_lenet(target):
    result = run_cli("export", "--to", target, LENET)
    assert result.code == 0, result.err
    compile(result.out, "<stdout>", "exec")
    assert '"conv1": [(1.0, 1.0), (2.0, 1.0)],' in result.out  # the net was read: LeNet's bias lr_mult 2
    lines = result.err.splitlines()
    assert lines and all(line.startswith("sgdtrain: warning: ") for line in lines)
    assert "sgdtrain: warning" not in result.out


def test_from_another_directory(in_tmp):
    # The net path is relative to the repository root; sgdtrain finds it beside the solver.
    result = run_cli("export", "--to", "pytorch", str(EXAMPLES / "examples" / "mnist" / "lenet_solver_adam.prototxt"))
    assert result.code == 0, result.err
    assert '"ip2": [(1.0, 1.0), (2.0, 1.0)],' in result.out


def test_unreadable_net_gives_one_group_and_a_warning(in_tmp):
    (in_tmp / "s.prototxt").write_text('net: "missing.prototxt"\nbase_lr: 0.1\nlr_policy: "fixed"\n')
    result = run_cli("export", "--to", "keras", "s.prototxt")
    assert result.code == 0, result.err
    assert "CAFFE_PARAM_MULTS = {\n}" in result.out and "The net was not read" in result.out
    assert "the train net was not read" in result.err and "missing.prototxt" in result.err


def test_configuration_errors_are_one_paragraph(in_tmp):
    (in_tmp / "s.prototxt").write_text('net: "n.prototxt"\nbase_lr: 0.1\nlr_policy: "exponential"\n')
    result = run_cli("export", "--to", "pytorch", "s.prototxt")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("sgdtrain: error: s.prototxt:3 (field `lr_policy`): unknown `lr_policy")
    assert len(result.err.strip().splitlines()) == 1
    missing = run_cli("export", "--to", "pytorch", "nope.prototxt")
    assert missing.code == 2 and "does not exist" in missing.err


def test_parse_errors_and_bad_target(in_tmp):
    (in_tmp / "s.prototxt").write_text("bas_lr: 0.1\n")
    result = run_cli("export", "--to", "pytorch", "s.prototxt")
    assert result.code == 2 and "unknown field `bas_lr`" in result.err and "`base_lr`" in result.err
    assert run_cli("export", "--to", "tensorflow", "s.prototxt").code == 2
    assert run_cli("export", "s.prototxt").code == 2  # --to is required


def test_listed_in_help():
    result = run_cli("--help")
    assert result.code == 0 and "export" in result.out
    assert "--to [pytorch|keras]" in run_cli("export", "--help").out
