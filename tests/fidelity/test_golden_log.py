"""Golden log: sgdtrain prints Caffe's lines, in Caffe's order and format, and
Caffe's own tools/extra/parse_log.py reads the same columns from both logs."""

from __future__ import annotations

import re

import pytest
from caffe_parse_log import parse_log
from conftest import REFERENCE
from fidelity_helpers import DATA

from sgdtrain.fidelity.replay import prepare

GLOG = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} [ \d]{4}\d \S+:\d+\] ")
CAFFE_GLOG = re.compile(r"^[IWEF]\d{8} \d\d:\d\d:\d\d\.\d{6} +\d+ \S+:\d+\] ")
NUMBER = re.compile(r"(?<=[ =(])[-+]?\d+\.?\d*(?:e[-+]?\d+)?(?= |$|s/| iter| loss|\))")


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """`sgdtrain train` run exactly as Caffe was: the same solver file and --weights."""
    from contextlib import chdir

    from cli_helpers import run_cli

    work = tmp_path_factory.mktemp("golden")
    prepare(REFERENCE, DATA, work)
    with chdir(work):
        r = run_cli("train", f"--solver={REFERENCE / 'lenet_solver_traj_sgd_inv.prototxt'}",
                    f"--weights={REFERENCE / 'lenet_iter_0.caffemodel'}", "--no-progress")
    assert r.code == 0, r.err[-2000:]
    return r.err.splitlines(), (REFERENCE / "logs" / "traj_sgd_inv.log").read_text().splitlines()


def training_part(lines: list[str], prefix: re.Pattern) -> list[tuple[str, str]]:
    """(source tag, message) from `Solving` to the end, minus the prefetch thread's notes."""
    out = []
    started = False
    for line in lines:
        m = prefix.match(line)
        if not m:
            continue
        tag = line[: m.end()].split()[-1]
        message = line[m.end():]
        started = started or message.startswith("Solving ")
        if started and "Restarting data prefetching" not in message:
            out.append((tag, message))
    return out


def masked(message: str) -> str:
    message = re.sub(r"\(\S+ iter/s, \S+s/(\d+) iters\)", r"(# iter/s, #s/\1 iters)", message)
    if ", lr = " in message or "Testing net" in message or "Snapshotting" in message:
        return message  # iteration numbers and learning rates must match exactly
    return re.sub(r"= \S+", "= #", message)


def test_every_line_after_solving_has_caffes_text_and_source_tag(logs):
    mine, caffe = logs
    prefixed = [line for line in mine if re.match(r"^[IWEF]\d", line)]
    assert prefixed and all(GLOG.match(line) for line in prefixed)
    ours = [(t, masked(m)) for t, m in training_part(mine, GLOG)]
    theirs = [(t, masked(m)) for t, m in training_part(caffe, CAFFE_GLOG)]
    assert ours == theirs


def test_caffes_parse_log_reads_the_same_columns(logs):
    mine, caffe = logs
    caffe_classic = [re.sub(r"^([IWEF])\d{4}(\d{4}) ", r"\1\2 ", line) for line in caffe]
    my_train, my_test = parse_log(mine)
    caffe_train, caffe_test = parse_log(caffe_classic)
    assert len(my_train) == len(caffe_train) == 200 and len(my_test) == len(caffe_test) == 3
    for mine_rows, caffe_rows in ((my_train, caffe_train), (my_test, caffe_test)):
        for a, b in zip(mine_rows, caffe_rows):
            assert list(a) == list(b)  # same columns, same order
            assert a["NumIters"] == b["NumIters"]
            assert a["LearningRate"] == b["LearningRate"]  # identical printed text
            for name in list(a)[3:]:
                assert a[name] == pytest.approx(b[name], rel=0.1)


def test_parse_log_sh_fields(logs):
    """parse_log.sh takes whitespace field 11 of the test output lines and field 9 of the lr lines."""
    mine, _ = logs
    test_lines = [line for line in mine if "Test net output #0" in line]
    lr_lines = [line for line in mine if ", lr = " in line]
    assert float(test_lines[0].split()[10]) == pytest.approx(0.1085, abs=1e-4)
    assert lr_lines[0].split()[8] == "0.01"
