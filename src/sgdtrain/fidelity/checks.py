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


def early_width(run: ReferenceRun) -> int:
    return EARLY_ADAPTIVE if run.adaptive else EARLY_SGD


def determinate_until(mine: Replay, replicas: list[Replay], first: int, width: int) -> int:
    """The first iteration at which a replica (starting weights perturbed by ~1e-6, the scale
    of float32 summation-order differences, or max-pooling near-ties settled the other way,
    fidelity/ties.py) departs from `mine` by more than 1e-5: from there on, which side of a
    near-tie (a ReLU input or two max-pool candidates within rounding) a run takes is not
    decided by its arithmetic, so no implementation can be held to 1e-5."""
    for i in range(first, first + width + 1):
        if any(i in r.losses and rel(r.losses[i], mine.losses[i]) > 1e-5 for r in replicas):
            return i
    return first + width + 1


def early_window(mine: Replay, caffe: ParsedLog, run: ReferenceRun, until: int | None = None) -> Check:
    """tolerances.md check 4: the loss at every early iteration within 1e-5 (up to `until`)."""
    caffe_loss = caffe.train_loss()
    first = min(caffe_loss)
    last = first + early_width(run)
    if until is not None:
        last = min(last, until - 1)
    iters = [i for i in range(first, last + 1) if i in caffe_loss]
    diffs = [rel(mine.losses[i], caffe_loss[i]) for i in iters]
    worst = int(np.argmax(diffs)) if diffs else 0
    note = f"worst at iteration {iters[worst]}" if diffs else "no iterations"
    if until is not None and last < first + early_width(run):
        note += f"; replicas depart from iteration {until}"
    return Check(f"early loss {first}..{last} max rel", max(diffs, default=float("inf")), 1e-5, note)


def median_limit(run: ReferenceRun) -> float:
    return 8e-3 if run.adaptive else 5e-3


def loss_screen(mine: Replay, caffe: ParsedLog, run: ReferenceRun) -> list[Check]:
    caffe_loss = caffe.train_loss()
    pairs = [(mine.losses[i], caffe_loss[i]) for i in sorted(caffe_loss) if i in mine.losses]
    if caffe.final and mine.final:
        pairs.append((mine.final[1], caffe.final[1]))
    diffs = np.array([rel(a, b) for a, b in pairs])
    return [
        Check("loss median rel gap", float(np.median(diffs)), median_limit(run), f"{len(pairs)} lines"),
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


def clip_window(mine: Replay, caffe: ParsedLog, run: ReferenceRun, until: int | None = None) -> Check:
    """The gradient norms Caffe logs when it clips, over the early window (like check 4)."""
    from sgdtrain.logparse import parse_log

    ours = parse_log(mine.log).clipping
    first = min(caffe.clipping)
    last = first + early_width(run) if until is None else min(first + early_width(run), until - 1)
    iters = [i for i in range(first, last + 1) if i in caffe.clipping]
    diffs = [rel(ours[i][0], caffe.clipping[i][0]) if i in ours else float("inf") for i in iters]
    return Check(f"clipping L2 norm {first}..{last} max rel", max(diffs, default=float("inf")), 1e-5)


def median_gap(a: dict[int, float], b: dict[int, float]) -> float:
    return float(np.median([rel(a[i], b[i]) for i in b if i in a]))


def ensemble_screen(mine: Replay, caffe: ParsedLog, replicas: list[Replay]) -> list[Check]:
    """For runs whose own replicas (starting weights perturbed by ~1e-6) already differ from each
    other by more than the coarse screen allows, so that no implementation could meet it: Caffe's
    run must look like one more replica. Its median loss gap to sgdtrain may be at most twice the
    largest replica's, and each test output must lie within three standard deviations of the
    ensemble's mean (sgdtrain's run and its replicas; at least 0.005 for accuracy and 3% for loss)."""
    caffe_loss = caffe.train_loss()
    spread = max(median_gap(r.losses, mine.losses) for r in replicas)
    out = [Check("loss median gap vs replicas' (chaotic run)", median_gap(mine.losses, caffe_loss), 2 * spread,
                 f"replicas' largest gap {spread:.3g}")]
    for row in caffe.tests[1:]:
        for name, value in row.outputs.items():
            values = [r.tests[(row.iter, row.net)][name] for r in [mine, *replicas] if (row.iter, row.net) in r.tests]
            centre, sigma = float(np.mean(values)), float(np.std(values, ddof=1))
            floor = 0.005 if name == "accuracy" else 0.03 * abs(centre)
            out.append(Check(f"test {name} at {row.iter} off the ensemble's mean", abs(value - centre),
                             max(3 * sigma, floor), f"ensemble {min(values):.4g}..{max(values):.4g}"))
    return out


def all_checks(run: ReferenceRun, mine: Replay, caffe: ParsedLog, reference: Path,
               replicas: list[Replay] | None = None, full_replicas: list[Replay] | None = None) -> list[Check]:
    """Every check for one run. `replicas`: short perturbed replays bounding the early window;
    `full_replicas`: whole perturbed runs, for the ensemble screen of a chaotic run."""
    until = None
    if replicas:
        until = determinate_until(mine, replicas, min(caffe.train_loss()), early_width(run))
    checks = lr_checks(mine, caffe) + [early_window(mine, caffe, run, until)]
    if caffe.clipping:
        checks.append(clip_window(mine, caffe, run, until))
    if full_replicas:
        checks += ensemble_screen(mine, caffe, full_replicas)
    else:
        checks += loss_screen(mine, caffe, run)
    checks += [c for c in test_checks(mine, caffe) if not full_replicas or c.name.startswith(
        (f"test accuracy at {caffe.tests[0].iter} ", f"test loss at {caffe.tests[0].iter} "))]
    if run.weights:
        checks.append(weight_check(mine, reference / run.weights, run))
    return checks
