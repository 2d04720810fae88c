"""Without matplotlib, PNG output is a clear usage error (runs whether or not matplotlib is installed)."""

from __future__ import annotations

import sys

import pytest

from sgdtrain.errors import ConfigError
from sgdtrain.report import png


def test_missing_matplotlib_is_a_config_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now raises ImportError
    assert not png.available()
    with pytest.raises(ConfigError) as info:
        png.save_lines("x.png", [("a", [0], [1])])
    assert "pip install 'sgdtrain[plot]'" in str(info.value) and info.value.exit_code == 2
