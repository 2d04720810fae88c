"""`sgdtrain schedule` as text: the policy's formula, a table at key iterations, summary figures.

Pure functions of a SolverParameter and its Curve (schedules/curve.py), so the
golden tests pin every character. Rates print as Caffe prints them in
`Iteration N, lr = X` (%g of the float32), so a row can be grepped against a log.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from sgdtrain.config.learnable import DeclaredParam
from sgdtrain.log import fmt_float
from sgdtrain.proto import caffe_pb2
from sgdtrain.schedules.curve import Curve, Summary
from sgdtrain.schedules.fields import POLICY_FIELDS

FORMULAS = {
    "fixed": "base_lr",
    "step": "base_lr * gamma ^ floor(iter / stepsize)",
    "exp": "base_lr * gamma ^ iter",
    "inv": "base_lr * (1 + gamma * iter) ^ (-power)",
    "multistep": "base_lr * gamma ^ (number of stepvalues passed)",
    "poly": "base_lr * (1 - iter / max_iter) ^ power",
    "sigmoid": "base_lr * 1 / (1 + exp(-gamma * (iter - stepsize)))",
    "cosine": "base_lr * (floor + (1 - floor) * (1 + cos(pi * t / T)) / 2)  [sgdtrain extension]",
    "plateau": "base_lr * gamma ^ (number of plateaus seen in testing)  [sgdtrain extension]",
}


def _value(param, name: str) -> str:
    v = getattr(param, name)
    if name == "stepvalue":
        return "[" + ", ".join(str(s) for s in v) + "]"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, float):
        return fmt_float(v)
    return str(v)


def header(param: caffe_pb2.SolverParameter, source: str) -> list[str]:
    """Which policy, its formula and the fields it reads."""
    policy = param.lr_policy
    # max_iter is on the first line already
    fields = ["base_lr", *(f for f in POLICY_FIELDS.get(policy, ()) if f != "max_iter")]
    extras = []
    if param.warmup_iter > 0:
        extras.append(f"linear warm-up from {fmt_float(param.warmup_start_factor)} x over "
                      f"{param.warmup_iter} iterations")
    if param.min_lr > 0:
        extras.append(f"min_lr {fmt_float(param.min_lr)}")
    lines = [
        f"Schedule of {source}: lr_policy \"{policy}\", max_iter {param.max_iter}, solver {param.type}",
        f"  lr = {FORMULAS.get(policy, '?')}",
        "  " + ", ".join(f"{f} {_value(param, f)}" for f in fields),
    ]
    if extras:
        lines.append("  then " + "; ".join(extras) + "  [sgdtrain extensions]")
    if policy == "plateau":
        levels = ", ".join(fmt_float(np.float32(param.base_lr * param.gamma**k)) for k in range(4))
        lines.append(f"  plateau reductions depend on test results: shown at the starting rate; "
                     f"later levels {levels}, ...")
    return lines


@dataclass(frozen=True)
class MultGroup:
    """Parameter blobs sharing one lr_mult: one extra table column."""

    lr_mult: float
    members: list[str]

    @property
    def column(self) -> str:
        return f"lr x {self.lr_mult:g}"


def mult_groups(params: list[DeclaredParam]) -> list[MultGroup]:
    groups: OrderedDict[float, list[str]] = OrderedDict()
    for p in params:
        groups.setdefault(p.lr_mult, []).append(p.key)
    return [MultGroup(m, keys) for m, keys in sorted(groups.items(), key=lambda kv: -kv[0])]


def _notes(param: caffe_pb2.SolverParameter, curve: Curve) -> dict[int, str]:
    notes: dict[int, str] = {}
    if curve.steps is not None and param.lr_policy in ("step", "multistep"):
        first = int(curve.iters[0])
        for b in curve.boundaries:
            k = b - first
            if k > 0 and curve.steps[k] != curve.steps[k - 1]:
                notes[b] = f"step {int(curve.steps[k])} begins"
    if param.lr_policy == "cosine":
        for b in curve.boundaries:
            if b != param.warmup_iter:
                notes[b] = "cosine restart"
    if 0 < param.warmup_iter and param.warmup_iter in curve.boundaries:
        notes[param.warmup_iter] = (notes.get(param.warmup_iter, "") + "; warm-up ends").lstrip("; ")
    last = int(curve.iters[-1])
    if last == param.max_iter:
        notes[last] = (notes.get(last, "") + "; max_iter (no update)").lstrip("; ")
    return notes


def table(param: caffe_pb2.SolverParameter, curve: Curve, rows: list[int],
          groups: list[MultGroup] | None = None) -> list[str]:
    """Right-aligned columns: iter, lr, one `lr x m` per lr_mult group, a note."""
    groups = groups or []
    first = int(curve.iters[0])
    notes = _notes(param, curve)
    head = ["iter", "lr", *[g.column for g in groups], "note"]
    body = []
    for i in rows:
        rate = curve.rates[i - first]
        cells = [str(i), fmt_float(rate)]
        cells += [fmt_float(np.float32(rate) * np.float32(g.lr_mult)) for g in groups]
        body.append(cells + [notes.get(i, "")])
    widths = [max(len(r[c]) for r in [head, *body]) for c in range(len(head) - 1)]
    out = []
    for r in [head, *body]:
        cols = [r[0].rjust(widths[0])] + [r[c].ljust(widths[c]) for c in range(1, len(widths))]
        out.append(("  ".join(cols) + "  " + r[-1]).rstrip())
    for g in groups:
        out.append(f"{g.column}: {', '.join(g.members)}")
    return out


def summary_lines(param: caffe_pb2.SolverParameter, curve: Curve, s: Summary) -> list[str]:
    n = max(len(curve.rates) - 1, 1)
    first, last = int(curve.iters[0]), int(curve.iters[-1])
    tenth = fmt_float(np.float32(0.1 * param.base_lr))
    lines = [
        f"updates {first}..{last - 1} ({n}): mean lr {s.mean_lr:.6g}, area under the schedule {s.area:.6g} "
        f"(sum of lr over the updates)",
        f"lr range {fmt_float(s.min_lr)} .. {fmt_float(s.max_lr)}; at iteration {last}: {fmt_float(s.final_lr)}; "
        f"updates at <= 10% of base_lr (<= {tenth}): {s.low_iters} ({100.0 * s.low_iters / n:.1f}%)",
    ]
    lines.append(momentum_line(param))
    return lines


def momentum_line(param: caffe_pb2.SolverParameter) -> str:
    """Momentum is never scheduled in Caffe: say its value and that it stays put."""
    kind = param.type
    if kind == "SGD" or kind == "Nesterov":
        what = f"momentum {fmt_float(param.momentum)}"
    elif kind == "Adam":
        what = f"momentum (beta1) {fmt_float(param.momentum)}, momentum2 (beta2) {fmt_float(param.momentum2)}"
    elif kind == "AdaDelta":
        what = f"momentum (decay of the running averages) {fmt_float(param.momentum)}"
    elif kind == "RMSProp":
        what = f"rms_decay {fmt_float(param.rms_decay)}"
    else:  # AdaGrad: no momentum term
        return "momentum: none (AdaGrad has no momentum term)"
    return what + ", constant over the run (no Caffe policy schedules momentum)"
