"""Reading Caffe training logs (real Caffe's or sgdtrain's) into numbers.

Accepts glog's classic prefix (`I1121 07:28:00.123456  4242 solver.cpp:239] `),
newer glog's with a 4-digit year (`I20261121 ...`), or no prefix at all
(`--log-format plain`). The message texts are Caffe's (see log.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

_PREFIX = re.compile(r"^(?P<sev>[IWEF])(?P<date>\d{8}|\d{4}) (?P<time>\d\d:\d\d:\d\d\.\d+)\s+\d+ [^\]]+\] ")
_NUM = r"([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|-nan|inf|-inf))"
_TRAIN = re.compile(r"^Iteration (\d+) \(.*\), loss = " + _NUM)
_OLD_TRAIN = re.compile(r"^Iteration (\d+), loss = " + _NUM)
_LR = re.compile(r"^Iteration (\d+), lr = (\S+)")
_TESTING = re.compile(r"^Iteration (\d+), Testing net \(#(\d+)\)")
_OUTPUT = re.compile(r"^    (Train|Test) net output #(\d+): (\S+) = " + _NUM)
_TEST_LOSS = re.compile(r"^Test loss: " + _NUM)
_SOLVING = re.compile(r"^Solving (.*)")
_POLICY = re.compile(r"^Learning Rate Policy: (.*)")
_CLIP = re.compile(r"^Gradient clipping: scaling down gradients \(L2 norm (\S+) > (\S+)\) by scale factor (\S+)")
_DONE = re.compile(r"^Optimization Done\.")


def _float(text: str) -> float:
    return float(text.replace("-nan", "nan"))


@dataclass
class TrainRow:
    iter: int
    loss: float  # the printed (smoothed) loss
    outputs: dict[str, float] = field(default_factory=dict)
    seconds: float | None = None


@dataclass
class TestRow:
    iter: int
    net: int
    outputs: dict[str, float] = field(default_factory=dict)
    loss: float | None = None
    seconds: float | None = None


@dataclass
class ParsedLog:
    name: str = ""
    lr_policy: str = ""
    train: list[TrainRow] = field(default_factory=list)
    tests: list[TestRow] = field(default_factory=list)
    lr: dict[int, float] = field(default_factory=dict)
    lr_text: dict[int, str] = field(default_factory=dict)
    final: tuple[int, float] | None = None  # "Iteration N, loss = L" after the last update
    clipping: dict[int, tuple[float, float]] = field(default_factory=dict)
    done: bool = False

    def train_loss(self) -> dict[int, float]:
        return {r.iter: r.loss for r in self.train}

    def test_at(self, iter: int, net: int = 0) -> TestRow | None:
        for row in self.tests:
            if row.iter == iter and row.net == net:
                return row
        return None


def _timestamp(m: re.Match) -> float | None:
    date, clock = m.group("date"), m.group("time")
    try:
        month, day = (int(date[-4:-2]), int(date[-2:]))
        t = datetime.strptime(clock.split(".")[0], "%H:%M:%S")
        return ((month * 31 + day) * 24 + t.hour) * 3600 + t.minute * 60 + t.second + float("0." + clock.split(".")[1])
    except ValueError:
        return None


def parse_log(text: str) -> ParsedLog:
    log = ParsedLog()
    start: float | None = None
    current_test: TestRow | None = None
    current_train: TrainRow | None = None
    last_iter = 0
    for raw in text.splitlines():
        m = _PREFIX.match(raw)
        stamp = None
        if m:
            stamp = _timestamp(m)
            line = raw[m.end():]
        else:
            line = raw
        seconds = (stamp - start) if (stamp is not None and start is not None) else None
        if (s := _SOLVING.match(line)) and not log.name:
            log.name = s.group(1)
            start = stamp
            continue
        if s := _POLICY.match(line):
            log.lr_policy = s.group(1)
        elif s := _TRAIN.match(line):
            last_iter = int(s.group(1))
            current_train = TrainRow(last_iter, _float(s.group(2)), seconds=seconds)
            log.train.append(current_train)
            current_test = None
        elif s := _OLD_TRAIN.match(line):
            last_iter = int(s.group(1))
            if log.train and log.train[-1].iter == last_iter:
                continue
            log.final = (last_iter, _float(s.group(2)))
        elif s := _LR.match(line):
            it = int(s.group(1))
            log.lr[it] = _float(s.group(2))
            log.lr_text[it] = s.group(2)
        elif s := _TESTING.match(line):
            last_iter = int(s.group(1))
            current_test = TestRow(last_iter, int(s.group(2)), seconds=seconds)
            log.tests.append(current_test)
        elif s := _TEST_LOSS.match(line):
            if current_test is not None:
                current_test.loss = _float(s.group(1))
        elif s := _OUTPUT.match(line):
            kind, name, value = s.group(1), s.group(3), _float(s.group(4))
            if kind == "Test" and current_test is not None:
                current_test.outputs[name] = value
            elif kind == "Train" and current_train is not None:
                current_train.outputs[name] = value
        elif s := _CLIP.match(line):
            log.clipping[last_iter] = (_float(s.group(1)), _float(s.group(3)))
        elif _DONE.match(line):
            log.done = True
    return log


def read_log(path: str | Path) -> ParsedLog:
    return parse_log(Path(path).read_text(errors="replace"))
