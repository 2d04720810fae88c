"""What a training run reports besides its log: listeners get structured events
(the metrics record and the terminal progress display are listeners)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Output:
    """One element of a net output blob, as a log line shows it."""

    index: int  # k in "#k", counting across all output blobs
    name: str
    value: float
    loss_weight: float


class SolverListener:
    """Override what you need; every method is optional."""

    def on_start(self, solver) -> None:
        pass

    def on_display(self, iter: int, lr: float, loss: float, smoothed: float, outputs: list[Output],
                   seconds: float) -> None:
        """A display iteration: `loss` is this iteration's (mean over iter_size), `smoothed` the printed one."""

    def on_iteration(self, iter: int, lr: float, smoothed: float) -> None:
        """After each update (`iter` already counts it)."""

    def on_test(self, iter: int, net_id: int, outputs: list[Output], loss: float | None, seconds: float) -> None:
        pass

    def on_snapshot(self, iter: int, paths: list[str]) -> None:
        pass

    def on_finish(self, iter: int, stopped_early: bool, final_loss: float | None) -> None:
        pass
