"""`sgdtrain plot`: learning curves of runs, in the terminal and as a PNG."""

from __future__ import annotations

import click

from sgdtrain.cli.app import STATE, debug_option, run_guarded
from sgdtrain.cli.render import make_console, print_chart


@click.command("plot")
@click.argument("runs", nargs=-1, required=True, metavar="LOG|DIR ...")
@click.option("--what", default="loss,lr,test", show_default=True,
              help="The charts, comma-separated: loss (train loss, raw and smoothed), lr, test (each test output).")
@click.option("--png", metavar="FILE", help="Also write the charts into this PNG (needs matplotlib: "
              "pip install 'sgdtrain[plot]').")
@click.option("--smooth", type=click.IntRange(min=0), default=0, metavar="K",
              help="Smooth the train loss over the last K displays (default 0: about a twentieth of the run).")
@click.option("--width", type=click.IntRange(20, 400), default=72, show_default=True, help="Chart width.")
@click.option("--height", type=click.IntRange(4, 100), default=14, show_default=True, help="Chart height.")
@click.option("--no-plot", is_flag=True, help="Draw nothing in the terminal (with --png).")
@debug_option
def plot(runs, what, png, smooth, width, height, no_plot, debug):
    """Draw learning curves from sgdtrain metrics records or Caffe logs.

    \b
      sgdtrain plot snapshots/lenet/                 # the run whose record is in that directory
      sgdtrain plot caffe_train.log --what loss,test
      sgdtrain plot a.metrics.jsonl b.log --png curves.png

    A run is a .metrics.jsonl record (written by `sgdtrain train`), a
    directory holding one, or a training log of Caffe or sgdtrain (with glog's
    prefix or plain). Caffe's plot_training_log.py charts (test accuracy and
    loss, train loss and learning rate against iterations) are all here.
    """
    STATE.debug = STATE.debug or debug
    run_guarded(_plot, runs, what, png, smooth, width, height, no_plot)


def _plot(runs, what, png, smooth, width, height, no_plot) -> None:
    from sgdtrain.report import png as png_out
    from sgdtrain.report.charts import panels, parse_what
    from sgdtrain.report.runs import load_runs

    charts = parse_what(what)
    if png:
        png_out.require()
    loaded = load_runs(list(runs))
    if not no_plot:
        console = make_console()
        # In the terminal the raw loss of several runs would bury their smoothed curves.
        for i, panel in enumerate(panels(loaded, charts, raw=len(loaded) == 1, window=smooth)):
            if i:
                console.print()
            print_chart(console, panel, width, height)
    if png:
        title = loaded[0].name if len(loaded) == 1 else " vs ".join(r.name for r in loaded)
        png_out.save_panels(png, panels(loaded, charts, raw=True, window=smooth), title=title)
        make_console(stderr=True).print(f"wrote {png}")
