"""Differences between two solvers' settings: the effective values, and where their nets come from.

The settings are `config.effective.solver_settings` (every field in force,
Caffe's defaults filled in), so `momentum` left out reads as 0 and
`lr_policy: "inv"` against a file that omits `power` shows `power: 0.75 -> 1`.
The fields that name nets (`net`, `train_net`, `test_net`, inline nets,
`train_state`/`test_state`, `weights`) are reported as written; the nets
themselves are compared layer by layer in nets.py.
"""

from __future__ import annotations

from typing import Any

from sgdtrain.compare.fields import Difference, diff_messages, plain, same, text, value_change
from sgdtrain.config.effective import solver_settings
from sgdtrain.proto import caffe_pb2

_FIELDS = caffe_pb2.SolverParameter.DESCRIPTOR.fields_by_name
NET_SOURCES = ("net", "train_net", "test_net", "weights")
INLINE_NETS = ("net_param", "train_net_param", "test_net_param")
NET_STATES = ("train_state", "test_state")


def _plain_settings(param: caffe_pb2.SolverParameter) -> dict[str, Any]:
    out = {}
    for name, value in solver_settings(param).items():
        f = _FIELDS[name]
        out[name] = [plain(f, v) for v in value] if isinstance(value, list) else plain(f, value)
    return out


def diff_settings(a: caffe_pb2.SolverParameter, b: caffe_pb2.SolverParameter) -> list[Difference]:
    """Net sources first, then every differing effective setting, in the schema's field order."""
    out = diff_net_sources(a, b)
    sa, sb = _plain_settings(a), _plain_settings(b)
    for name in sa:
        if not same(sa[name], sb[name]):
            out.append(value_change(name, _FIELDS[name], sa[name], sb[name]))
    return out


def _source(param: caffe_pb2.SolverParameter, name: str) -> Any:
    f = _FIELDS[name]
    if f.is_repeated:
        return list(getattr(param, name))
    return getattr(param, name) if param.HasField(name) else None


def diff_net_sources(a: caffe_pb2.SolverParameter, b: caffe_pb2.SolverParameter) -> list[Difference]:
    """`net: "x.prototxt" -> "y.prototxt"` and the like, as the files write them (absent: `(none)`)."""
    out = []
    for name in NET_SOURCES:
        va, vb = _source(a, name), _source(b, name)
        if not same(va, vb):
            out.append(_source_change(name, va, vb))
    for name in INLINE_NETS:
        ha = len(getattr(a, name)) if _FIELDS[name].is_repeated else int(a.HasField(name))
        hb = len(getattr(b, name)) if _FIELDS[name].is_repeated else int(b.HasField(name))
        if ha != hb:  # their contents are compared as nets
            out.append(Difference(f"{name}: {_count(ha)} -> {_count(hb)}", {"field": name, "a": ha, "b": hb}))
    for path, f, va, vb in diff_messages(a, b, skip=frozenset(f.name for f in a.DESCRIPTOR.fields
                                                              if f.name not in NET_STATES)):
        out.append(value_change(path, f, va, vb))
    return out


def _source_change(name: str, va: Any, vb: Any) -> Difference:
    def show(v: Any) -> str:  # a side that does not set the field says so instead of printing null
        return "(none)" if v is None else text(_FIELDS[name], v)

    return Difference(f"{name}: {show(va)} -> {show(vb)}", {"field": name, "a": va, "b": vb})


def _count(n: int) -> str:
    return "(none)" if n == 0 else ("inline" if n == 1 else f"{n} inline nets")
