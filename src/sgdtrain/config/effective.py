"""Effective settings: every scalar field of a message with Caffe's default filled in.

The solver file says only what differs from the defaults; comparing, recording
and reporting runs needs the values that are in force, e.g. `momentum: 0`,
`type: "SGD"`, `regularization_type: "L2"`, `clip_gradients: -1`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

# Solver fields that only say where the nets come from (compared separately, layer by layer).
NET_FIELDS = {"net", "net_param", "train_net", "test_net", "train_net_param", "test_net_param",
              "train_state", "test_state", "weights"}


def _value(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_FLOAT:
        return float(np.float32(value))
    if field.enum_type is not None:
        return field.enum_type.values_by_number[value].name
    return value


def effective(msg: Message, skip: set[str] = frozenset()) -> dict[str, Any]:
    """{field: value} for every non-message field (repeated ones as lists), defaults included."""
    out: dict[str, Any] = {}
    for field in msg.DESCRIPTOR.fields:
        if field.name in skip or field.message_type is not None:
            continue
        value = getattr(msg, field.name)
        if field.is_repeated:
            out[field.name] = [_value(field, v) for v in value]
        else:
            out[field.name] = _value(field, value)
    return out


def solver_settings(param) -> dict[str, Any]:
    """The effective solver settings, net-defining fields and sgdtrain-internal ones left out."""
    values = effective(param, NET_FIELDS)
    values.pop("solver_type", None)  # upgraded into `type` when read
    return values
