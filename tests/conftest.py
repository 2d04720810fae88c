"""Shared fixtures: where the copied oracle files live."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
REFERENCE = DATA / "caffe-lenet-fashion"
EXAMPLES = DATA / "caffe-examples"
LMDB_ORACLE = DATA / "lmdb-oracle"


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run the test from an empty temporary directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
