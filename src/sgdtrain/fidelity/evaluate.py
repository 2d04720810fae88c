"""One reference run, replayed and judged: the data behind the fidelity tests and `make fidelity`."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sgdtrain.errors import ConfigError
from sgdtrain.fidelity.checks import Check, all_checks, early_width, loss_screen, median_gap, median_limit
from sgdtrain.fidelity.replay import Replay, replay
from sgdtrain.fidelity.runs import ReferenceRun
from sgdtrain.logparse import read_log

REPLICAS = 4
REPLICA_EPS = 1e-6  # relative perturbation of the starting weights: float32 summation-order differences
TIE_GAP = 1e-6  # max-pooling near-ties closer than this (relative) go the other way in one more replica


@dataclass
class RunReport:
    run: ReferenceRun
    checks: list[Check] = field(default_factory=list)
    chaotic: bool = False
    rejected: str | None = None  # the message, for a configuration Caffe rejects
    replay: Replay | None = None

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


def evaluate(run: ReferenceRun, reference: Path, data: Path, work: Path | None = None) -> RunReport:
    work = work or Path(tempfile.mkdtemp(prefix=f"fidelity-{run.name}-"))
    report = RunReport(run)
    if run.fails:
        try:
            replay(run, reference, data, work / "main")
        except ConfigError as exc:
            report.rejected = str(exc)
            report.checks.append(Check("configuration rejected (0 = yes)", 0.0, 0.0, exc.problem))
        else:
            report.checks.append(Check("configuration rejected (0 = yes)", 1.0, 0.0, "sgdtrain accepted it"))
        return report
    caffe = read_log(reference / run.log)
    mine = replay(run, reference, data, work / "main")
    report.replay = mine
    short = [replay(run, reference, data, work / f"r{k}", iterations=early_width(run) + 1, with_tests=False,
                    perturb=(k, REPLICA_EPS)) for k in range(REPLICAS)]
    short.append(replay(run, reference, data, work / "rt", iterations=early_width(run) + 1, with_tests=False,
                        flip_ties=TIE_GAP))
    full = None
    if not all(c.passed for c in loss_screen(mine, caffe, run)):
        # The coarse screen failed: is the run itself chaotic (its own replicas part as much)?
        full = [replay(run, reference, data, work / f"f{k}", perturb=(k, REPLICA_EPS)) for k in range(REPLICAS)]
        full.append(replay(run, reference, data, work / "ft", flip_ties=TIE_GAP))
        limit = median_limit(run)
        report.chaotic = max(median_gap(r.losses, mine.losses) for r in full) > limit
        if not report.chaotic:
            full = None
    report.checks = all_checks(run, mine, caffe, reference, short, full)
    return report

