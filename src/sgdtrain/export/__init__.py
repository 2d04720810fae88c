"""`sgdtrain export`: a Caffe solver as optimizer and learning-rate code for another framework.

    export_solver(param, "pytorch" | "keras", net=None, source="") -> Export(code, warnings)

Pure functions of the SolverParameter (and, for lr_mult/decay_mult parameter
groups, a NetInfo read from the train net: `netinfo.load_solver`). The code
is a ready-to-paste Python snippet with comments; the warnings, one
paragraph each, say where the framework cannot do exactly what Caffe does.
Unsupported settings raise ConfigError (exit status 2).
"""

from __future__ import annotations

from collections.abc import Callable

from sgdtrain.errors import Where
from sgdtrain.export.common import Export, check_exportable
from sgdtrain.export.keras import export_keras
from sgdtrain.export.netinfo import LoadedSolver, NetInfo, load_solver, net_info
from sgdtrain.export.pytorch import export_pytorch
from sgdtrain.proto import caffe_pb2

TARGETS: dict[str, Callable[..., Export]] = {"pytorch": export_pytorch, "keras": export_keras}


def _field(name: str) -> Where:
    return Where(field=name)


def export_solver(param: caffe_pb2.SolverParameter, target: str, net: NetInfo | None = None, source: str = "",
                  where: Callable[[str], Where] = _field) -> Export:
    """Check `param` and export it for `target` ("pytorch" or "keras")."""
    if target not in TARGETS:
        raise ValueError(f"unknown export target {target!r} (known: {', '.join(TARGETS)})")
    check_exportable(param, where)
    return TARGETS[target](param, net, source)


__all__ = ["TARGETS", "Export", "LoadedSolver", "NetInfo", "export_solver", "load_solver", "net_info"]
