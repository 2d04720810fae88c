"""Drawing reports on the terminal with rich: coloured charts, diff lines and tables.

The text itself comes from sgdtrain.report (pure, golden-tested); this module
only adds colour where the output is a terminal. Off a terminal rich writes
plain text at a fixed width, so piped and captured output is deterministic.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sgdtrain.report import textplot
from sgdtrain.report.series import Panel

PALETTE = ["cyan", "magenta", "green", "yellow", "blue", "red", "bright_white", "bright_black"]
PLAIN_WIDTH = 100  # the width of tables when the output is not a terminal


def make_console(stderr: bool = False) -> Console:
    options = {"stderr": stderr, "soft_wrap": True, "highlight": False, "emoji": False, "markup": False}
    console = Console(**options)
    if not console.is_terminal:
        console = Console(width=PLAIN_WIDTH, **options)
    return console


def print_chart(console: Console, panel: Panel, width: int, height: int) -> None:
    chart = textplot.render(panel.series, width, height, panel.logy, title=panel.title, xlabel=panel.xlabel,
                            ylabel=panel.ylabel, xlim=panel.xlim)
    for line, owners in zip(chart.lines, chart.owners):
        text = Text(line)
        start = 0
        for i in range(1, len(owners) + 1):  # one style per run of characters of the same curve
            if i == len(owners) or owners[i] != owners[start]:
                owner = owners[start]
                if owner is not None and owner >= 0:
                    s = chart.series[owner]
                    colour = PALETTE[(s.color or 0) % len(PALETTE)]
                    text.stylize(f"dim {colour}" if s.faint else colour, start, i)
                start = i
        console.print(text)


_LINE_STYLE = {"+": "green", "-": "red", "!": "yellow"}


def print_diff(console: Console, lines: list[str]) -> None:
    for line in lines:
        style = _LINE_STYLE.get(line[:1], "") if line[1:2] == " " else ""
        if line.startswith("lr schedules part"):
            style = "bold"
        console.print(Text(line, style=style))


def print_table(console: Console, header: list[str], rows: list[list[str]], title: str = "") -> None:
    table = Table(box=box.SIMPLE, title=title or None, show_edge=False, pad_edge=False)
    table.add_column(header[0], style="bold", no_wrap=True)
    for name in header[1:]:
        table.add_column(name, justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    console.print(table)
