"""The comparisons of ../shared/spec/tolerances.md, as data a test or a report reads.

Each check returns a `Check` with the largest (or median) difference found and
the limit it must stay under. Values recorded by sgdtrain are unrounded;
Caffe's are as its log prints them (6 significant digits).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sgdtrain.blobproto import blob_from_proto
from sgdtrain.fidelity.replay import Replay
from sgdtrain.fidelity.runs import ReferenceRun
from sgdtrain.log import fmt_float
from sgdtrain.logparse import ParsedLog
from sgdtrain.weights import read_caffemodel

EARLY_SGD, EARLY_ADAPTIVE = 20, 10


@dataclass
class Check:
    name: str
    value: float
    limit: float
    detail: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.value <= self.limit)

    def __str__(self) -> str:
        mark = "ok" if self.passed else "FAIL"
        return f"{self.name}: {self.value:.3g} <= {self.limit:.3g} {mark} {self.detail}".rstrip()


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-12)


def lr_checks(mine: Replay, caffe: ParsedLog) -> list[Check]:
    iters = sorted(caffe.lr_text)
    missing = [i for i in iters if i not in mine.lr]
    text_diff = [i for i in iters if i in mine.lr and fmt_float(mine.lr[i]) != caffe.lr_text[i]]
    worst = max((rel(mine.lr[i], caffe.lr[i]) for i in iters if i in mine.lr), default=0.0)
    return [
        Check("lr lines with different text", float(len(text_diff) + len(missing)), 0.0,
              f"first at iteration {(text_diff + missing)[0]}" if text_diff or missing else f"{len(iters)} lines"),
        Check("lr max rel diff", worst, 1e-5),
    ]


def early_window(mine: Replay, caffe: ParsedLog, run: ReferenceRun) -> Check:
    caffe_loss = caffe.train_loss()
    first = min(caffe_loss)
    width = EARLY_ADAPTIVE if run.adaptive else EARLY_SGD
    iters = [i for i in range(first, first + width + 1) if i in caffe_loss]
    diffs = [rel(mine.losses[i], caffe_loss[i]) for i in iters]
    worst = int(np.argmax(diffs)) if diffs else 0
    return Check(f"early loss {first}..{first + width} max rel", max(diffs, default=float("inf")), 1e-5,
                 f"worst at iteration {iters[worst]}" if diffs else "no iterations")


def loss_screen(mine: Replay, caffe: ParsedLog, run: ReferenceRun) -> list[Check]:
    caffe_loss = caffe.train_loss()
    pairs = [(mine.losses[i], caffe_loss[i]) for i in sorted(caffe_loss) if i in mine.losses]
    if caffe.final and mine.final:
        pairs.append((mine.final[1], caffe.final[1]))
    diffs = np.array([rel(a, b) for a, b in pairs])
    median_limit = 8e-3 if run.adaptive else 5e-3
    return [
        Check("loss median rel gap", float(np.median(diffs)), median_limit, f"{len(pairs)} lines"),
        Check("loss max rel gap", float(diffs.max()), 0.1),
    ]


def test_checks(mine: Replay, caffe: ParsedLog) -> list[Check]:
    out: list[Check] = []
    for row in caffe.tests:
        got = mine.tests.get((row.iter, row.net))
        if got is None:
            out.append(Check(f"test at {row.iter} present", 1.0, 0.0, "sgdtrain did not test there"))
            continue
        # The first test sees Caffe's own weights (lenet_iter_0, or the restored snapshot): exact.
        exact = row.iter == caffe.tests[0].iter
        acc_limit = 1e-4 + 1e-9 if exact else 0.005  # exact: within one test image
        loss_limit = 1e-5 if exact else 0.03
        if "accuracy" in row.outputs:
            out.append(Check(f"test accuracy at {row.iter} abs diff", abs(got["accuracy"] - row.outputs["accuracy"]),
                             acc_limit))
        if "loss" in row.outputs:
            out.append(Check(f"test loss at {row.iter} rel diff", rel(got["loss"], row.outputs["loss"]), loss_limit))
    return out


def caffemodel_arrays(path: Path) -> list[np.ndarray]:
    net = read_caffemodel(path)
    return [blob_from_proto(b) for layer in net.layer for b in layer.blobs]


def weight_check(mine: Replay, caffe_weights: Path, run: ReferenceRun) -> Check:
    theirs = caffemodel_arrays(caffe_weights)
    num = np.sqrt(sum(float(np.sum((a.astype(np.float64) - b) ** 2)) for a, b in zip(mine.weights, theirs)))
    den = np.sqrt(sum(float(np.sum(b.astype(np.float64) ** 2)) for b in theirs))
    return Check("final weights ||dW||/||W||", num / den, 0.25 if run.adaptive else 2.5e-2)


def all_checks(run: ReferenceRun, mine: Replay, caffe: ParsedLog, reference: Path) -> list[Check]:
    checks = lr_checks(mine, caffe) + [early_window(mine, caffe, run)] + loss_screen(mine, caffe, run)
    checks += test_checks(mine, caffe)
    if run.weights:
        checks.append(weight_check(mine, reference / run.weights, run))
    return checks
