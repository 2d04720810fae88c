"""Accepting Caffe's command lines: `caffe train -solver=S -weights W` runs as
`sgdtrain train -solver=S -weights W`.

gflags accepts `-flag=value`, `--flag=value`, `-flag value` and `--flag value`
anywhere on the line, with underscores in names; click wants `--flag` after
the command. `normalize_argv` rewrites Caffe's spellings into sgdtrain's.
"""

from __future__ import annotations

import re

# Caffe's gflags that sgdtrain accepts (underscore spelling -> sgdtrain's option).
CAFFE_FLAGS = {
    "solver": "--solver",
    "model": "--model",
    "weights": "--weights",
    "snapshot": "--snapshot",
    "iterations": "--iterations",
    "level": "--level",
    "stage": "--stage",
    "phase": "--phase",
    "gpu": "--gpu",
    "sigint_effect": "--sigint-effect",
    "sighup_effect": "--sighup-effect",
}
CAFFE_VERBS = ("train", "test", "time", "device_query")
_FLAG = re.compile(r"^--?([A-Za-z_][\w-]*)(=.*)?$")


def normalize_argv(argv: list[str]) -> list[str]:
    """Caffe-style flags become `--flag`; a Caffe verb found after flags moves to the front."""
    out: list[str] = []
    for arg in argv:
        m = _FLAG.match(arg)
        if m:
            name = m.group(1).replace("-", "_")
            if name in CAFFE_FLAGS:
                out.append(CAFFE_FLAGS[name] + (m.group(2) or ""))
                continue
        out.append(arg)
    # `caffe --solver=S train` puts the verb last; click needs it first.
    if out and out[0].startswith("-"):
        for i, arg in enumerate(out):
            if arg in CAFFE_VERBS and (i == 0 or not _takes_value(out[i - 1])):
                return [arg] + out[:i] + out[i + 1 :]
    return out


def _takes_value(arg: str) -> bool:
    return arg in set(CAFFE_FLAGS.values()) or arg in ("--log-format",)
