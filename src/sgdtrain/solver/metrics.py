"""The metrics record: a JSON Lines file beside the snapshots (`<prefix>.metrics.jsonl`).

One object per line. Every object has `event`, `iter` and `wall` (seconds
since this process started training). The events:

* `start`: `settings` (the effective solver settings, defaults filled in),
  `solver_file`, `net` (the net's name), `resumed_from` (a .solverstate or
  null), `sgdtrain` (version).
* `display`: `lr`, `loss` (this iteration's loss, the mean over iter_size),
  `smoothed_loss` (the printed loss), `outputs` ({name: value}, or a list for
  multi-element outputs), `seconds` (the lapse Caffe prints).
* `test`: `net` (the test net's index), `outputs`, `loss` (the test loss when
  test_compute_loss, else null), `seconds` (the test's duration).
* `snapshot`: `files`.
* `finish`: `stopped_early`, `final_loss` (the extra forward's smoothed loss, or null).

A resumed run appends to the same file, starting with another `start` event.
Values are floats as sgdtrain computed them (unrounded).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from sgdtrain import __version__
from sgdtrain.config.effective import solver_settings
from sgdtrain.solver.events import Output, SolverListener


def metrics_path(snapshot_prefix: str) -> Path:
    return Path(snapshot_prefix + ".metrics.jsonl")


def _outputs(outputs: list[Output]) -> dict:
    grouped: dict[str, list[float]] = {}
    for o in outputs:
        grouped.setdefault(o.name, []).append(o.value)
    return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}


class MetricsWriter(SolverListener):
    def __init__(self, path: Path, resumed_from: str | None = None):
        self.path = Path(path)
        self.resumed_from = resumed_from
        self.started = time.perf_counter()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "a", encoding="utf-8")

    def _write(self, event: str, iter: int, **fields) -> None:
        record = {"event": event, "iter": iter, "wall": round(time.perf_counter() - self.started, 6), **fields}
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()

    def on_start(self, solver) -> None:
        self._write("start", solver.iter, settings=solver_settings(solver.param),
                    solver_file=str(solver.config.path) if solver.config.path else None,
                    net=solver.net.name, resumed_from=self.resumed_from, sgdtrain=__version__)

    def on_display(self, iter, lr, loss, smoothed, outputs, seconds) -> None:
        self._write("display", iter, lr=lr, loss=loss, smoothed_loss=smoothed, outputs=_outputs(outputs),
                    seconds=seconds)

    def on_test(self, iter, net_id, outputs, loss, seconds) -> None:
        self._write("test", iter, net=net_id, outputs=_outputs(outputs), loss=loss, seconds=seconds)

    def on_snapshot(self, iter, paths) -> None:
        self._write("snapshot", iter, files=list(paths))

    def on_finish(self, iter, stopped_early, final_loss) -> None:
        self._write("finish", iter, stopped_early=stopped_early, final_loss=final_loss)
        self.file.close()


def read_metrics(path: str | Path) -> list[dict]:
    """The records of a metrics file (lines that do not parse, e.g. a crash mid-line, are skipped)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out
