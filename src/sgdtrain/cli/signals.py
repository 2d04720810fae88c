"""SIGINT/SIGHUP during training, as Caffe's SignalHandler: each signal only sets
a flag; the solver polls once per iteration (and before each test batch) and
gets the action chosen by --sigint-effect (default stop) / --sighup-effect
(default snapshot). SIGHUP is reported first when both arrived."""

from __future__ import annotations

import signal
from contextlib import contextmanager

EFFECTS = ("stop", "snapshot", "none")


class SignalPoller:
    def __init__(self, sigint_effect: str = "stop", sighup_effect: str = "snapshot"):
        self.effects = {signal.SIGINT: sigint_effect, signal.SIGHUP: sighup_effect}
        self.pending: dict[int, bool] = {signal.SIGINT: False, signal.SIGHUP: False}

    def _handler(self, signum, frame) -> None:
        self.pending[signum] = True

    def poll(self) -> str:
        for signum in (signal.SIGHUP, signal.SIGINT):
            if self.pending[signum]:
                self.pending[signum] = False
                return self.effects[signum]
        return "none"

    @contextmanager
    def installed(self):
        old = {s: signal.signal(s, self._handler) for s in self.pending}
        try:
            yield self
        finally:
            for s, h in old.items():
                signal.signal(s, h)
