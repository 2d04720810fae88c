"""Caffe's CPU-sized example nets on local data, laid out like Caffe's repository root.

Caffe's run scripts call `caffe train --solver=examples/...` from the repository root, and every data path
in the example nets (`examples/mnist/mnist_train_lmdb`, `examples/cifar10/mean.binaryproto`, ...) is relative
to it. The builders here make such a root in a temporary directory: the example prototxts copied unchanged
(solvers shortened with `shortened_solver`, never the nets' layers), and small databases beside them:

* MNIST LMDBs from the embedded Fashion-MNIST IDX files, written by sgdtrain's convert-mnist;
* the siamese pair databases (at the `..._leveldb` paths the net names, but as LMDBs, which sgdtrain reads at
  any path): two images per Datum, as two channels, labelled 1 when their classes agree, as Caffe's
  examples/siamese/convert_mnist_siamese_data.cpp writes them;
* a synthetic CIFAR-10 (3x32x32 uint8 Datums, labels 0..9, each class a faint tint and stripe pattern under
  noise, so a net can learn it) and its mean.binaryproto (a 1x3x32x32 BlobProto, as compute_image_mean writes).

`expected_shapes` computes layer output shapes independently of sgdtrain, from Caffe's rules (convolution:
floor; pooling: ceil, with the padding clip), and `cifar10_quick_shapes_match` compares them with what
sgdtrain builds.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable
from contextlib import chdir, nullcontext
from pathlib import Path

import numpy as np
from conftest import EXAMPLES, REPO
from google.protobuf import text_format

from sgdtrain.config.net import NetSpec, read_net_file
from sgdtrain.config.netstate import merged_state
from sgdtrain.config.solver import read_solver
from sgdtrain.data import idx
from sgdtrain.data.convert import LMDB_MAP_SIZE, convert_mnist
from sgdtrain.data.datum import array_to_datum
from sgdtrain.net import Net
from sgdtrain.proto import caffe_pb2
from sgdtrain.solver import Solver
from sgdtrain.solver.events import SolverListener

FASHION = REPO / "data" / "fashion-mnist"
MNIST_FILES = {
    "train": ("train-first16000-images-idx3-ubyte.gz", "train-first16000-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


# -- folders and files ----------------------------------------------------------------------------------------
def copy_example(root: Path, rel: str) -> Path:
    """Copy Caffe's `rel` (e.g. "examples/mnist/mnist_autoencoder.prototxt") unchanged to the same place in root."""
    out = root / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EXAMPLES / rel, out)
    return out


def shortened_solver(root: Path, rel: str, **settings) -> Path:
    """Copy the solver `rel` into root with short-run settings: CPU, no snapshots, and `settings`
    (max_iter, test_iter=[...], test_interval, display, ...). The nets it names or holds are not touched."""
    param = caffe_pb2.SolverParameter()
    text_format.Parse((EXAMPLES / rel).read_text(), param)
    param.solver_mode = caffe_pb2.SolverParameter.CPU
    param.snapshot = 0
    param.snapshot_after_train = False
    for name, value in settings.items():
        if isinstance(value, list | tuple):
            param.ClearField(name)
            getattr(param, name).extend(value)
        else:
            setattr(param, name, value)
    out = root / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text_format.MessageToString(param))
    return out


# -- databases ------------------------------------------------------------------------------------------------
def fashion(split: str, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The first `count` Fashion-MNIST images (N x 28 x 28 uint8) and labels of "train" or "test"."""
    images, labels = (FASHION / name for name in MNIST_FILES[split])
    return (idx.read_idx(images, idx.IMAGES_MAGIC)[:count], idx.read_idx(labels, idx.LABELS_MAGIC)[:count])


def write_datum_lmdb(out: Path, images: np.ndarray, labels: np.ndarray, key_digits: int = 8) -> Path:
    """An LMDB of uint8 Datums (C x H x W, or H x W for one channel) under keys `%0Nd`, as Caffe's converters."""
    import lmdb

    out.parent.mkdir(parents=True, exist_ok=True)
    env = lmdb.open(str(out), map_size=LMDB_MAP_SIZE)
    try:
        with env.begin(write=True) as txn:
            for i, (image, label) in enumerate(zip(images, labels)):
                key = b"%0*d" % (key_digits, i)
                txn.put(key, array_to_datum(image, int(label)).SerializeToString(), append=True)
    finally:
        env.close()
    return out


def write_mnist_lmdbs(root: Path, n_train: int = 2000, n_test: int = 1000) -> None:
    """examples/mnist/mnist_{train,test}_lmdb: the first Fashion-MNIST records, through `convert-mnist`."""
    folder = root / "examples" / "mnist"
    folder.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", n_train), ("test", n_test)):
        images, labels = fashion(split, n)
        raw = root / "data" / "mnist"
        raw.mkdir(parents=True, exist_ok=True)
        images_file = raw / f"{split}-images-idx3-ubyte"
        labels_file = raw / f"{split}-labels-idx1-ubyte"
        idx.write_idx(images_file, images, compress=False)
        idx.write_idx(labels_file, labels, compress=False)
        convert_mnist(images_file, labels_file, folder / f"mnist_{split}_lmdb")


def siamese_pairs(images: np.ndarray, labels: np.ndarray, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """convert_mnist_siamese_data's records: for each item two random images i, j (N x 2 x 28 x 28) and
    the label 1 if label[i] == label[j] else 0."""
    rng = np.random.default_rng(seed)
    i = rng.integers(0, len(images), size=count)
    j = rng.integers(0, len(images), size=count)
    pairs = np.stack([images[i], images[j]], axis=1)
    return pairs, (labels[i] == labels[j]).astype(np.int64)


def write_siamese_dbs(root: Path, n_train: int = 2000, n_test: int = 1000, pool: int = 4000) -> None:
    """examples/siamese/mnist_siamese_{train,test}_leveldb, written as LMDBs of 2-channel pair Datums."""
    folder = root / "examples" / "siamese"
    for split, n, seed in (("train", n_train, 1), ("test", n_test, 2)):
        images, labels = fashion(split, pool)
        pairs, same = siamese_pairs(images, labels, n, seed)
        write_datum_lmdb(folder / f"mnist_siamese_{split}_leveldb", pairs, same)


def synthetic_cifar(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` CIFAR-shaped images (N x 3 x 32 x 32 uint8) with labels 0..9 in turn, shuffled. Class k is a
    weak signal under strong noise: grey 128, plus +-10 per channel (the signs are the bits of k % 8), plus
    stripes of amplitude 10 and period 4 + k % 5 (horizontal for k < 5, else vertical), plus uniform noise
    of +-60. Weak enough that cifar10_quick's loss falls over tens of iterations instead of collapsing at once
    (a stronger signal drives its unscaled inputs to huge logits and momentum spikes)."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    rng.shuffle(labels)
    wave = np.sin(2 * np.pi * np.arange(32)[None, :] / (4 + np.arange(10)[:, None] % 5))  # (class, position)
    images = np.empty((count, 3, 32, 32), np.uint8)
    for n, k in enumerate(labels):
        signs = np.array([1.0 if (k % 8) >> bit & 1 else -1.0 for bit in range(3)])
        stripes = wave[k][:, None] * np.ones(32) if k < 5 else np.ones(32)[:, None] * wave[k]
        image = 128 + 10 * signs[:, None, None] + 10 * stripes[None] + rng.uniform(-60, 60, size=(3, 32, 32))
        images[n] = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    return images, labels


def write_mean_binaryproto(path: Path, images: np.ndarray) -> np.ndarray:
    """compute_image_mean's output: the per-pixel mean as a 1 x C x H x W BlobProto (legacy num/channels/...)."""
    mean = images.astype(np.float64).mean(axis=0).astype(np.float32)
    c, h, w = mean.shape
    proto = caffe_pb2.BlobProto(num=1, channels=c, height=h, width=w)
    proto.data.extend(mean.ravel().tolist())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(proto.SerializeToString())
    return mean


def write_cifar_dbs(root: Path, n_train: int = 1000, n_test: int = 500) -> None:
    """examples/cifar10/cifar10_{train,test}_lmdb (keys %05d, as convert_cifar_data) and mean.binaryproto."""
    folder = root / "examples" / "cifar10"
    train_images, train_labels = synthetic_cifar(n_train, seed=10)
    test_images, test_labels = synthetic_cifar(n_test, seed=11)
    write_datum_lmdb(folder / "cifar10_train_lmdb", train_images, train_labels, key_digits=5)
    write_datum_lmdb(folder / "cifar10_test_lmdb", test_images, test_labels, key_digits=5)
    write_mean_binaryproto(folder / "mean.binaryproto", train_images)


# -- Caffe's shape rules, computed independently of sgdtrain ------------------------------------------------
def conv_out(size: int, kernel: int, stride: int = 1, pad: int = 0, dilation: int = 1) -> int:
    """Caffe's convolution output size: floor((in + 2 pad - (dilation (k - 1) + 1)) / stride) + 1."""
    return (size + 2 * pad - (dilation * (kernel - 1) + 1)) // stride + 1


def pool_out(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    """Caffe's pooling output size: ceil((in + 2 pad - k) / stride) + 1, less one when pad > 0 and the last
    window would start in the padding."""
    out = math.ceil((size + 2 * pad - kernel) / stride) + 1
    if pad > 0 and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def expected_shapes(net: caffe_pb2.NetParameter, record_shape: tuple[int, int, int]) -> dict[str, tuple[int, ...]]:
    """Top name -> shape for the layers of `net` (already filtered for one state) whose Data layers read
    records of `record_shape` (C, H, W), by Caffe's rules. Covers the layer types of the CPU-sized examples."""
    shapes: dict[str, tuple[int, ...]] = {}
    for layer in net.layer:
        t, bottoms = layer.type, [shapes[b] for b in layer.bottom]
        if t == "Data":
            batch, crop = layer.data_param.batch_size, layer.transform_param.crop_size
            c, h, w = record_shape
            out = [(batch, c, crop or h, crop or w), (batch,)]
        elif t == "Convolution":
            p = layer.convolution_param
            n, _, h, w = bottoms[0]
            k, s, pad = p.kernel_size[0], (p.stride[0] if len(p.stride) else 1), (p.pad[0] if len(p.pad) else 0)
            out = [(n, p.num_output, conv_out(h, k, s, pad), conv_out(w, k, s, pad))]
        elif t == "Pooling":
            p = layer.pooling_param
            n, c, h, w = bottoms[0]
            out = [(n, c, pool_out(h, p.kernel_size, p.stride, p.pad), pool_out(w, p.kernel_size, p.stride, p.pad))]
        elif t == "InnerProduct":
            out = [(bottoms[0][0], layer.inner_product_param.num_output)]
        elif t == "Flatten":
            out = [(bottoms[0][0], math.prod(bottoms[0][1:]))]
        elif t == "Slice":
            p = layer.slice_param
            axis = p.slice_dim if p.HasField("slice_dim") else p.axis
            points = [0, *p.slice_point, bottoms[0][axis]]
            out = [bottoms[0][:axis] + (hi - lo,) + bottoms[0][axis + 1:] for lo, hi in zip(points, points[1:])]
        elif t in ("ReLU", "Sigmoid", "TanH", "Dropout", "Softmax"):
            out = [bottoms[0]]
        elif t in ("SoftmaxWithLoss", "EuclideanLoss", "SigmoidCrossEntropyLoss", "ContrastiveLoss", "Accuracy"):
            out = [()]
        else:
            raise ValueError(f"no shape rule here for layer type {t}")
        for top, shape in zip(layer.top, out):
            shapes[top] = shape
    return shapes


def built_shapes(net) -> dict[str, tuple[int, ...]]:
    """Top name -> shape of an sgdtrain Net (named tops only)."""
    return {name: blob.shape for name, blob in net.blobs.items()}


def layer_top_shapes(net) -> list[tuple[str, list[tuple[int, ...]]]]:
    """(layer name, [top shapes]) of an sgdtrain Net in layer order (automatic Split layers included)."""
    return [(name, [t.shape for t in tops]) for name, tops in zip(net.layer_names, net.tops)]


CIFAR10_QUICK = "examples/cifar10/cifar10_quick_train_test.prototxt"


def cifar10_quick_root(root: Path) -> Path:
    """A Caffe root with cifar10_quick's net and solver and the synthetic CIFAR data (idempotent)."""
    if not (root / "examples" / "cifar10" / "mean.binaryproto").exists():
        write_cifar_dbs(root)
    copy_example(root, CIFAR10_QUICK)
    return root


def cifar10_quick_shapes_match(root: Path | None = None) -> bool:
    """Build cifar10_quick's TRAIN net on the synthetic data and say whether every top shape equals the
    shape Caffe's rules give (computed here, not by sgdtrain). Reads sgdtrain's pooling at call time."""
    with tempfile.TemporaryDirectory() if root is None else nullcontext(root) as folder:
        base = cifar10_quick_root(Path(folder))
        with chdir(base):
            param, _, _ = read_net_file(Path(CIFAR10_QUICK))
            filtered = NetSpec(param, merged_state(caffe_pb2.TRAIN), "net file").filtered()
            net = Net(filtered, rng=np.random.default_rng(0))
            built = built_shapes(net)
    expected = expected_shapes(filtered, (3, 32, 32))
    return all(built.get(name) == shape for name, shape in expected.items())


# -- training -------------------------------------------------------------------------------------------------
class LossRecorder(SolverListener):
    """Every displayed iteration's loss and every test's outputs."""

    def __init__(self) -> None:
        self.losses: list[float] = []
        self.tests: list[tuple[int, int, dict[str, float], float | None]] = []

    def on_display(self, iter, lr, loss, smoothed, outputs, seconds) -> None:
        self.losses.append(loss)

    def on_test(self, iter, net_id, outputs, loss, seconds) -> None:
        self.tests.append((iter, net_id, {o.name: o.value for o in outputs}, loss))


def train(root: Path, solver_rel: str, before: Callable[[Solver], None] | None = None):
    """Read the solver at root/solver_rel from root (as `caffe train` from Caffe's root) and solve it,
    calling `before(solver)` first when given. Returns (solver, LossRecorder)."""
    recorder = LossRecorder()
    with chdir(root):
        solver = Solver(read_solver(solver_rel), listeners=[recorder])
        if before is not None:
            before(solver)
        solver.solve()
    return solver, recorder
