"""Reading net prototxts: parse, upgrade deprecated forms, refuse what sgdtrain never runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sgdtrain.config.netstate import filter_net
from sgdtrain.config.textformat import FieldLocator, read_text_file
from sgdtrain.config.upgrade import upgrade_net
from sgdtrain.errors import ConfigError, Where
from sgdtrain.proto import caffe_pb2


@dataclass
class NetSpec:
    """One net a solver (or `test`/`time`) builds.

    `param` is the upgraded NetParameter *before* include/exclude filtering and
    `state` the NetState it runs in; `filtered()` gives the layers that state
    keeps. `source` is Caffe's wording for where it came from ("net file: X",
    "net_param", ...), `path` the file (None when inline), `locator` the line
    of each field in that file (empty when inline).
    """

    param: caffe_pb2.NetParameter
    state: caffe_pb2.NetState
    source: str
    path: Path | None = None
    locator: FieldLocator = field(default_factory=FieldLocator)

    def filtered(self, log=None) -> caffe_pb2.NetParameter:
        return filter_net(self.param, self.state, str(self.path) if self.path else self.source, log)

    def where(self, *parts: str | int, field_name: str | None = None) -> Where:
        """A Where for the field at `parts` (see FieldLocator.line_of)."""
        line = self.locator.line_of(*parts) if parts else None
        return Where(self.path if self.path else self.source, line, field=field_name)

    def layer_where(self, layer_name: str, *parts: str | int) -> Where:
        """A Where for a field of the layer called `layer_name` in the unfiltered file."""
        for i, layer in enumerate(self.param.layer):
            if layer.name == layer_name:
                line = self.locator.line_of("layer", i, *parts) or self.locator.line_of("layer", i)
                if line is None:  # upgraded V1 nets keep their `layers` lines
                    line = self.locator.line_of("layers", i)
                dotted = ".".join(str(p) for p in parts)
                return Where(
                    self.path if self.path else self.source,
                    line,
                    field=f"layer '{layer_name}'" + (f" {dotted}" if dotted else ""),
                )
        return Where(self.path if self.path else self.source, field=f"layer '{layer_name}'")


def read_net_file(path: Path, named_by: str | None = None) -> tuple[caffe_pb2.NetParameter, FieldLocator, list[str]]:
    """Parse and upgrade a net prototxt; returns (net, locator, upgrade log lines)."""
    net, text = read_text_file(path, caffe_pb2.NetParameter(), "net prototxt", named_by)
    notes = upgrade_net(net, str(path))
    check_net(net, str(path), FieldLocator.from_text(text))
    return net, FieldLocator.from_text(text), notes


def check_net(net: caffe_pb2.NetParameter, source: str, locator: FieldLocator | None = None) -> None:
    """Refuse what sgdtrain will never run, whatever the phase."""
    for i, layer in enumerate(net.layer):
        if layer.type == "Python":
            line = locator.line_of("layer", i, "type") if locator else None
            module = layer.python_param.module or "?"
            raise ConfigError(
                f"layer '{layer.name}' is a Python layer (module '{module}'); sgdtrain never "
                "executes code named by a configuration.",
                where=Where(source, line, field=f"layer '{layer.name}' type"),
                fix="Replace it with a built-in layer type (see `sgdtrain layers`), or train this net with Caffe.",
            )
