"""Errors a user can act on.

Every error sgdtrain raises on purpose is an `SgdtrainError`: the command line
prints its message as one paragraph on stderr and exits with `exit_code`,
never with a traceback (unless `--debug`). Messages name the file, line and
field where known, say which rule was broken, and end with the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Where:
    """A place in a configuration file: `file:line:column`, any part optional."""

    file: str | Path | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [str(self.file) if self.file is not None else "<inline>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        text = ":".join(parts)
        if self.field:
            text += f" (field `{self.field}`)"
        return text


class SgdtrainError(Exception):
    """Base class: a problem the user can fix. `exit_code` is the process status."""

    exit_code = 1

    def __init__(self, message: str, *, where: Where | None = None, fix: str | None = None):
        self.where = where
        self.fix = fix
        self.problem = message
        super().__init__(self.render())

    def render(self) -> str:
        text = f"{self.where}: {self.problem}" if self.where else self.problem
        if self.fix:
            text = text.rstrip() + " " + self.fix.strip()
        return text


class ConfigError(SgdtrainError):
    """A solver/net prototxt, a flag or a file it names is wrong (exit status 2)."""

    exit_code = 2


class DataError(SgdtrainError):
    """A data source cannot be read as the configuration says (exit status 2)."""

    exit_code = 2


class SnapshotError(SgdtrainError):
    """A .caffemodel/.solverstate cannot be read or does not fit the net (exit status 2)."""

    exit_code = 2


class TrainingError(SgdtrainError):
    """Training had to stop (divergence and the like; exit status 1)."""

    exit_code = 1
