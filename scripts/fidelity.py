"""`make fidelity`: sgdtrain against every reference run of real Caffe, as a table.

For each run in tests/data/caffe-lenet-fashion (see its README), sgdtrain runs
the same solver prototxt from Caffe's initial weights on the same data, and the
table shows the largest differences from Caffe's log and files, with the
tolerances of tolerances.md (sgdtrain/fidelity/checks.py). Then the single-update
checks from Caffe's saved states. Usage: python scripts/fidelity.py [RUN ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from sgdtrain.fidelity.evaluate import evaluate  # noqa: E402
from sgdtrain.fidelity.runs import BY_NAME, RUNS  # noqa: E402
from sgdtrain.fidelity.steps import one_update, reanchored_window  # noqa: E402
from sgdtrain.logparse import read_log  # noqa: E402

REFERENCE = REPO / "tests" / "data" / "caffe-lenet-fashion"
DATA = REPO / "data" / "fashion-mnist"


def worst(checks, prefix):
    found = [c for c in checks if c.name.startswith(prefix)]
    if not found:
        return "-", True
    c = max(found, key=lambda c: c.value / c.limit if c.limit else c.value)
    return f"{c.value:.2g}", all(x.passed for x in found)


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        print("usage: python scripts/fidelity.py [RUN ...]", file=sys.stderr)
        print(f"unknown run(s): {', '.join(unknown)}; the runs are: {', '.join(r.name for r in RUNS)}",
              file=sys.stderr)
        return 2
    runs = [BY_NAME[n] for n in names] if names else RUNS
    columns = [("lr text", "lr lines"), ("lr rel", "lr max"), ("early loss", "early loss"),
               ("clip norm", "clipping"), ("loss median", "loss median"), ("loss max", "loss max"),
               ("test acc", "test accuracy"), ("test loss", "test loss"), ("weights", "final weights")]
    header = f"{'run':<22}" + "".join(f"{h:>12}" for h, _ in columns) + "   verdict"
    print(header)
    print("-" * len(header))
    failed = 0
    for run in runs:
        started = time.time()
        report = evaluate(run, REFERENCE, DATA, Path(tempfile.mkdtemp(prefix="fidelity-")))
        cells = []
        for _, prefix in columns:
            text, ok = worst(report.checks, prefix)
            cells.append(text + ("" if ok else "!"))
        if run.fails:
            verdict = "rejected, as by Caffe" if report.passed else "NOT rejected"
        else:
            verdict = ("ok" if report.passed else "FAIL") + (" (chaotic: ensemble screen)" if report.chaotic else "")
        failed += not report.passed
        early = [c for c in report.checks if c.name.startswith("early loss")]
        window = early[0].name.split()[2] if early else ""
        print(f"{run.name:<22}" + "".join(f"{c:>12}" for c in cells) + f"   {verdict} [{window}, "
              f"{time.time() - started:.0f}s]")
    print("\n'!' marks a value over its tolerance; 'early loss' covers the iterations shown in brackets.")
    if not names:
        print("\nOne update from Caffe's saved states (tolerances.md check 1; median limit 3e-5):")
        steps = one_update(REFERENCE, DATA, Path(tempfile.mkdtemp()))
        for s in steps:
            print(f"  {s.folder:>9} {s.start:>3} -> {s.start + 1:<3} weights {s.weights:.2g}  history {s.history:.2g}")
        print(f"  median: weights {np.median([s.weights for s in steps]):.2g}, "
              f"history {np.median([s.history for s in steps]):.2g}")
        losses = reanchored_window(REFERENCE, DATA, Path(tempfile.mkdtemp()))
        caffe = read_log(REFERENCE / "logs" / "traj_sgd_inv.log").train_loss()
        gap = max(abs(v - caffe[i]) / caffe[i] for i, v in losses.items())
        print(f"\nFrom Caffe's iteration-100 snapshot, losses 100..107 (check 5; limit 1e-5): max rel {gap:.2g}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
