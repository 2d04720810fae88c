"""Replaying Caffe's reference runs for the fidelity tests."""

from __future__ import annotations

from pathlib import Path

from conftest import REFERENCE, REPO

from sgdtrain.fidelity.checks import Check, all_checks
from sgdtrain.fidelity.replay import Replay, replay
from sgdtrain.fidelity.runs import BY_NAME
from sgdtrain.logparse import read_log

DATA = REPO / "data" / "fashion-mnist"


def run_and_check(name: str, work: Path, **kwargs) -> tuple[Replay, list[Check]]:
    run = BY_NAME[name]
    mine = replay(run, REFERENCE, DATA, work, **kwargs)
    return mine, all_checks(run, mine, read_log(REFERENCE / run.log), REFERENCE)


def failures(checks: list[Check]) -> list[str]:
    return [str(c) for c in checks if not c.passed]
