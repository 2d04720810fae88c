"""Caffe's DataTransformer for raw records: crop, mirror, mean, scale.

Per image, as Caffe's Transform(const Datum&): `mirror` draws a coin (in TRAIN
and TEST); `crop_size` picks a random offset in TRAIN (row first) and the
centre in TEST; then every kept element becomes (x - mean) * scale, with the
mean taken from `mean_file` at the *uncropped* position or from `mean_value`
(one value, or one per channel). Random draws come from the transformer's own
generator, seeded from the net's, so runs repeat for a given random_seed.
Vectorised over the batch.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.proto import caffe_pb2


class DataTransformer:
    def __init__(
        self,
        param: caffe_pb2.TransformationParameter,
        phase: int,
        rng: np.random.Generator,
        mean: np.ndarray | None = None,
    ):
        self.scale = np.float32(param.scale)
        self.mirror = param.mirror
        self.crop = param.crop_size
        self.phase = phase
        self.rng = rng
        self.mean_file = mean  # C x H x W float32, or None
        self.mean_values = np.asarray(param.mean_value, dtype=np.float32)

    def output_shape(self, shape: tuple[int, int, int]) -> tuple[int, int, int]:
        c, h, w = shape
        return (c, self.crop, self.crop) if self.crop else (c, h, w)

    def check(self, shape: tuple[int, int, int]) -> str | None:
        """What is wrong with transforming records of `shape` (None if nothing)."""
        c, h, w = shape
        if self.crop and (self.crop > h or self.crop > w):
            return f"crop_size {self.crop} is larger than the {h}x{w} records"
        if self.mean_file is not None and self.mean_file.shape != (c, h, w):
            return f"the mean file has shape {self.mean_file.shape} but the records are {(c, h, w)}"
        if self.mean_values.size not in (0, 1, c):
            return f"{self.mean_values.size} mean_value entries for {c} channels (give 1 or {c})"
        return None

    @property
    def uses_rng(self) -> bool:
        return self.mirror or (bool(self.crop) and self.phase == caffe_pb2.TRAIN)

    def __call__(self, batch: np.ndarray, out: np.ndarray) -> None:
        """Transform records `batch` (N x C x H x W, uint8 or float32) into `out` (float32)."""
        n, c, h, w = batch.shape
        x = batch.astype(np.float32)
        if self.mean_file is not None:
            x -= self.mean_file
        elif self.mean_values.size:
            x -= self.mean_values.reshape(-1, 1, 1) if self.mean_values.size > 1 else self.mean_values[0]
        if self.scale != 1:
            x *= self.scale
        flips = self.rng.integers(0, 2, size=n).astype(bool) if self.mirror else None
        if self.crop:
            size = self.crop
            if self.phase == caffe_pb2.TRAIN:
                hs = self.rng.integers(0, h - size + 1, size=n)
                ws = self.rng.integers(0, w - size + 1, size=n)
            else:
                hs = np.full(n, (h - size) // 2)
                ws = np.full(n, (w - size) // 2)
            rows = hs[:, None] + np.arange(size)[None, :]  # (n, size)
            cols = ws[:, None] + np.arange(size)[None, :]
            x = x[np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None],
                  rows[:, None, :, None], cols[:, None, None, :]]
        if flips is not None and flips.any():
            x[flips] = x[flips][..., ::-1]
        out[...] = x
