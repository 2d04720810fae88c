"""Differences between two nets, layer by layer.

Layers are matched by name (the k-th layer called `mnist` with the k-th
one: Caffe nets often have a TRAIN and a TEST layer of the same name). Each
matched pair is compared field by field with defaults in force (fields.py):
type, bottoms and tops, every `*_param` including fillers, and `param`
entries (lr_mult, decay_mult) where a missing entry means the defaults.
Layers only in the first net are reported `- layer name (Type)`, layers only
in the second `+ layer name (Type)`.
"""

from __future__ import annotations

from collections import Counter

from sgdtrain.compare.fields import Difference, diff_messages, value_change
from sgdtrain.proto import caffe_pb2

Key = tuple[str, int]  # (layer name, occurrence of that name)


def _keys(layers) -> list[Key]:
    seen: Counter = Counter()
    keys = []
    for layer in layers:
        keys.append((layer.name, seen[layer.name]))
        seen[layer.name] += 1
    return keys


def _labels(layers, keys: list[Key]) -> dict[Key, str]:
    """`mnist` when the name is unique, `mnist (TRAIN)` when a phase rule tells them apart, else `mnist#2`."""
    counts = Counter(k[0] for k in keys)
    out = {}
    for layer, key in zip(layers, keys):
        name, k = key
        if counts[name] == 1:
            out[key] = name
            continue
        phases = {_phase(other) for other, other_key in zip(layers, keys) if other_key[0] == name}
        phase = _phase(layer)
        unique = phase is not None and None not in phases and len(phases) == counts[name]
        out[key] = f"{name} ({phase})" if unique else f"{name}#{k + 1}"
    return out


def _phase(layer: caffe_pb2.LayerParameter) -> str | None:
    """The phase a layer's rules pin it to (include { phase: X }), if that is all they say."""
    phases = {caffe_pb2.Phase.Name(r.phase) for r in layer.include if r.HasField("phase")}
    if layer.HasField("phase"):
        phases.add(caffe_pb2.Phase.Name(layer.phase))
    return phases.pop() if len(phases) == 1 else None


def diff_nets(a: caffe_pb2.NetParameter, b: caffe_pb2.NetParameter, scope: str = "") -> list[Difference]:
    """The differing net-level fields, then changed or removed layers in a's order, then added layers."""
    lead = f"{scope}: " if scope else ""
    out = [value_change(path, f, va, vb, scope) for path, f, va, vb in
           diff_messages(a, b, "net.", skip=frozenset({"layer", "layers"}))]
    keys_a, keys_b = _keys(a.layer), _keys(b.layer)
    labels = {**_labels(b.layer, keys_b), **_labels(a.layer, keys_a)}
    by_key_b = dict(zip(keys_b, b.layer))
    for key, layer in zip(keys_a, a.layer):
        other = by_key_b.get(key)
        if other is None:
            out.append(_presence("-", lead, labels[key], layer, scope))
            continue
        for path, f, va, vb in diff_messages(layer, other, skip=frozenset({"name"})):
            out.append(value_change(path, f, va, vb, f"{lead}layer {labels[key]}"))
    in_a = set(keys_a)
    for key, layer in zip(keys_b, b.layer):
        if key not in in_a:
            out.append(_presence("+", lead, labels[key], layer, scope))
    common_b = [k for k in keys_b if k in in_a]
    common_a = [k for k in keys_a if k in set(keys_b)]
    if common_a != common_b:
        order_a = ", ".join(labels[k] for k in common_a)
        order_b = ", ".join(labels[k] for k in common_b)
        out.append(Difference(f"{lead}layer order: [{order_a}] -> [{order_b}]",
                              {"scope": scope, "field": "layer order", "a": [labels[k] for k in common_a],
                               "b": [labels[k] for k in common_b]}))
    return out


def _presence(sign: str, lead: str, label: str, layer: caffe_pb2.LayerParameter, scope: str) -> Difference:
    data = {"scope": scope, "layer": label, "type": layer.type, "change": "added" if sign == "+" else "removed"}
    return Difference(f"{sign} {lead}layer {label} ({layer.type})", data)
