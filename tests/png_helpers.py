"""Checking a PNG the tests wrote: decoded, of a sensible size, and not blank."""

from __future__ import annotations

from pathlib import Path


def assert_real_png(path: Path, min_width: int = 300, min_height: int = 200) -> None:
    from matplotlib import image

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = image.imread(str(path))  # floats in [0, 1], H x W x (3 or 4)
    height, width = pixels.shape[:2]
    assert width >= min_width and height >= min_height, pixels.shape
    rgb = pixels[..., :3]
    assert float(rgb.std()) > 0.05  # something drawn, not one flat colour
    inked = float((rgb.mean(axis=2) < 0.9).mean())
    assert 0.01 < inked < 0.5, inked  # lines and text on a white ground
