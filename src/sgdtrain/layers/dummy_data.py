"""DummyData: tops filled by dummy_data_param.data_filler (no bottoms).

Fillers: none (constant 0 for every top), one (for every top) or one per top.
Shapes: `shape` once or once per top, or the deprecated 4-D lists num /
channels / height / width, each given once or once per top (not both forms).
As in Caffe, a top whose filler is "constant" is filled once at setup and
forward leaves it alone; any other filler refills it from the net's generator
at every forward.
"""

from __future__ import annotations

from sgdtrain.blob import Blob
from sgdtrain.fillers import FILLERS, fill
from sgdtrain.layers.base import Layer, register
from sgdtrain.layers.input import shape_of
from sgdtrain.proto import caffe_pb2


@register
class DummyDataLayer(Layer):
    type = "DummyData"
    exact_num_bottom = 0
    min_top = 1

    def layer_setup(self, bottom: list[Blob], top: list[Blob]) -> None:
        p, n = self.param.dummy_data_param, len(top)
        if len(p.data_filler) not in (0, 1, n):
            raise self.error(f"has {len(p.data_filler)} data fillers for {n} tops; the number of data fillers must "
                             "be 0, 1 or equal to the number of tops.", None, "dummy_data_param", "data_filler")
        legacy = {"num": p.num, "channels": p.channels, "height": p.height, "width": p.width}
        if any(len(v) for v in legacy.values()):
            if len(p.shape):
                raise self.error("sets both shape and the legacy num/channels/height/width fields.",
                                 "Use `shape { dim: ... }` only.", "dummy_data_param")
            for name, values in legacy.items():
                if len(values) not in (1, n):
                    raise self.error(f"gives {len(values)} '{name}' values for {n} tops; must specify '{name}' once, "
                                     "or once per top blob.", None, "dummy_data_param", name)
            shapes = [tuple(int(v[0] if len(v) == 1 else v[i]) for v in legacy.values()) for i in range(n)]
        else:
            if len(p.shape) not in (1, n):
                raise self.error(f"gives {len(p.shape)} shapes for {n} tops; must specify 'shape' once, or once per "
                                 "top blob.", None, "dummy_data_param", "shape")
            shapes = [shape_of(self, p.shape[0 if len(p.shape) == 1 else i], "dummy_data_param", "shape")
                      for i in range(n)]
        fillers = list(p.data_filler) or [caffe_pb2.FillerParameter(type="constant", value=0)]
        for k, f in enumerate(fillers):
            if f.type not in FILLERS:  # Caffe's GetFiller fails at setup, not at the first forward
                raise self.error(f"has unknown filler type '{f.type}'.", "Known fillers: " + ", ".join(sorted(FILLERS))
                                 + ".", "dummy_data_param", "data_filler", k)
        # One filler for all tops, or one per top: (filler, index of its field) for each top.
        self.fillers = [(fillers[0 if len(fillers) == 1 else i], 0 if len(fillers) == 1 else i) for i in range(n)]
        for t, shape, (f, k) in zip(top, shapes, self.fillers):
            t.reshape(shape)
            if f.type == "constant":
                self._fill(t, f, k)  # once; forward never refills a constant
        self.refill = [f.type != "constant" for f, _ in self.fillers]

    def _fill(self, t: Blob, f: caffe_pb2.FillerParameter, k: int) -> None:
        t.data[...] = fill(f, t.shape, self.ctx.rng, self.ctx.where("dummy_data_param", "data_filler", k))

    def reshape(self, bottom: list[Blob], top: list[Blob]) -> None:
        pass  # shapes are fixed at setup

    def forward(self, bottom: list[Blob], top: list[Blob]) -> None:
        for t, (f, k), again in zip(top, self.fillers, self.refill):
            if again:
                self._fill(t, f, k)
