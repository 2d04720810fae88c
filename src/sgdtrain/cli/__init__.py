"""sgdtrain's command line. Only this package imports click and rich."""

from __future__ import annotations

# Before anything imports numpy: OpenBLAS reads its settings when it loads.
from sgdtrain.blas_env import apply_default

apply_default()

import sys  # noqa: E402

import click  # noqa: E402

from sgdtrain import __version__  # noqa: E402
from sgdtrain.cli.app import STATE  # noqa: E402
from sgdtrain.cli.argv import normalize_argv  # noqa: E402
from sgdtrain.cli.commands import convert_mnist, device_query, layers, test, time_  # noqa: E402
from sgdtrain.cli.compare import compare  # noqa: E402
from sgdtrain.cli.export import export  # noqa: E402
from sgdtrain.cli.plot import plot  # noqa: E402
from sgdtrain.cli.schedule import schedule  # noqa: E402
from sgdtrain.cli.train import do_train, train, train_options  # noqa: E402


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@train_options
@click.version_option(__version__, prog_name="sgdtrain")
@click.pass_context
def cli(ctx, **kwargs):
    """Train Caffe's own solver and net prototxts with a numpy core that matches Caffe.

    \b
    Quick start:
      sgdtrain --solver configs/lenet_solver.prototxt      # same as `sgdtrain train --solver ...`
      sgdtrain test --model NET --weights W.caffemodel --iterations 100
      sgdtrain time --model NET --iterations 50
      sgdtrain convert-mnist IMAGES LABELS OUT_LMDB

    A `caffe train ...` command line runs with `caffe` replaced by `sgdtrain`.
    """
    if ctx.invoked_subcommand is None:
        if not kwargs.get("solver"):
            click.echo(ctx.get_help())
            ctx.exit(0)
        do_train(**kwargs)


for command in (train, test, time_, convert_mnist, layers, device_query, schedule, compare, plot, export):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    args = normalize_argv(list(sys.argv[1:] if argv is None else argv))
    STATE.debug = "--debug" in args
    cli.main(args=args, prog_name="sgdtrain")
