"""Resolving the paths a configuration names, the way Caffe does plus one fallback.

Caffe resolves every relative path (net files, data sources, mean files,
weights) against the current working directory. sgdtrain does the same; when a
relative path does not exist there but does beside the solver file (or in one
of the solver file's parent directories, for paths written relative to a
project root as Caffe's examples are), it uses that one and says so in the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sgdtrain.errors import ConfigError, Where


@dataclass
class PathResolver:
    """Resolves relative paths: the current directory first, then `anchors` in order."""

    anchors: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cwd: Path | None = None

    @classmethod
    def beside(cls, config_file: Path | None) -> PathResolver:
        """A resolver whose fallbacks are `config_file`'s directory and its parents."""
        anchors: list[Path] = []
        if config_file is not None:
            folder = config_file.resolve().parent
            anchors = [folder, *folder.parents]
        return cls(anchors=anchors)

    def candidates(self, path: str | Path) -> list[Path]:
        p = Path(path)
        if p.is_absolute():
            return [p]
        cwd = self.cwd or Path.cwd()
        seen: list[Path] = [cwd / p]
        for anchor in self.anchors:
            c = anchor / p
            if c not in seen:
                seen.append(c)
        return seen

    def resolve(self, path: str | Path, what: str, where: Where | None = None) -> Path:
        """The existing file or directory `path` names, or ConfigError listing where it looked."""
        p = Path(path)
        if p.is_absolute():
            if p.exists():
                return p
            raise ConfigError(
                f"the {what} '{path}' does not exist.",
                where=where,
                fix="Correct the path.",
            )
        tried = self.candidates(p)
        if tried[0].exists():
            return p  # Caffe's own resolution: relative to the current directory
        for c in tried[1:]:
            if c.exists():
                self.notes.append(
                    f"Using {c} for the {what} '{path}': it is not in the current directory "
                    f"{tried[0].parent}, but it is beside the configuration."
                )
                return c
        looked = ", ".join(str(c) for c in tried[:4]) + (", ..." if len(tried) > 4 else "")
        raise ConfigError(
            f"the {what} '{path}' was not found; looked in {looked}.",
            where=where,
            fix="Caffe resolves relative paths against the current directory: run from the "
            "directory the paths are relative to, or correct the path.",
        )

    def take_notes(self) -> list[str]:
        out, self.notes = self.notes, []
        return out
