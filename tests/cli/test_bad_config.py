"""Bad configuration: one clear paragraph on stderr, exit status 2, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import run_cli
from conftest import REPO

NET = (REPO / "configs" / "lenet_train_test.prototxt").read_text().replace(
    'source: "data/', f'source: "{REPO}/data/')

GOOD = """net: "net.prototxt"
test_iter: 2
test_interval: 10
base_lr: 0.01
momentum: 0.9
lr_policy: "inv"
gamma: 0.0001
power: 0.75
max_iter: 0
snapshot_after_train: false
"""


def setup(tmp: Path, solver: str = GOOD, net: str = NET) -> str:
    (tmp / "net.prototxt").write_text(net)
    (tmp / "solver.prototxt").write_text(solver)
    return "solver.prototxt"


def fails(*args: str, match: str) -> str:
    r = run_cli("train", *args)
    assert r.code == 2, (r.code, r.err)
    assert "Traceback" not in r.err
    message = r.err.strip().splitlines()[-1]
    assert message.startswith("sgdtrain: error: ")
    assert re.search(match, message), message
    return message


def test_syntax_error_names_file_line_column_and_what_was_expected(in_tmp):
    setup(in_tmp, GOOD.replace("momentum: 0.9", "momentum 0.9"))
    fails("--solver", "solver.prototxt", match=r"solver\.prototxt:5:10: .*Expected \":\"")


def test_unknown_field_names_the_closest_valid_ones(in_tmp):
    setup(in_tmp, GOOD.replace("base_lr", "bas_lr"))
    fails("--solver", "solver.prototxt", match=r"solver\.prototxt:4:1: unknown field `bas_lr` .*Did you mean `base_lr`")


def test_unknown_field_in_the_net_file(in_tmp):
    setup(in_tmp, net=NET.replace("num_output: 20", "num_outputs: 20"))
    fails("--solver", "solver.prototxt",
          match=r"net\.prototxt:\d+:\d+: unknown field `num_outputs` in ConvolutionParameter.*`num_output`")


def test_unknown_lr_policy_lists_the_known_ones(in_tmp):
    setup(in_tmp, GOOD.replace('"inv"', '"invv"'))
    msg = fails("--solver", "solver.prototxt", match=r"lr_policy")
    for policy in ("fixed", "step", "exp", "inv", "multistep", "poly", "sigmoid"):
        assert policy in msg


def test_unknown_solver_type_lists_the_known_ones(in_tmp):
    setup(in_tmp, GOOD + 'type: "Adamm"\n')
    msg = fails("--solver", "solver.prototxt", match=r"Adamm")
    for t in ("AdaDelta", "AdaGrad", "Adam", "Nesterov", "RMSProp", "SGD"):
        assert t in msg


def test_unknown_layer_type_lists_the_known_ones(in_tmp):
    setup(in_tmp, net=NET.replace('type: "ReLU"', 'type: "Relu"'))
    msg = fails("--solver", "solver.prototxt", match=r"unknown type 'Relu'.*Did you mean 'ReLU'")
    assert "Convolution" in msg and "SoftmaxWithLoss" in msg


def test_missing_net_file_names_the_path_and_where_it_looked(in_tmp):
    setup(in_tmp, GOOD.replace("net.prototxt", "nets/missing.prototxt"))
    fails("--solver", "solver.prototxt",
          match=r"solver\.prototxt:1 \(field `net`\): the net file .*'nets/missing\.prototxt' was not found; "
                r"looked in .*nets/missing\.prototxt")


def test_missing_data_source_names_the_path_and_where_it_looked(in_tmp):
    setup(in_tmp, net=NET.replace(f"{REPO}/data/fashion-mnist/train-first16000", "nowhere/train"))
    fails("--solver", "solver.prototxt", match=r"net\.prototxt:\d+ .*data source 'nowhere/train.*' was not found; "
                                                r"looked in")


def test_missing_weights_file(in_tmp):
    setup(in_tmp)
    fails("--solver", "solver.prototxt", "--weights", "nope.caffemodel", match=r"'nope\.caffemodel' does not exist")


def test_missing_solver_file(in_tmp):
    fails("--solver", "absent.prototxt", match=r"'absent\.prototxt' does not exist")


@pytest.mark.parametrize(
    "change,match",
    [
        ('lr_policy: "step"\nstepsize: 0\n', r"stepsize"),
        ('lr_policy: "step"\nstepsize: 100\ngamma: -0.5\n', r"gamma"),
        ('lr_policy: "sigmoid"\nstepsize: 100\ngamma: -0.05\n', r"gamma.*sigmoid|sigmoid.*gamma"),
        ('type: "AdaGrad"\n', r"momentum.*AdaGrad|AdaGrad.*momentum"),
        ('type: "RMSProp"\n', r"momentum.*RMSProp|RMSProp.*momentum"),
        ("average_loss: 0\n", r"average_loss"),
    ],
)
def test_values_caffe_rejects_name_the_field_and_the_rule(in_tmp, change, match):
    body = GOOD
    if "lr_policy" in change:
        body = "\n".join(line for line in body.splitlines() if not line.startswith(("lr_policy", "gamma")))
    setup(in_tmp, body + "\n" + change)
    fails("--solver", "solver.prototxt", match=match)


def test_test_nets_without_test_interval(in_tmp):
    setup(in_tmp, GOOD.replace("test_interval: 10\n", ""))
    fails("--solver", "solver.prototxt", match=r"test_interval")


def test_python_layers_are_refused(in_tmp):
    net = NET + 'layer { name: "py" type: "Python" bottom: "ip2" top: "py" python_param { module: "evil" layer: "X" } }'
    setup(in_tmp, net=net)
    fails("--solver", "solver.prototxt", match=r"Python layer .*never executes code named by a configuration")


def test_weights_and_snapshot_together(in_tmp):
    setup(in_tmp)
    fails("--solver", "solver.prototxt", "--weights", "a", "--snapshot", "b", match="not both")


def test_debug_shows_the_traceback(in_tmp):
    setup(in_tmp, GOOD.replace("base_lr", "bas_lr"))
    r = run_cli("train", "--solver", "solver.prototxt", "--debug")
    assert r.code == 2 and "Traceback" in r.err
