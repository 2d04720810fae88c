"""Reading protobuf text files (prototxt) the way Caffe does, with useful errors.

`parse_text` parses through the compiled schema with google.protobuf's
text_format; on failure it raises a ConfigError naming file:line:column and
what was expected, suggesting the closest valid field or enum names.
`FieldLocator` maps field paths (``layer[3].data_param.source``) to the line
they were written on, so later checks can point at the offending line.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from google.protobuf import descriptor_pool, text_format
from google.protobuf.message import Message

from sgdtrain.errors import ConfigError, Where
from sgdtrain.proto import caffe_pb2

M = TypeVar("M", bound=Message)

_UNKNOWN_FIELD = re.compile(r'Message type "([\w.]+)" has no field named "([^"]+)"')
_UNKNOWN_ENUM = re.compile(r'Enum type "([\w.]+)" has no value named (\S+?)\.?$')
_ENUM_NUMBER = re.compile(r'Enum type "([\w.]+)" has no value with number (-?\d+)')
_REPEATED_SINGULAR = re.compile(r'Message type "([\w.]+)" should not have multiple "(\w+)" fields')
_POSITION = re.compile(r"^(\d+):(\d+) : ")

# Fields that mark a file as the other kind of prototxt, for a hint.
_NET_ONLY = {"layer", "layers", "input", "input_dim", "input_shape", "force_backward"}
_SOLVER_ONLY = {"base_lr", "lr_policy", "max_iter", "net", "train_net", "test_iter"}


def closest(name: str, choices: list[str] | tuple[str, ...], n: int = 3) -> list[str]:
    """The closest few of `choices` to `name` (case-insensitive), best first."""
    lowered = {c.lower(): c for c in choices}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.5)
    return [lowered[h] for h in hits]


def _message_fields(full_name: str) -> list[str]:
    desc = descriptor_pool.Default().FindMessageTypeByName(full_name)
    return [f.name for f in desc.fields]


def _enum_values(full_name: str) -> list[str]:
    desc = descriptor_pool.Default().FindEnumTypeByName(full_name)
    return [v.name for v in desc.values]


def _explain(detail: str, kind: str) -> tuple[str, str | None]:
    """Turn protobuf's parse message into (problem, fix) in sgdtrain's words."""
    m = _UNKNOWN_FIELD.search(detail)
    if m:
        msg_type, name = m.group(1), m.group(2)
        short = msg_type.split(".")[-1]
        problem = f"unknown field `{name}` in {short}."
        other = None
        if short == "SolverParameter" and name in _NET_ONLY:
            other = "This looks like a net prototxt: name it in the solver's `net:` field, or pass it to `--model`."
        elif short == "NetParameter" and name in _SOLVER_ONLY:
            other = "This looks like a solver prototxt: pass it to `--solver`."
        if other:
            return problem, other
        near = closest(name, _message_fields(msg_type))
        if near:
            fix = "Did you mean " + " or ".join(f"`{n}`" for n in near) + "?"
        else:
            fields = ", ".join(sorted(_message_fields(msg_type)))
            fix = f"{short} has these fields: {fields}."
        return problem, fix
    m = _UNKNOWN_ENUM.search(detail) or _ENUM_NUMBER.search(detail)
    if m:
        enum_type, value = m.group(1), m.group(2)
        values = _enum_values(enum_type)
        problem = f"`{value}` is not a value of {enum_type.split('.', 1)[-1]}."
        near = closest(value, values)
        fix = "Known values: " + ", ".join(values) + "."
        if near:
            fix = f"Did you mean `{near[0]}`? " + fix
        return problem, fix
    m = _REPEATED_SINGULAR.search(detail)
    if m:
        return (
            f"field `{m.group(2)}` is given more than once, but it takes one value.",
            "Keep one of them.",
        )
    return detail.rstrip(".") + ".", f"Fix the syntax of this {kind} file."


def parse_text(text: str, message: M, source: str | Path | None = None, kind: str = "prototxt") -> M:
    """Parse protobuf text `text` into `message` (returned), or raise ConfigError."""
    try:
        text_format.Parse(text, message)
    except text_format.ParseError as exc:
        detail = str(exc)
        line = exc.GetLine() if hasattr(exc, "GetLine") else None
        column = exc.GetColumn() if hasattr(exc, "GetColumn") else None
        pos = _POSITION.match(detail)
        if pos:
            line, column = int(pos.group(1)), int(pos.group(2))
            detail = detail[pos.end():]
        problem, fix = _explain(detail, kind)
        raise ConfigError(problem, where=Where(source, line, column), fix=fix) from None
    except UnicodeDecodeError as exc:  # pragma: no cover - decoded before parsing
        raise ConfigError(f"the file is not UTF-8 text ({exc}).", where=Where(source)) from None
    return message


def read_text_file(path: Path, message: M, kind: str, named_by: str | None = None) -> tuple[M, str]:
    """Read and parse a prototxt file; returns (message, text)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"the {kind} file '{path}' does not exist" + (f" ({named_by})." if named_by else "."),
            fix="Check the path (relative paths are resolved against the current directory, as Caffe does).",
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"'{path}' is a directory, not a {kind} file.") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the {kind} file '{path}': {exc.strerror}.") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"'{path}' is not a text prototxt (it is not UTF-8 text).",
            fix="Binary .caffemodel/.solverstate files go to --weights/--snapshot, not here.",
        ) from None
    return parse_text(text, message, source=path, kind=kind), text


# ---------------------------------------------------------------------------
# Locating fields


_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<comment>\#[^\n]*)|(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<ident>[A-Za-z_][\w]*)|(?P<number>[-+]?[\d.][\w.+-]*)|(?P<punct>[{}<>:\[\],;-])|(?P<other>.)""",
    re.S,
)


@dataclass
class FieldLocator:
    """Where each field of a prototxt was written.

    Keys are paths of (field name, occurrence index) pairs; `line_of` accepts
    a friendlier spelling: ``line_of("layer", 3, "data_param", "source")``
    (an int after a name picks the occurrence of a repeated field).
    """

    lines: dict[tuple[tuple[str, int], ...], int] = field(default_factory=dict)

    @classmethod
    def from_text(cls, text: str) -> FieldLocator:
        tokens: list[tuple[str, str, int]] = []
        line = 1
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup or "other"
            if kind not in ("ws", "comment"):
                tokens.append((kind, m.group(), line))
            line += m.group().count("\n")
        loc = cls()
        stack: list[tuple[tuple[tuple[str, int], ...], dict[str, int]]] = [((), {})]
        i = 0
        while i < len(tokens):
            kind, tok, ln = tokens[i]
            if tok in ("}", ">"):
                if len(stack) > 1:
                    stack.pop()
                i += 1
                continue
            if kind != "ident":
                i += 1
                continue
            prefix, counts = stack[-1]
            index = counts.get(tok, 0)
            counts[tok] = index + 1
            path = prefix + ((tok, index),)
            loc.lines.setdefault(path, ln)
            i += 1
            if i < len(tokens) and tokens[i][1] == ":":
                i += 1
            if i < len(tokens) and tokens[i][1] in ("{", "<"):
                stack.append((path, {}))
                i += 1
            elif i < len(tokens) and tokens[i][1] == "[":
                depth = 0
                while i < len(tokens):
                    depth += tokens[i][1] == "["
                    depth -= tokens[i][1] == "]"
                    i += 1
                    if depth == 0:
                        break
            else:
                # a scalar value: one token (or a run of strings, or "- number")
                if i < len(tokens) and tokens[i][1] == "-":
                    i += 1
                if i < len(tokens) and tokens[i][0] == "string":
                    while i < len(tokens) and tokens[i][0] == "string":
                        i += 1
                else:
                    i += 1
        return loc

    def line_of(self, *parts: str | int) -> int | None:
        path: list[tuple[str, int]] = []
        for part in parts:
            if isinstance(part, int):
                if not path:
                    raise ValueError("an index must follow a field name")
                path[-1] = (path[-1][0], part)
            else:
                path.append((part, 0))
        return self.lines.get(tuple(path))


def solver_message() -> caffe_pb2.SolverParameter:
    return caffe_pb2.SolverParameter()


def net_message() -> caffe_pb2.NetParameter:
    return caffe_pb2.NetParameter()
