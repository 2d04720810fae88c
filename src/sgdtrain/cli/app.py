"""The click application: the group, shared options and the error path."""

from __future__ import annotations

import sys
import traceback

import click

from sgdtrain.errors import SgdtrainError


class State:
    debug = False


STATE = State()


def fail(message: str, code: int = 2) -> None:
    """Print one paragraph to stderr and exit (the only way commands end in error)."""
    click.echo(f"sgdtrain: error: {message}", err=True)
    sys.exit(code)


def run_guarded(fn, *args, **kwargs):
    """Run a command body; user-facing errors become one paragraph and an exit status."""
    try:
        return fn(*args, **kwargs)
    except SgdtrainError as exc:
        if STATE.debug:
            traceback.print_exc()
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted.", 130)


debug_option = click.option("--debug", is_flag=True, help="Show a Python traceback with errors.")
log_format_option = click.option(
    "--log-format",
    type=click.Choice(["glog", "plain"]),
    default="glog",
    show_default=True,
    help="glog: Caffe's line prefix (I1121 07:28:00.123456  4242 solver.cpp:239]), which Caffe's log parsers "
    "need; plain: messages only.",
)
level_option = click.option("--level", type=int, default=0, show_default=True,
                             help="Net state level (Caffe's --level).")
stage_option = click.option(
    "--stage", default="", help="Comma-separated net state stages (Caffe's --stage)."
)
