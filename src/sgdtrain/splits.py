"""Caffe's InsertSplits (util/insert_splits.cpp): where one top feeds several
bottoms (or feeds a bottom and carries a loss weight), a Split layer copies it.

Names follow Caffe exactly, because they appear in logs and .caffemodel files:
the layer is `<blob>_<producer>_<top index>_split`, its tops
`<blob>_<producer>_<top index>_split_<k>`.
"""

from __future__ import annotations

from collections import defaultdict

from sgdtrain.errors import ConfigError, Where
from sgdtrain.proto import caffe_pb2


def split_layer_name(layer: str, blob: str, top_index: int) -> str:
    return f"{blob}_{layer}_{top_index}_split"


def split_blob_name(layer: str, blob: str, top_index: int, k: int) -> str:
    return f"{blob}_{layer}_{top_index}_split_{k}"


def insert_splits(net: caffe_pb2.NetParameter, source: str | None = None) -> caffe_pb2.NetParameter:
    """A copy of `net` with Split layers inserted after multiply-consumed tops."""
    last_top: dict[str, tuple[int, int]] = {}
    source_of: dict[tuple[int, int], tuple[int, int]] = {}
    uses: dict[tuple[int, int], int] = defaultdict(int)
    loss_weight: dict[tuple[int, int], float] = {}
    for i, layer in enumerate(net.layer):
        for j, blob in enumerate(layer.bottom):
            if blob not in last_top:
                raise ConfigError(
                    f"layer '{layer.name}' reads bottom blob '{blob}', which no earlier layer produces "
                    f"(bottom index {j}).",
                    where=Where(source, field=f"layer '{layer.name}' bottom"),
                    fix="Check the blob name, the layer order, and the include/exclude rules of the producer.",
                )
            source_of[(i, j)] = last_top[blob]
            uses[last_top[blob]] += 1
        for j, blob in enumerate(layer.top):
            last_top[blob] = (i, j)
        for j in range(min(len(layer.loss_weight), len(layer.top))):
            top = last_top[layer.top[j]]
            loss_weight[top] = layer.loss_weight[j]
            if loss_weight[top]:
                uses[top] += 1

    out = caffe_pb2.NetParameter()
    out.CopyFrom(net)
    out.ClearField("layer")
    next_split: dict[tuple[int, int], int] = defaultdict(int)
    for i, original in enumerate(net.layer):
        layer = out.layer.add()
        layer.CopyFrom(original)
        for j in range(len(layer.bottom)):
            top = source_of[(i, j)]
            if uses[top] > 1:
                producer = net.layer[top[0]].name
                layer.bottom[j] = split_blob_name(producer, layer.bottom[j], top[1], next_split[top])
                next_split[top] += 1
        for j, blob in enumerate(original.top):
            top = (i, j)
            if uses[top] > 1:
                split = caffe_pb2.LayerParameter(name=split_layer_name(original.name, blob, j), type="Split")
                split.bottom.append(blob)
                w = loss_weight.get(top, 0.0)
                for k in range(uses[top]):
                    split.top.append(split_blob_name(original.name, blob, j, k))
                    if w:
                        split.loss_weight.append(w if k == 0 else 0.0)
                if w:
                    layer.ClearField("loss_weight")
                    next_split[top] += 1
                out.layer.add().CopyFrom(split)
    return out
