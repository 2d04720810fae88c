"""One `sgdtrain compare` invocation's findings, and its exit status, independent of how they are shown.

    report = build(["a.prototxt", "b.prototxt"], train=200, thresholds=[parse_threshold("accuracy:0.01")])
    report.status      # 1: the configurations differ / a run is worse than allowed; 0 otherwise
    report.as_dict()   # the --json document

The exit status follows `diff` when configurations are compared (0 the same,
1 different), and the checks when `--fail-if-worse` is given (0 all within
tolerance, 1 one is worse): a CI job comparing a changed configuration against
its baseline wants the verdict on the results, not on the (intended) change.

The --json document (`schema` 1); every key is always present:

* `files`: the arguments, as given.
* `comparisons`: one per file after the first: `a`, `b` (the files), `differ`,
  `settings` and `nets` (lists of `{field, a, b}`, with `scope` such as
  `"layer ip1"` for net fields, or `{scope, layer, type, change}` for an added
  or removed layer), `notes` (what could not be compared), `lr_parting`
  (`{iteration, a, b}` or null) and `lines` (the text output).
* `runs`: one per run: `name`, `source`, `kind` ("sgdtrain" or "caffe-log"),
  `iterations`, `wall_seconds` (or null), and `final`, `final_iter`, `best`,
  `best_iter`, `delta` (final minus the first run's; null for the first run),
  each `{metric: value or null}`.
* `metrics`: `{metric: "max" or "min"}` (which way is better).
* `checks`: one per --fail-if-worse and later run: `metric`, `direction`,
  `tolerance`, `run`, `baseline`, `value`, `worse_by` (null when a value is
  NaN), `failed`.
* `status`: the exit status.

NaN and infinite values are written as null.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sgdtrain.compare.configs import load_config
from sgdtrain.compare.pairs import PairResult, Schedules, compare_all
from sgdtrain.compare.trial import prepare, run_trials, seed_of
from sgdtrain.errors import ConfigError
from sgdtrain.report.checks import CheckResult, Threshold, evaluate
from sgdtrain.report.runs import Run, load_run, load_runs, unique_names
from sgdtrain.report.summary import RunSummary, direction, summarize
from sgdtrain.report.tables import markdown, summary_rows

SCHEMA = 1  # bumped when the --json document changes incompatibly


@dataclass
class CompareReport:
    files: list[str]
    pairs: list[PairResult] = field(default_factory=list)
    schedules: Schedules | None = None
    runs: list[Run] = field(default_factory=list)
    summaries: list[RunSummary] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)

    @property
    def status(self) -> int:
        if self.thresholds:
            return int(any(c.failed for c in self.checks))
        return int(any(p.differ for p in self.pairs))

    def as_dict(self) -> dict:
        """The --json document: every key always present (empty lists where not asked for)."""
        metrics = list(self.summaries[0].stats) if self.summaries else []
        return _finite({
            "schema": SCHEMA,
            "files": self.files,
            "comparisons": [p.as_dict() for p in self.pairs],
            "runs": [s.as_dict() for s in self.summaries],
            "metrics": {m: direction(m) for m in metrics},
            "checks": [c.as_dict() for c in self.checks],
            "status": self.status,
        })

    def schedule_rates(self) -> dict[str, list]:
        """Each solver's rates under a short name (its file's stem), for charts."""
        if not self.schedules:
            return {}
        labels = [k for k, v in self.schedules.rates.items() if v is not None]
        names = unique_names([Path(k).stem for k in labels], [Path(k).parent.name for k in labels])
        return {n: self.schedules.rates[k] for n, k in zip(names, labels)}

    def markdown(self) -> list[str]:
        """The differences in fenced blocks, the summary as a table, the checks as a list."""
        out: list[str] = []
        for p in self.pairs:
            if p.differ:
                out += [f"### `{p.b}` against `{p.a}`", "", "```text", *p.lines(), "```", ""]
        if self.summaries:
            out += ["### Runs", "", *markdown(*summary_rows(self.summaries)), ""]
        if self.checks:
            out += [f"- {'**FAIL**' if c.failed else 'ok'}: {c.detail()}" for c in self.checks]
            out.append("")
        return out[:-1] if out and out[-1] == "" else out


def build(files: list[str], *, runs: bool = False, train: int | None = None, jobs: int | None = None,
          workdir: str | None = None, thresholds: list[Threshold] | None = None,
          say: Callable[[str], None] = lambda _: None) -> CompareReport:
    """Compare configuration files (training them for `train` iterations if asked), or finished runs."""
    report = CompareReport(list(files), thresholds=list(thresholds or []))
    if runs:
        if train:
            raise ConfigError("--train runs configurations, --runs reads finished runs: use one or the other.")
        report.runs = load_runs(files)
    else:
        if len(files) < 2:
            raise ConfigError(f"compare needs at least two files; got {len(files)}.",
                              fix="`sgdtrain compare A.prototxt B.prototxt`, or `sgdtrain compare --runs RUN ...` "
                              "for finished runs.")
        configs = [load_config(f) for f in files]
        report.pairs, report.schedules = compare_all(configs)
        if train:
            nets = [c.label for c in configs if c.kind != "solver"]
            if nets:
                raise ConfigError(f"--train needs solver prototxts; {', '.join(nets)} is a net prototxt.",
                                  fix="Pass the solvers that name these nets.")
            report.runs = train_runs(files, train, jobs, workdir, say)
    if report.thresholds and not report.runs:
        raise ConfigError("--fail-if-worse judges the results of runs, and there are none.",
                          fix="Add `--train N` to run the configurations, or compare finished runs with `--runs`.")
    report.summaries = summarize(report.runs) if report.runs else []
    report.checks = evaluate(report.summaries, report.thresholds)
    return report


def train_runs(solvers: list[str], iterations: int, jobs: int | None, workdir: str | None,
               say: Callable[[str], None]) -> list[Run]:
    """Train each solver for `iterations` iterations (same seed) and read the runs back."""
    names = unique_names([Path(s).stem for s in solvers], [Path(s).resolve().parent.name for s in solvers])
    names = [n.replace("/", "_") for n in names]  # a name is also a folder
    seed = seed_of(solvers[0])
    keep = contextlib.nullcontext(workdir) if workdir else tempfile.TemporaryDirectory(prefix="sgdtrain-compare-")
    with keep as where:
        folder = Path(where)
        trials = [prepare(s, n, iterations, folder, seed) for s, n in zip(solvers, names)]
        say(f"training {len(trials)} configurations for {iterations} iterations with random_seed {seed}, "
            f"in {folder}")
        run_trials(trials, jobs, say)
        runs = [load_run(t.metrics) for t in trials]
    for run, solver in zip(runs, solvers):
        run.source = solver  # the temporary copy is gone; the configuration is what was compared
    return runs


def _finite(value):
    """NaN and infinities become null: JSON has no spelling for them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
