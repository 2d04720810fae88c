"""Field-by-field differences between two protobuf messages, with Caffe's defaults in force.

Two configurations mean the same when every field *in force* has the same
value, however the files spell it: a field left out has its default
(`backend` is LEVELDB unless given), the order fields are written in and
comments do not matter. So scalars are compared with defaults filled in, a
sub-message present on either side is compared field by field against the
other side's (possibly default) one, and fields are reported in the schema's
order, so the output is stable.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from google.protobuf import text_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

LIST_SHOWN = 12  # longer lists print their first values and a count


@dataclass(frozen=True)
class Difference:
    """One reported difference: the printed line and the same facts for --json."""

    text: str
    data: dict = field(default_factory=dict)


def plain(field: FieldDescriptor, value: Any) -> Any:
    """A field value as JSON can hold it: float32 fields as their shortest decimal, enums by name."""
    if field.type == FieldDescriptor.TYPE_FLOAT:
        return _float32(value)
    if field.enum_type is not None and isinstance(value, int):
        return field.enum_type.values_by_number[value].name
    if isinstance(value, bytes):
        return value.hex()
    return value


def _float32(value: float) -> float:
    v = np.float32(value)
    return float(v) if not math.isfinite(v) else float(str(v))  # 0.9, not 0.8999999761581421


def text(field: FieldDescriptor | None, value: Any) -> str:
    """A value as a prototxt would write it: strings quoted, enums bare, 1.0 as 1, lists in brackets."""
    if isinstance(value, list):
        shown = [text(field, v) for v in value[:LIST_SHOWN]]
        more = f", ... ({len(value)} values)" if len(value) > LIST_SHOWN else ""
        return "[" + ", ".join(shown) + more + "]"
    if isinstance(value, Message):
        return "{" + text_format.MessageToString(value, as_one_line=True) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        if field is not None and field.enum_type is not None:
            return value
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def same(a: Any, b: Any) -> bool:
    """Equality where NaN equals NaN (a NaN setting is the same setting)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def value_change(path: str, field: FieldDescriptor | None, old: Any, new: Any, scope: str = "") -> Difference:
    """`scope: path: old -> new` (scope like `layer ip1`, empty for solver fields)."""
    line = f"{path}: {text(field, old)} -> {text(field, new)}"
    data = {"field": path, "a": _jsonable(old), "b": _jsonable(new)}
    if scope:
        line = f"{scope}: {line}"
        data = {"scope": scope, **data}
    return Difference(line, data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Message):
        return text_format.MessageToString(value, as_one_line=True)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


# Repeated messages whose missing entries mean "defaults": a layer without a
# second `param {}` uses lr_mult 1, decay_mult 1 for its bias, as Caffe does.
PADDED = {"param"}


def diff_messages(a: Message, b: Message, prefix: str = "", skip: frozenset[str] = frozenset()
                  ) -> list[tuple[str, FieldDescriptor, Any, Any]]:
    """(dotted path, field, value in a, value in b) for every field in force that differs."""
    out: list[tuple[str, FieldDescriptor, Any, Any]] = []
    for f in a.DESCRIPTOR.fields:
        if f.name in skip:
            continue
        path = prefix + f.name
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if f.message_type is None:
            pa = [plain(f, v) for v in va] if f.is_repeated else plain(f, va)
            pb = [plain(f, v) for v in vb] if f.is_repeated else plain(f, vb)
            if not same(pa, pb):
                out.append((path, f, pa, pb))
        elif f.is_repeated:
            out.extend(_diff_repeated(f, list(va), list(vb), path))
        elif a.HasField(f.name) or b.HasField(f.name):
            out.extend(diff_messages(va, vb, path + "."))
    return out


def _diff_repeated(f: FieldDescriptor, la: list, lb: list, path: str) -> list[tuple[str, FieldDescriptor, Any, Any]]:
    if f.name in PADDED:
        n = max(len(la), len(lb))
        cls = f.message_type._concrete_class
        la = la + [cls() for _ in range(n - len(la))]
        lb = lb + [cls() for _ in range(n - len(lb))]
    if len(la) != len(lb):
        return [(path, f, la, lb)]
    out = []
    for i, (x, y) in enumerate(zip(la, lb)):
        out.extend(diff_messages(x, y, f"{path}[{i}]."))
    return out
