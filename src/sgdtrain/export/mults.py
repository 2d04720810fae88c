"""The CAFFE_PARAM_MULTS table both snippets start their parameter groups from."""

from __future__ import annotations

from sgdtrain.export.common import num
from sgdtrain.export.netinfo import NetInfo


def mults_table(net: NetInfo | None, blob_names: str, example: str) -> list[str]:
    """Comment and `CAFFE_PARAM_MULTS = {...}` lines: layer name -> [(lr_mult, decay_mult) per blob].

    `blob_names` says what a layer's blobs are called in the framework ("weight, bias");
    `example` shows how to name a layer so the table finds it.
    """
    lines = [
        "# Caffe multiplies each learnable blob's rate by its lr_mult and its weight decay by its decay_mult.",
        "# Both default to 1, so biases ARE decayed unless their decay_mult is 0. A layer's blobs are",
        f"# [{blob_names}]. Layer name -> [(lr_mult, decay_mult) per blob]; unlisted parameters use (1, 1).",
        f"# Name your layers as in the Caffe net ({example}) or edit the keys.",
    ]
    if net is None:
        lines.append("# The net was not read: fill this in if it sets `param { lr_mult: ... decay_mult: ... }`.")
    elif not net.mults:
        lines.append(f"# The net ({net.source}) sets no lr_mult/decay_mult: Caffe's defaults apply everywhere.")
    else:
        lines.append(f"# From the net ({net.source}).")
    lines.append("CAFFE_PARAM_MULTS = {")
    for layer, blobs in (net.mults.items() if net else []):
        entries = ", ".join(f"({num(lr)}, {num(decay)})" for lr, decay in blobs)
        lines.append(f"    {quoted(layer)}: [{entries}],")
    lines.append("}")
    return lines


def quoted(text: str) -> str:
    """A Python string literal in double quotes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

