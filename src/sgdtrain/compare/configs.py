"""Reading the files `sgdtrain compare` is given: solver prototxts (with their nets) or net prototxts.

A solver is read with `read_solver`, so its nets are found as training would
find them (relative to the current directory, then beside the solver). When
its nets cannot be read (a net file that is not there, say) the solver's own
fields are still compared and the reason is kept in `problem`: comparing a
solver written for another machine's paths is a normal thing to want.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sgdtrain.config.net import read_net_file
from sgdtrain.config.solver import _snapshot_prefix_upgrade, read_solver
from sgdtrain.config.textformat import read_text_file
from sgdtrain.config.upgrade import upgrade_solver
from sgdtrain.errors import ConfigError
from sgdtrain.proto import caffe_pb2

# A top-level field only a net prototxt has (the first thing most net files say after `name`).
_NET_FIELD = re.compile(r"^\s*(layers?|input|input_shape|input_dim)\s*[:{]", re.M)
_NET_NAMING = ("net", "train_net", "test_net")


@dataclass
class ConfigFile:
    """One file to compare. `nets` is [(label, net)]: one unlabelled net when a single net serves
    training and testing, else "train net", "test net #0", ...; None when they could not be read."""

    label: str
    kind: str  # "solver" or "net"
    param: caffe_pb2.SolverParameter | None
    nets: list[tuple[str, caffe_pb2.NetParameter]] | None
    problem: str | None = None
    notes: list[str] = field(default_factory=list)


def load_config(path: str | Path) -> ConfigFile:
    """Read `path` as a net prototxt if it has layers, else as a solver prototxt."""
    p = Path(path)
    text = _read(p)
    if _NET_FIELD.search(_strip_comments(text)):
        net, _, _ = read_net_file(p)
        return ConfigFile(str(path), "net", None, [("", net)])
    try:
        config = read_solver(p)
    except ConfigError as exc:
        param = _solver_only(p)  # re-raises when the solver itself is at fault
        return ConfigFile(str(path), "solver", param, None, _problem(exc, param, str(path)))
    param = config.param
    if param.HasField("net") or param.HasField("net_param"):
        nets = [("", config.train_net.param)]
    else:
        nets = [("train net", config.train_net.param)]
        nets += [(f"test net #{i}", t.param) for i, t in enumerate(config.test_nets)]
    return ConfigFile(str(path), "solver", param, nets)


def _read(p: Path) -> str:
    if not p.exists():
        raise ConfigError(f"'{p}' does not exist (looked in {Path.cwd()}).",
                          fix="Pass solver or net prototxt files: `sgdtrain compare A.prototxt B.prototxt`.")
    if p.is_dir():
        raise ConfigError(f"'{p}' is a directory, not a prototxt.",
                          fix="Pass solver or net prototxt files; finished runs go to `--runs`.")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"'{p}' is not a text prototxt (it is not UTF-8 text).",
                          fix="Compare solver or net prototxts, not .caffemodel/.solverstate files.") from None


def _strip_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


def _solver_only(p: Path) -> caffe_pb2.SolverParameter:
    """The solver message as read_solver makes it, without reading its nets."""
    param, _ = read_text_file(p, caffe_pb2.SolverParameter(), "solver prototxt")
    upgrade_solver(param, str(p))
    _snapshot_prefix_upgrade(param, p)  # the same effective snapshot_prefix as a full read
    return param


def _problem(exc: ConfigError, param: caffe_pb2.SolverParameter, label: str) -> str:
    """Why the nets were not compared, in one line without machine-specific search paths."""
    named = exc.where.field if exc.where else None
    if named in _NET_NAMING and ("not found" in exc.problem or "does not exist" in exc.problem):
        value = getattr(param, named)
        shown = ", ".join(f'"{v}"' for v in value) if named == "test_net" else f'"{value}"'
        return f"the {named} file {shown} of {label} was not found, so the nets were not compared"
    return f"the nets of {label} could not be read ({exc.problem.rstrip('.')}), so they were not compared"
