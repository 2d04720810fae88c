"""`sgdtrain schedule`: a solver's learning rate over the run, before any compute is spent.

Reads the solver (and its nets, for lr_mult and for epoch units) but builds
no net and reads no data, except to count the train set's records when the
solver gives epochs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
import numpy as np

from sgdtrain.cli.app import STATE, debug_option, run_guarded
from sgdtrain.errors import ConfigError, Where


def parse_iters(text: str | None, max_iter: int) -> tuple[int, int]:
    """`A:B`, `A:`, `:B` or `B` -> (start, end) with 0 <= start < end."""
    if not text:
        return 0, max_iter
    try:
        if ":" in text:
            a, b = text.split(":", 1)
            start, end = int(a) if a else 0, int(b) if b else max_iter
        else:
            start, end = 0, int(text)
    except ValueError:
        raise ConfigError(f"--iters '{text}' is not a range of iterations.",
                          fix="Write A:B (e.g. --iters 0:5000), A: or :B.") from None
    if not 0 <= start < end:
        raise ConfigError(f"--iters '{text}' is empty or negative ({start} to {end}).",
                          fix="Give 0 <= A < B.")
    return start, end


def _train_set_size(config) -> tuple[float, str]:
    """Iterations per epoch from the train net's first Data layer (counting its records, reading none)."""
    from sgdtrain.data.sources import open_source
    from sgdtrain.errors import DataError

    net = config.train_net.filtered()
    for layer in net.layer:
        if layer.type == "Data" and layer.data_param.source and layer.data_param.batch_size > 0:
            where = config.train_net.layer_where(layer.name, "data_param", "source")
            path = config.resolver.resolve(layer.data_param.source, "data source", where)
            try:
                records = len(open_source(Path(path)))
            except DataError as exc:
                raise DataError(exc.problem, where=where, fix=exc.fix) from None
            batch, iter_size = layer.data_param.batch_size, config.param.iter_size
            return records / (batch * iter_size), f"{records} records / ({batch} x iter_size {iter_size})"
    raise ConfigError(
        "the solver gives epochs (max_epoch, ...) but its train net has no Data layer whose records can be counted.",
        where=config.where("max_epoch"),
        fix="Pass --iters-per-epoch N, or give the counts in iterations (max_iter, ...).",
    )


@click.command("schedule")
@click.option("--solver", "solver_path", required=True, metavar="SOLVER.prototxt", help="The solver prototxt.")
@click.option("--iters", metavar="A:B", help="Show iterations A to B (default 0:max_iter).")
@click.option("--params", is_flag=True, help="Add each parameter blob's effective rate (lr x lr_mult).")
@click.option("--png", "png_path", metavar="FILE.png", help="Also draw the schedule to a PNG (needs the [plot] extra).")
@click.option("--csv", "csv_path", metavar="FILE.csv", help="Write the rate at every iteration shown to a CSV.")
@click.option("--iters-per-epoch", type=float, help="For epoch units: iterations per epoch, instead of counting "
              "the train set's records.")
@click.option("--rows", type=int, default=20, show_default=True, help="Table rows at display iterations "
              "(every k-th display, so at most this many; 0: every display). Step boundaries are always shown.")
@click.option("--width", type=int, default=72, show_default=True, help="Text plot width in characters.")
@click.option("--height", type=int, default=14, show_default=True, help="Text plot height in lines.")
@click.option("--log-y/--linear-y", "log_y", default=None, help="y axis scale (default: log when the rate spans "
              "a factor of 20 or more).")
@debug_option
def schedule(solver_path, iters, params, png_path, csv_path, iters_per_epoch, rows, width, height, log_y, debug):
    """The learning rate over a run: a text plot, a table at key iterations
    (0, every display, step boundaries, max_iter) and summary figures.
    No net is built and no data is read."""
    STATE.debug = STATE.debug or debug
    run_guarded(_schedule, solver_path, iters, params, png_path, csv_path, iters_per_epoch, rows, width, height, log_y)


def _schedule(solver_path, iters, params, png_path, csv_path, iters_per_epoch, rows, width, height, log_y):
    from sgdtrain.config.learnable import declared_params
    from sgdtrain.config.solver import read_solver
    from sgdtrain.report import schedule_view as view
    from sgdtrain.report.series import wants_log
    from sgdtrain.report.textplot import plot
    from sgdtrain.schedules.curve import compute, key_iterations, summarize
    from sgdtrain.solver.workflow import convert_epochs, uses_epochs

    if png_path:
        from sgdtrain.report.png import require

        require()  # before any output: a missing matplotlib is a clear error, not a half-done command
    config = read_solver(solver_path)
    param = config.param
    out = click.echo
    if uses_epochs(param):
        if iters_per_epoch is not None:
            if iters_per_epoch <= 0:
                raise ConfigError("--iters-per-epoch must be positive.", fix="Pass e.g. --iters-per-epoch 1000.")
            per_epoch, how = iters_per_epoch, "--iters-per-epoch"
        else:
            per_epoch, how = _train_set_size(config)
        for message in convert_epochs(param, per_epoch, how):
            out(message)
    if param.max_iter <= 0 and not iters:
        raise ConfigError("max_iter is 0, so the run has no updates to show.", where=Where(config.source,
                          config.locator.line_of("max_iter"), "max_iter"), fix="Set max_iter, or pass --iters A:B.")
    start, end = parse_iters(iters, param.max_iter)
    curve = compute(param, start, end)
    groups = view.mult_groups(declared_params(config.train_net.filtered())) if params else []

    for line in view.header(param, config.source):
        out(line)
    out("")
    xs = curve.iters.tolist()
    ys = curve.rates.astype(np.float64).tolist()
    logy = wants_log([("lr", xs, ys)]) if log_y is None else log_y
    keep = _plot_points(curve, width)
    for line in plot([("lr", [xs[k] for k in keep], [ys[k] for k in keep])], width=width, height=height, logy=logy,
                     xlabel="iteration", ylabel="lr" + (" (log scale)" if logy else ""), legend=False):
        out(line)
    out("")
    for line in view.table(param, curve, key_iterations(param, curve, rows), groups):
        out(line)
    out("")
    for line in view.summary_lines(param, curve, summarize(param, curve)):
        out(line)
    if csv_path:
        _write_csv(Path(csv_path), curve, groups)
        out(f"wrote {csv_path} ({len(curve.iters)} rows)")
    if png_path:
        from sgdtrain.report.png import save_lines
        from sgdtrain.report.series import Series

        title = f"{Path(config.source).name}: lr_policy \"{param.lr_policy}\""
        series = [Series("lr", xs, ys)] + [Series(g.column, xs, (curve.rates * np.float32(g.lr_mult)).tolist())
                                           for g in groups if g.lr_mult != 1]
        save_lines(Path(png_path), series, title=title, ylabel="learning rate", logy=logy)
        out(f"wrote {png_path}")


def _plot_points(curve, width: int) -> list[int]:
    """Indices to draw: all of a short run; of a long one, a few per character cell plus both sides of each jump."""
    n = len(curve.iters)
    budget = width * 8
    if n <= budget:
        return list(range(n))
    first = int(curve.iters[0])
    keep = set(np.linspace(0, n - 1, budget).round().astype(int).tolist())
    for b in curve.boundaries:
        keep.update(k for k in (b - first - 1, b - first) if 0 <= k < n)
    return sorted(keep)


def _write_csv(path: Path, curve, groups) -> None:
    """iter, lr and one column per lr_mult group; values as float32 read back exactly (repr of the double)."""
    from sgdtrain.atomic import write_bytes_atomic

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["iter", "lr", *[g.column.replace(" ", "") for g in groups]])
    for i, rate in zip(curve.iters.tolist(), curve.rates):
        writer.writerow([i, repr(float(rate)), *[repr(float(rate * np.float32(g.lr_mult))) for g in groups]])
    write_bytes_atomic(path, buf.getvalue().encode())
