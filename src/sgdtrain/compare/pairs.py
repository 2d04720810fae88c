"""Comparing configurations: each file against the first, as `sgdtrain compare` prints it.

A comparison lists, in this order: the solver fields that differ (net sources,
then effective settings in schema order), notes on what could not be compared
(`! ...`), the nets' differences layer by layer, and the first iteration where
the learning-rate schedules part. Nothing at all when the two are the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sgdtrain.compare.configs import ConfigFile
from sgdtrain.compare.fields import Difference
from sgdtrain.compare.nets import diff_nets
from sgdtrain.compare.schedule import Parting, first_parting, rates
from sgdtrain.compare.settings import diff_settings
from sgdtrain.errors import ConfigError


@dataclass
class PairResult:
    a: str
    b: str
    settings: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    nets: list[Difference] = field(default_factory=list)
    parting: Parting | None = None

    @property
    def differ(self) -> bool:
        """True also when something could not be compared: the files were not shown to be the same."""
        return bool(self.settings or self.notes or self.nets or self.parting)

    def lines(self) -> list[str]:
        out = [d.text for d in self.settings] + [f"! {n}" for n in self.notes] + [d.text for d in self.nets]
        if self.parting:
            out.append(self.parting.describe())
        return out

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "differ": self.differ,
                "settings": [d.data for d in self.settings], "notes": self.notes,
                "nets": [d.data for d in self.nets],
                "lr_parting": self.parting.as_dict() if self.parting else None, "lines": self.lines()}


@dataclass
class Schedules:
    """Each solver's rates (None for a net prototxt, or where the schedule cannot be computed)."""

    rates: dict[str, list[np.float32] | None]
    notes: dict[str, str]


def schedules(files: list[ConfigFile]) -> Schedules:
    out, notes = {}, {}
    for f in files:
        out[f.label] = None
        if f.param is None:
            continue
        try:
            out[f.label] = rates(f.param)
        except ConfigError as exc:
            notes[f.label] = f"the lr schedule of {f.label} cannot be computed ({exc.problem.rstrip('.')})"
    return Schedules(out, notes)


def compare_all(files: list[ConfigFile]) -> tuple[list[PairResult], Schedules]:
    """Each file after the first compared against the first."""
    kinds = {f.kind for f in files}
    if len(kinds) > 1:
        shown = ", ".join(f"{f.label} ({f.kind})" for f in files)
        raise ConfigError(f"cannot compare solver prototxts with net prototxts: {shown}.",
                          fix="Compare solvers with solvers (their nets are compared too), or nets with nets.")
    sched = schedules(files)
    return [compare_pair(files[0], other, sched) for other in files[1:]], sched


def compare_pair(a: ConfigFile, b: ConfigFile, sched: Schedules) -> PairResult:
    result = PairResult(a.label, b.label)
    if a.param is not None and b.param is not None:
        result.settings = diff_settings(a.param, b.param)
    for f in (a, b):
        if f.problem:
            result.notes.append(f.problem)
        if f.label in sched.notes:
            result.notes.append(sched.notes[f.label])
    if a.nets is not None and b.nets is not None:
        result.nets = _diff_net_lists(a.nets, b.nets)
    ra, rb = sched.rates.get(a.label), sched.rates.get(b.label)
    if ra is not None and rb is not None:
        result.parting = first_parting(ra, rb)
    return result


def _diff_net_lists(a: list, b: list) -> list[Difference]:
    out: list[Difference] = []
    for i in range(max(len(a), len(b))):
        if i < len(a) and i < len(b):
            out += diff_nets(a[i][1], b[i][1], a[i][0] or b[i][0])
        else:
            sign, (label, net) = ("-", a[i]) if i < len(a) else ("+", b[i])
            out.append(Difference(f"{sign} {label} ({net.name or 'unnamed'})",
                                  {"scope": label, "change": "added" if sign == "+" else "removed"}))
    return out
