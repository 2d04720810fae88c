"""The printed training loss: Caffe's UpdateSmoothedLoss, in float32.

While the window holds fewer than W = average_loss values, the smoothed loss
is their running mean, sm = (sm * (k - 1) + loss) / k; once full, the oldest
value is replaced in a ring buffer and sm += (loss - oldest) / W. The
incremental float32 arithmetic is kept because a recomputed mean can differ
in the last printed digit.
"""

from __future__ import annotations

import numpy as np

f32 = np.float32


class SmoothedLoss:
    def __init__(self, window: int):
        self.window = window
        self.losses: list[np.float32] = []
        self.value = f32(0)

    def reset(self) -> None:
        self.losses = []
        self.value = f32(0)

    def update(self, loss: float, iter: int, start_iter: int) -> np.float32:
        loss = f32(loss)
        if len(self.losses) < self.window:
            self.losses.append(loss)
            k = len(self.losses)
            self.value = f32((self.value * f32(k - 1) + loss) / f32(k))
        else:
            idx = (iter - start_iter) % self.window
            self.value = f32(self.value + (loss - self.losses[idx]) / f32(self.window))
            self.losses[idx] = loss
        return self.value

    def state(self) -> dict:
        return {"losses": [float(v) for v in self.losses], "value": float(self.value)}

    def restore(self, state: dict) -> None:
        self.losses = [f32(v) for v in state["losses"]]
        self.value = f32(state["value"])
