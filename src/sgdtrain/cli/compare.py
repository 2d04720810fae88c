"""`sgdtrain compare`: what differs between configurations, and how their runs compare."""

from __future__ import annotations

import json
import sys

import click

from sgdtrain.cli.app import STATE, debug_option, run_guarded
from sgdtrain.cli.render import make_console, print_chart, print_diff, print_table
from sgdtrain.errors import ConfigError


@click.command("compare")
@click.argument("files", nargs=-1, metavar="A B [C ...]")
@click.option("--runs", "as_runs", is_flag=True,
              help="The arguments are finished runs to overlay: sgdtrain metrics records (.metrics.jsonl, or a "
              "snapshot directory holding one) or Caffe training logs.")
@click.option("--train", "train", type=click.IntRange(min=1), metavar="N",
              help="Also train each solver for N iterations (same data and seed, snapshots in a temporary "
              "directory) and overlay the loss and test curves.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="J",
              help="Runs of --train at once (default: one per core, at most one per configuration).")
@click.option("--workdir", metavar="DIR", help="Keep --train's solver copies, logs, records and snapshots here.")
@click.option("--fail-if-worse", "fail_if_worse", multiple=True, metavar="[max:|min:]METRIC:TOL",
              help="Exit 1 when a later run's final METRIC is worse than the first run's by more than TOL "
              "(higher is better for accuracy-like names, lower otherwise; repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as one JSON document.")
@click.option("--markdown", is_flag=True, help="Print the differences and the summary table as Markdown.")
@click.option("--png", metavar="FILE", help="Also draw the charts into a PNG (needs matplotlib).")
@click.option("--no-plot", is_flag=True, help="Do not draw charts in the terminal.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing; only the exit status tells.")
@click.option("--width", type=click.IntRange(20, 400), default=72, show_default=True, help="Chart width.")
@click.option("--height", type=click.IntRange(4, 100), default=14, show_default=True, help="Chart height.")
@debug_option
def compare(files, as_runs, train, jobs, workdir, fail_if_worse, as_json, markdown, png, no_plot, quiet, width,
            height, debug):
    """Compare solver (or net) prototxts: the effective settings and the nets, layer by layer.

    \b
      sgdtrain compare A.prototxt B.prototxt            # what differs; exit 1 if anything does
      sgdtrain compare A B --train 200                  # and train both briefly, overlay the curves
      sgdtrain compare --runs snapshots/a/ caffe.log    # overlay finished runs
      sgdtrain compare A B --train 500 --fail-if-worse accuracy:0.01

    Solver fields are compared with Caffe's defaults filled in; layers are
    matched by name. Only differences are printed, and nothing when the files
    mean the same (exit status 0; 1 when they differ). With more than two
    files each is compared against the first. With --fail-if-worse the exit
    status is the checks' verdict instead.
    """
    STATE.debug = STATE.debug or debug
    sys.exit(run_guarded(_compare, files, as_runs, train, jobs, workdir, fail_if_worse, as_json, markdown, png,
                         no_plot, quiet, width, height))


def _compare(files, as_runs, train, jobs, workdir, fail_if_worse, as_json, markdown, png, no_plot, quiet, width,
             height) -> int:
    from sgdtrain.compare.report import build
    from sgdtrain.report import png as png_out
    from sgdtrain.report.checks import parse_threshold

    if as_json and markdown:
        raise ConfigError("--json and --markdown both choose the output format; give one of them.")
    thresholds = [parse_threshold(t) for t in fail_if_worse]
    if png:
        png_out.require()  # before any training, not after it
    err = make_console(stderr=True)
    say = (lambda _: None) if quiet or as_json else (lambda text: err.print(text))
    report = build(list(files), runs=as_runs, train=train, jobs=jobs, workdir=workdir, thresholds=thresholds,
                   say=say)
    if png:  # written with --quiet too: it was asked for by name
        figure = _panels(report, raw=True)  # a PNG has the room for each display's loss under the mean
        if not figure:
            raise ConfigError("--png: there is nothing to draw (the schedules do not part and there are no runs).")
        png_out.save_panels(png, figure, title="sgdtrain compare")
        say(f"wrote {png}")
    if quiet:
        return report.status
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    elif markdown:
        click.echo("\n".join(report.markdown()))
    else:
        _print(report, [] if no_plot else _panels(report, raw=False), width, height)
    return report.status


def _panels(report, raw: bool) -> list:
    """The schedules (when they part) and the runs' loss and test curves."""
    from sgdtrain.report.charts import panels, schedule_panel

    out = []
    if report.schedules and any(p.parting for p in report.pairs):
        out.append(schedule_panel(report.schedule_rates()))
    if report.runs:
        out += panels(report.runs, ["loss", "test"], raw=raw)
    return out


def _print(report, panels, width, height) -> None:
    from sgdtrain.report.tables import summary_rows

    console = make_console()
    printed = False

    def gap() -> None:  # a blank line between blocks, none before the first
        if printed:
            console.print()

    several = len(report.pairs) > 1
    for p in report.pairs:
        if p.differ:
            if several:
                gap()
                console.print(f"== {p.b} against {p.a}", style="bold")
            print_diff(console, p.lines())
            printed = True
    for panel in panels:
        gap()
        print_chart(console, panel, width, height)
        printed = True
    if report.summaries:
        gap()
        print_table(console, *summary_rows(report.summaries))
    for c in report.checks:
        console.print(c.describe(), style="bold red" if c.failed else "green")
