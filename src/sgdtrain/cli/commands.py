"""`sgdtrain test`, `time`, `convert-mnist`, `layers`: Caffe's other verbs and tools."""

from __future__ import annotations

import sys
import time as clock
from pathlib import Path

import click
import numpy as np

from sgdtrain.cli.app import STATE, debug_option, fail, level_option, log_format_option, run_guarded, stage_option
from sgdtrain.log import CaffeLog, fmt_double, fmt_float
from sgdtrain.proto import caffe_pb2


def _build_net(model: str, phase: int, level: int, stage: str, log: CaffeLog):
    from sgdtrain.config.net import NetSpec, read_net_file
    from sgdtrain.config.netstate import merged_state
    from sgdtrain.config.paths import PathResolver
    from sgdtrain.net import Net

    resolver = PathResolver.beside(None)
    path = resolver.resolve(model, "net prototxt (--model)")
    net_param, locator, notes = read_net_file(Path(path), named_by="--model")
    for note in notes:
        log.info("upgrade_proto.cpp:67", note)
    state = caffe_pb2.NetState(phase=phase, level=level)
    state.stage.extend(stage.split(","))
    spec = NetSpec(net_param, merged_state(phase, net_param.state if net_param.HasField("state") else None, state),
                   f"net file: {model}", Path(path), locator)
    return Net(spec.filtered(log.info), rng=np.random.default_rng(), resolver=PathResolver.beside(Path(path)),
               log=log, source=str(path), where=lambda name: (lambda *parts: spec.layer_where(name, *parts)))


@click.command("test")
@click.option("--model", required=True, metavar="NET.prototxt", help="The net prototxt (built in the TEST phase).")
@click.option("--weights", required=True, metavar="W.caffemodel[,...]", help="The trained weights to score.")
@click.option("--iterations", type=int, default=50, show_default=True, help="Number of batches.")
@level_option
@stage_option
@click.option("--gpu", hidden=True)
@log_format_option
@debug_option
def test(model, weights, iterations, level, stage, gpu, log_format, debug):
    """Score a trained model (Caffe's `caffe test`): per-batch and mean outputs."""
    STATE.debug = STATE.debug or debug
    run_guarded(_test, model, weights, iterations, level, stage, log_format)


def _test(model, weights, iterations, level, stage, log_format):
    from sgdtrain.weights import load_weights

    log = CaffeLog(sys.stderr, fmt=log_format)
    log.info("caffe.cpp:255", "Use CPU.")
    net = _build_net(model, caffe_pb2.TEST, level, stage, log)
    load_weights([net], weights, log, tag="caffe.cpp:258")
    log.info("caffe.cpp:281", f"Running for {iterations} iterations.")
    scores: list[np.float32] = []
    loss = np.float32(0)
    for i in range(iterations):
        loss = np.float32(loss + net.forward())
        k = 0
        for name, blob, _ in net.outputs():
            for value in blob.data.reshape(-1):
                if i == 0:
                    scores.append(np.float32(value))
                else:
                    scores[k] = np.float32(scores[k] + value)
                log.info("caffe.cpp:304", f"Batch {i}, {name} = {fmt_float(value)}")
                k += 1
    log.info("caffe.cpp:309", f"Loss: {fmt_float(loss / np.float32(iterations))}")
    k = 0
    for name, blob, weight in net.outputs():
        for _ in range(blob.count):
            mean = np.float32(scores[k] / np.float32(iterations))
            suffix = f" (* {fmt_float(weight)} = {fmt_float(np.float32(weight) * mean)} loss)" if weight else ""
            log.info("caffe.cpp:321", f"{name} = {fmt_float(mean)}{suffix}")
            k += 1


@click.command("time")
@click.option("--model", required=True, metavar="NET.prototxt", help="The net prototxt to time.")
@click.option("--iterations", type=int, default=50, show_default=True, help="Timed forward-backward passes.")
@click.option("--phase", type=click.Choice(["TRAIN", "TEST"]), default="TRAIN", show_default=True)
@click.option("--weights", default=None, help="Optional weights to load first.")
@level_option
@stage_option
@click.option("--gpu", hidden=True)
@log_format_option
@debug_option
def time_(model, iterations, phase, weights, level, stage, gpu, log_format, debug):
    """Time each layer's forward and backward (Caffe's `caffe time`); no parameter is updated."""
    STATE.debug = STATE.debug or debug
    run_guarded(_time, model, iterations, phase, weights, level, stage, log_format)


def _time(model, iterations, phase, weights, level, stage, log_format):
    from sgdtrain.net import LayerTiming
    from sgdtrain.weights import load_weights

    log = CaffeLog(sys.stderr, fmt=log_format)
    log.info("caffe.cpp:352", "Use CPU.")
    net = _build_net(model, caffe_pb2.TRAIN if phase == "TRAIN" else caffe_pb2.TEST, level, stage, log)
    if weights:
        load_weights([net], weights, log, tag="caffe.cpp:358")
    log.info("caffe.cpp:362", "Performing Forward")
    loss = net.forward()
    log.info("caffe.cpp:367", f"Initial loss: {fmt_float(loss)}")
    log.info("caffe.cpp:368", "Performing Backward")
    net.backward()
    log.info("caffe.cpp:377", "*** Benchmark begins ***")
    log.info("caffe.cpp:378", f"Testing for {iterations} iterations.")
    net.timing = [LayerTiming() for _ in net.layers]
    # caffe time calls every layer's backward, whatever the net's pruning says.
    need = net.layer_need_backward[:]
    net.layer_need_backward = [layer.has_backward for layer in net.layers]
    total_start = clock.perf_counter()
    for j in range(iterations):
        t0 = clock.perf_counter()
        net.forward()
        net.backward()
        log.info("caffe.cpp:394", f"Iteration: {j + 1} forward-backward time: "
                 f"{int((clock.perf_counter() - t0) * 1000)} ms.")
    total = (clock.perf_counter() - total_start) * 1000
    net.layer_need_backward = need
    log.info("caffe.cpp:397", "Average time per layer: ")
    fwd = bwd = 0.0
    for name, t in zip(net.layer_names, net.timing):
        f_ms = sum(t.forward) * 1000 / iterations
        b_ms = sum(t.backward) * 1000 / iterations
        fwd += f_ms
        bwd += b_ms
        log.info("caffe.cpp:400", f"{name:>10}\tforward: {fmt_double(f_ms)} ms.")
        log.info("caffe.cpp:403", f"{name:>10}\tbackward: {fmt_double(b_ms)} ms.")
    net.timing = None
    log.info("caffe.cpp:408", f"Average Forward pass: {fmt_double(fwd)} ms.")
    log.info("caffe.cpp:410", f"Average Backward pass: {fmt_double(bwd)} ms.")
    log.info("caffe.cpp:412", f"Average Forward-Backward: {fmt_double(total / iterations)} ms.")
    log.info("caffe.cpp:414", f"Total Time: {fmt_double(total)} ms.")
    log.info("caffe.cpp:415", "*** Benchmark ends ***")


@click.command("convert-mnist")
@click.argument("images", type=click.Path(dir_okay=False))
@click.argument("labels", type=click.Path(dir_okay=False))
@click.argument("out_lmdb", type=click.Path())
@log_format_option
@debug_option
def convert_mnist(images, labels, out_lmdb, log_format, debug):
    """Write an LMDB of Datum records from MNIST/IDX files, as Caffe's convert_mnist_data does.

    \b
      sgdtrain convert-mnist train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz mnist_train_lmdb
    Keys are %08d in file order; each value is a Datum of 1 x rows x cols uint8 pixels and the label.
    """
    STATE.debug = STATE.debug or debug
    from sgdtrain.data.convert import convert_mnist as convert

    log = CaffeLog(sys.stderr, fmt=log_format)
    for p in (images, labels):
        if not Path(p).exists():
            fail(f"the file '{p}' does not exist.")
    run_guarded(convert, Path(images), Path(labels), Path(out_lmdb), lambda m: log.info("convert_mnist_data.cpp:89", m))


@click.command("layers")
def layers():
    """List the layer types sgdtrain implements (Caffe's type names)."""
    from sgdtrain.layers import LAYERS

    for name in sorted(LAYERS):
        click.echo(name)


@click.command("device_query", hidden=True)
def device_query():
    """Caffe's GPU query: sgdtrain has no GPU devices."""
    fail("sgdtrain computes on the CPU and has no GPU devices to query.", 1)
