"""What the exporters need from the net: each layer's per-blob lr_mult/decay_mult, and the batch size.

Only layers whose `param { ... }` blocks set something are listed; every other
learnable blob has Caffe's defaults, lr_mult 1 and decay_mult 1, which the
snippets apply to any parameter they find no entry for. BatchNorm is left out:
its Caffe blobs are the running statistics (buffers in PyTorch and Keras, never
trained), while a framework's batch-norm scale and shift are Caffe's Scale layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sgdtrain.config.solver import read_solver
from sgdtrain.config.textformat import FieldLocator, read_text_file
from sgdtrain.config.upgrade import upgrade_solver
from sgdtrain.errors import SgdtrainError, Where
from sgdtrain.proto import caffe_pb2

_BATCH_FIELDS = ("data_param", "image_data_param", "hdf5_data_param", "memory_data_param", "window_data_param")


@dataclass
class NetInfo:
    """The train net as the exporters see it."""

    mults: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # layer -> [(lr_mult, decay_mult)]
    batch_size: int | None = None
    source: str = ""


def net_info(net: caffe_pb2.NetParameter, source: str = "") -> NetInfo:
    """The per-blob multipliers of a (phase-filtered) train net, in layer order, and its first batch size."""
    info = NetInfo(source=source)
    for layer in net.layer:
        if layer.param and layer.type != "BatchNorm":
            info.mults[layer.name] = [(float(p.lr_mult), float(p.decay_mult)) for p in layer.param]
        if info.batch_size is None:
            for name in _BATCH_FIELDS:
                if layer.HasField(name) and getattr(layer, name).batch_size:
                    info.batch_size = int(getattr(layer, name).batch_size)
                    break
    return info


@dataclass
class LoadedSolver:
    """A solver read for export: the message, where its fields are, and its net when it could be read."""

    param: caffe_pb2.SolverParameter
    path: Path
    locator: FieldLocator
    net: NetInfo | None
    notes: list[str]

    def where(self, name: str) -> Where:
        return Where(self.path, self.locator.line_of(name), field=name)


def load_solver(path: str | Path) -> LoadedSolver:
    """Parse a solver prototxt (errors are ConfigErrors) and, when its net resolves, read the net too.

    A net that cannot be read is not an error here: the snippet then has one
    parameter group, and a note says why.
    """
    solver_path = Path(path)
    param, text = read_text_file(solver_path, caffe_pb2.SolverParameter(), "solver prototxt")
    upgrade_solver(param, str(solver_path))
    locator = FieldLocator.from_text(text)
    notes: list[str] = []
    try:
        config = read_solver(solver_path)
        net: NetInfo | None = net_info(config.train_net.filtered(), config.train_net.source)
    except SgdtrainError as exc:
        net = None
        notes.append(
            f"the train net was not read ({exc}), so lr_mult/decay_mult are unknown: the snippet puts every "
            "parameter in one group with Caffe's defaults (lr_mult 1, decay_mult 1). Fill in CAFFE_PARAM_MULTS "
            "if the net sets `param { lr_mult ... }` (LeNet's biases use lr_mult 2)."
        )
    return LoadedSolver(param, solver_path, locator, net, notes)
