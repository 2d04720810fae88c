"""The metrics record beside the snapshots."""

from __future__ import annotations

import re
from contextlib import chdir

from cli_helpers import run_cli
from solver_helpers import SOLVERS, write_config

from sgdtrain.log import fmt_float
from sgdtrain.solver.metrics import read_metrics


def test_metrics_record_has_start_display_test_snapshot_finish(tmp_path):
    write_config(tmp_path, SOLVERS["SGD"])
    with chdir(tmp_path):
        r = run_cli("train", "--solver", "solver.prototxt", "--no-progress")
    assert r.code == 0
    records = read_metrics(tmp_path / "snaps" / "small.metrics.jsonl")
    events = [rec["event"] for rec in records]
    assert events[0] == "start" and events[-1] == "finish"
    start = records[0]
    assert start["settings"]["type"] == "SGD" and start["settings"]["momentum"] == 0.8999999761581421
    assert start["settings"]["clip_gradients"] == -1.0 and start["settings"]["regularization_type"] == "L2"
    displays = [rec for rec in records if rec["event"] == "display"]
    assert [d["iter"] for d in displays] == list(range(16))
    assert displays[0]["lr"] == 0.009999999776482582 and set(displays[0]["outputs"]) == {"loss"}
    tests = [rec for rec in records if rec["event"] == "test"]
    assert [t["iter"] for t in tests] == [0, 4, 8, 12, 16] and set(tests[0]["outputs"]) == {"accuracy", "loss"}
    assert [s["iter"] for s in records if s["event"] == "snapshot"] == [8, 16]
    assert records[-1]["stopped_early"] is False and records[-1]["final_loss"] is not None
    # the smoothed loss is what the log printed
    printed = re.search(r"Iteration 5 \(.*\), loss = (\S+)", r.err).group(1)
    assert printed == fmt_float(displays[5]["smoothed_loss"])


def test_no_metrics_flag(tmp_path):
    write_config(tmp_path, SOLVERS["SGD"])
    with chdir(tmp_path):
        assert run_cli("train", "--solver", "solver.prototxt", "--no-progress", "--no-metrics").code == 0
    assert not (tmp_path / "snaps" / "small.metrics.jsonl").exists()
