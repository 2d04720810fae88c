"""`sgdtrain schedule`: the table, the summary, CSV/PNG output, epoch units and errors."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest
from cli_helpers import run_cli
from conftest import EXAMPLES, REPO
from solver_helpers import SMALL_NET

from sgdtrain.config.solver import read_solver
from sgdtrain.schedules.rate import learning_rate

LENET = str(REPO / "configs" / "lenet_solver.prototxt")
MULTISTEP = str(EXAMPLES / "examples" / "mnist" / "lenet_multistep_solver.prototxt")
GOLDEN = REPO / "tests" / "cli" / "golden"

ROW = re.compile(r"^\s*(\d+)  (\S+)")


def table_rows(out: str) -> dict[int, str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("iter  lr"))
    rows = {}
    for line in lines[start + 1:]:
        m = ROW.match(line)
        if not m:
            break
        rows[int(m.group(1))] = line
    return rows


def rate_text(solver: str, i: int) -> str:
    param = read_solver(solver).param
    step = 0
    for k in range(i + 1):
        rate, step, _ = learning_rate(param, k, step)
    return f"{float(rate):g}"


def test_lenet_table_rates_are_caffes_log_values():
    r = run_cli("schedule", "--solver", LENET)
    assert r.code == 0, r.err
    rows = table_rows(r.out)
    assert list(rows)[:3] == [0, 500, 1000] and list(rows)[-1] == 10000
    for i, line in rows.items():
        assert ROW.match(line).group(2) == rate_text(LENET, i)
    assert rows[10000].endswith("max_iter (no update)")
    # Caffe's own log of this schedule (reference run `inv`) prints these lrs:
    assert ROW.match(rows[500]).group(2) == "0.00964069"


def test_multistep_rows_mark_each_step():
    r = run_cli("schedule", "--solver", MULTISTEP)
    assert r.code == 0, r.err
    rows = table_rows(r.out)
    notes = {i: line.split("  ")[-1].strip() for i, line in rows.items() if "step" in line}
    assert notes == {5000: "step 1 begins", 7000: "step 2 begins", 8000: "step 3 begins", 9000: "step 4 begins",
                     9500: "step 5 begins"}
    assert "0.0059049" in rows[9500]


def test_iters_range_starts_the_table_there():
    r = run_cli("schedule", "--solver", MULTISTEP, "--iters", "6000:8000", "--rows", "4")
    assert r.code == 0, r.err
    rows = table_rows(r.out)
    assert list(rows) == [6000, 6500, 7000, 7500, 8000]
    assert "0.0081" in rows[7000] and "updates 6000..7999 (2000)" in r.out


def test_params_adds_one_column_per_lr_mult():
    r = run_cli("schedule", "--solver", LENET, "--params")
    assert r.code == 0, r.err
    assert "lr x 2: conv1.bias, conv2.bias, ip1.bias, ip2.bias" in r.out
    assert "lr x 1: conv1.weights, conv2.weights, ip1.weights, ip2.weights" in r.out
    assert re.search(r"^    0  0\.01\s+0\.02\s+0\.01\s*$", r.out, re.M)


def test_csv_has_every_iteration_as_float32(tmp_path):
    out = tmp_path / "lr.csv"
    r = run_cli("schedule", "--solver", MULTISTEP, "--csv", str(out), "--params")
    assert r.code == 0, r.err
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["iter", "lr", "lrx2", "lrx1"]
    assert len(rows) == 10002
    param = read_solver(MULTISTEP).param
    step = 0
    for i in range(10001):
        rate, step, _ = learning_rate(param, i, step)
        assert np.float32(float(rows[i + 1][1])) == rate
        assert np.float32(float(rows[i + 1][2])) == np.float32(rate * np.float32(2))


def test_summary_figures(tmp_path):
    solver = tmp_path / "s.prototxt"
    solver.write_text('net: "n.prototxt" base_lr: 0.1 lr_policy: "step" gamma: 0.5 stepsize: 3 max_iter: 13 '
                      "display: 2 momentum: 0.9\n")
    (tmp_path / "n.prototxt").write_text(SMALL_NET)
    r = run_cli("schedule", "--solver", str(solver))
    assert r.code == 0, r.err
    assert "updates 0..12 (13): mean lr 0.04375, area under the schedule 0.56875" in r.out
    assert "updates at <= 10% of base_lr (<= 0.01): 1 (7.7%)" in r.out
    assert "momentum 0.9, constant over the run" in r.out


def test_golden_output(tmp_path):
    """Every character of a small schedule's output: header, text plot, table, summary."""
    solver = tmp_path / "step.prototxt"
    solver.write_text('net: "n.prototxt" type: "Nesterov" base_lr: 0.05 lr_policy: "step" gamma: 0.3 stepsize: 400 '
                      "max_iter: 1500 display: 100 momentum: 0.9 warmup_iter: 100 warmup_start_factor: 0.2\n")
    (tmp_path / "n.prototxt").write_text(SMALL_NET)
    r = run_cli("schedule", "--solver", str(solver), "--width", "60", "--height", "10")
    assert r.code == 0, r.err
    text = r.out.replace(str(solver), "step.prototxt")
    assert text == (GOLDEN / "schedule_step_warmup.txt").read_text()


def test_epoch_units_count_the_train_set(tmp_path):
    solver = tmp_path / "s.prototxt"
    solver.write_text('net: "n.prototxt" base_lr: 0.01 lr_policy: "step" gamma: 0.1 stepsize_epoch: 0.5 '
                      "max_epoch: 2 display: 100\n")
    (tmp_path / "n.prototxt").write_text(SMALL_NET)
    r = run_cli("schedule", "--solver", str(solver))
    assert r.code == 0, r.err
    assert ("max_epoch 2 = max_iter 2000 (16000 records / (16 x iter_size 1) = 1000 iterations per epoch)"
            in r.out)
    assert "stepsize_epoch 0.5 = stepsize 500" in r.out
    assert "step 3 begins" in table_rows(r.out)[1500]
    r = run_cli("schedule", "--solver", str(solver), "--iters-per-epoch", "10")
    assert "max_epoch 2 = max_iter 20 (--iters-per-epoch = 10 iterations per epoch)" in r.out


@pytest.mark.parametrize("iters", ["a:b", "5:5", "-3:"])
def test_bad_iters_is_one_paragraph(iters):
    r = run_cli("schedule", "--solver", LENET, "--iters", iters)
    assert r.code == 2
    assert r.err.startswith("sgdtrain: error: --iters") and "Traceback" not in r.err


def test_missing_solver_is_one_paragraph():
    r = run_cli("schedule", "--solver", "no/such/solver.prototxt")
    assert r.code == 2 and "does not exist" in r.err and "Traceback" not in r.err


def test_png_is_drawn(tmp_path):
    pytest.importorskip("matplotlib")
    from png_helpers import assert_real_png

    out = tmp_path / "lr.png"
    r = run_cli("schedule", "--solver", MULTISTEP, "--params", "--png", str(out))
    assert r.code == 0, r.err
    assert_real_png(out)
