"""Caffe's log lines, with glog's classic prefix.

Every line goes to one text stream (stderr by default) as
``I1121 07:28:00.123456  4242 solver.cpp:239] <message>``: severity letter,
month and day, time with microseconds, the thread id right-aligned in five
columns, and the Caffe source location that prints the same message. This is
the form Caffe's tools/extra/parse_log.py and parse_log.sh read (newer glog
releases prefix a 4-digit year, which those parsers cannot read).
`fmt="plain"` drops the prefix. Messages keep Caffe's text exactly; numbers go
through `fmt_float`, C++ ostream's default formatting of a float.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

import numpy as np


def fmt_float(x: float | np.floating) -> str:
    """A float32 as C++ `ostream << float` prints it (%g, 6 significant digits)."""
    v = float(np.float32(x))
    if v != v:
        return "nan"
    return f"{v:g}"


def fmt_double(x: float) -> str:
    """A double as `ostream << double` prints it (%g)."""
    return f"{x:g}"


class CaffeLog:
    """Writes Caffe-style log lines to `stream`."""

    def __init__(self, stream: TextIO | None = None, fmt: str = "glog", thread_id: int | None = None):
        if fmt not in ("glog", "plain"):
            raise ValueError(f"unknown log format {fmt!r}")
        self.stream = stream if stream is not None else sys.stderr
        self.fmt = fmt
        self.thread_id = thread_id if thread_id is not None else threading.get_native_id()

    def prefix(self, severity: str, tag: str) -> str:
        if self.fmt == "plain":
            return ""
        now = time.time()
        t = time.localtime(now)
        micros = int((now - int(now)) * 1_000_000)
        return (
            f"{severity}{t.tm_mon:02d}{t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{micros:06d} "
            f"{self.thread_id:5d} {tag}] "
        )

    def write(self, severity: str, tag: str, message: str) -> None:
        self.stream.write(self.prefix(severity, tag) + message + "\n")
        self.stream.flush()

    def info(self, tag: str, message: str) -> None:
        self.write("I", tag, message)

    def warning(self, tag: str, message: str) -> None:
        self.write("W", tag, message)

    def error(self, tag: str, message: str) -> None:
        self.write("E", tag, message)

    def raw(self, text: str) -> None:
        """Unprefixed continuation text (the parameter dumps after 'Initializing ... from parameters: ')."""
        if text:
            self.stream.write(text if text.endswith("\n") else text + "\n")
            self.stream.flush()


class NullLog(CaffeLog):
    """Discards everything (library use, tests)."""

    def __init__(self):
        super().__init__(stream=sys.stderr)

    def write(self, severity: str, tag: str, message: str) -> None:
        pass

    def raw(self, text: str) -> None:
        pass
