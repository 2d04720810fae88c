"""Net states and include/exclude rules (Caffe's Net::FilterNet / StateMeetsRule)."""

from __future__ import annotations

from sgdtrain.errors import ConfigError, Where
from sgdtrain.proto import caffe_pb2

Phase = int  # caffe_pb2.TRAIN or caffe_pb2.TEST


def merged_state(phase: Phase, *overrides: caffe_pb2.NetState | None) -> caffe_pb2.NetState:
    """{phase} merged with each override in turn (protobuf MergeFrom: set singular
    fields overwrite, repeated fields append), as Solver::InitTrainNet does."""
    state = caffe_pb2.NetState(phase=phase)
    for o in overrides:
        if o is not None:
            state.MergeFrom(o)
    return state


def state_meets_rule(state: caffe_pb2.NetState, rule: caffe_pb2.NetStateRule) -> bool:
    """True when every part the rule sets holds for `state`."""
    if rule.HasField("phase") and rule.phase != state.phase:
        return False
    if rule.HasField("min_level") and state.level < rule.min_level:
        return False
    if rule.HasField("max_level") and state.level > rule.max_level:
        return False
    stages = set(state.stage)
    if any(s not in stages for s in rule.stage):
        return False
    return not any(s in stages for s in rule.not_stage)


def layer_included(layer: caffe_pb2.LayerParameter, state: caffe_pb2.NetState, source: str | None = None) -> bool:
    """Include rules: any match includes. Exclude rules: any match excludes."""
    if len(layer.include) and len(layer.exclude):
        raise ConfigError(
            f"layer '{layer.name}' has both include and exclude rules.",
            where=Where(source, field=f"layer '{layer.name}'"),
            fix="Specify either include rules or exclude rules, not both (Caffe's rule).",
        )
    if len(layer.include):
        return any(state_meets_rule(state, r) for r in layer.include)
    return not any(state_meets_rule(state, r) for r in layer.exclude)


def filter_net(
    net: caffe_pb2.NetParameter,
    state: caffe_pb2.NetState,
    source: str | None = None,
    log=None,
) -> caffe_pb2.NetParameter:
    """A copy of `net` holding only the layers `state` includes, with `state` set.

    `log(tag, message)` receives Caffe's notes on layers a phase rule excluded."""
    out = caffe_pb2.NetParameter()
    out.CopyFrom(net)
    out.ClearField("layer")
    out.state.CopyFrom(state)
    for layer in net.layer:
        if layer_included(layer, state, source):
            out.layer.add().CopyFrom(layer)
        elif log is not None:
            for rule in list(layer.include) + list(layer.exclude):
                if rule.HasField("phase") and rule.phase != state.phase:
                    log("net.cpp:296", f"The NetState phase ({state.phase}) differed from the phase "
                        f"({rule.phase}) specified by a rule in layer {layer.name}")
                    break
    return out


def phase_name(phase: Phase) -> str:
    return caffe_pb2.Phase.Name(phase)
