"""The terminal progress display (rich), shown only when stderr is a terminal.

Log lines are printed above the live bar through rich's console, so the bar
never ends up in redirected output: without a terminal this module is not used
at all and the log goes to stderr as plain text.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sgdtrain.log import fmt_float
from sgdtrain.solver.events import SolverListener


class ConsoleStream:
    """A text stream that prints through a rich Console (above a live display)."""

    def __init__(self, console: Console):
        self.console = console
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            self.console.out(line, highlight=False)
        return len(text)

    def flush(self) -> None:
        pass


class RichProgress(SolverListener):
    def __init__(self, console: Console, max_iter: int):
        self.progress = Progress(
            TextColumn("[bold]iter"),
            MofNCompleteColumn(),
            BarColumn(),
            TextColumn("{task.fields[rate]} it/s"),
            TimeRemainingColumn(),
            TextColumn("loss {task.fields[loss]}  lr {task.fields[lr]}  test {task.fields[test]}"),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("train", total=max_iter, rate="-", loss="-", lr="-", test="-")
        self._last = None

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    def on_start(self, solver) -> None:
        self.progress.update(self.task, completed=solver.iter)

    def on_iteration(self, iter: int, lr: float, smoothed: float) -> None:
        speed = self.progress.tasks[0].speed
        self.progress.update(self.task, completed=iter, lr=fmt_float(lr), loss=fmt_float(smoothed),
                             rate=f"{speed:.1f}" if speed else "-")

    def on_test(self, iter, net_id, outputs, loss, seconds) -> None:
        acc = [o for o in outputs if "acc" in o.name]
        shown = acc[0] if acc else (outputs[0] if outputs else None)
        if shown is not None:
            self.progress.update(self.task, test=f"{shown.name} {fmt_float(shown.value)}")
