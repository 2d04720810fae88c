"""`sgdtrain export --to pytorch|keras SOLVER.prototxt`: the solver as another framework's code."""

from __future__ import annotations

import click

from sgdtrain.cli.app import STATE, debug_option, run_guarded


@click.command("export")
@click.option("--to", "target", required=True, type=click.Choice(["pytorch", "keras"]),
              help="The framework to write optimizer and learning-rate code for.")
@click.argument("solver", metavar="SOLVER.prototxt", type=click.Path(dir_okay=False))
@debug_option
def export(target, solver, debug):
    """Print the optimizer and learning-rate schedule code equivalent to a Caffe solver.

    \b
      sgdtrain export --to pytorch configs/lenet_solver.prototxt > optim.py
      sgdtrain export --to keras   configs/lenet_solver.prototxt

    The snippet (stdout) sets up the optimizer, Caffe's lr_mult/decay_mult parameter groups (from the
    solver's net, when it can be read), the exact learning-rate schedule and one training iteration in
    Caffe's order. Warnings about where the framework differs from Caffe go to stderr.
    """
    STATE.debug = STATE.debug or debug
    run_guarded(_export, target, solver)


def _export(target: str, solver: str) -> None:
    from sgdtrain.export import export_solver, load_solver

    loaded = load_solver(solver)
    result = export_solver(loaded.param, target, loaded.net, source=str(loaded.path), where=loaded.where)
    click.echo(result.code, nl=False)
    for warning in loaded.notes + result.warnings:
        click.echo(f"sgdtrain: warning: {warning}", err=True)
