"""An independent float64 LeNet with Caffe's semantics, in plain numpy: an oracle
for sgdtrain's trajectories that shares none of its layer, net or solver code.

Caffe's LeNet (conv 5x5 → max pool 2/2 → conv 5x5 → max pool 2/2 → ip 500 →
ReLU → ip 10 → softmax loss), NCHW, weights from a .caffemodel, data read
straight from the IDX files and scaled by 0.00390625. Max pooling takes the
first maximum in window order, as Caffe; LeNet's windows tile exactly, so
Caffe's ceil rounding and padding clip do not arise; `flip_gap` settles
max-pooling near-ties the other way, as sgdtrain.fidelity.ties does. Two update
rules: SGD with momentum (rate inside the history) and AdaDelta, each written
from Caffe's formulas with L2 weight decay added to the gradient first.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from sgdtrain.proto import caffe_pb2

LR_MULTS = (1.0, 2.0) * 4  # lenet_train_test.prototxt: weights 1, biases 2


def read_weights(path: Path) -> list[np.ndarray]:
    net = caffe_pb2.NetParameter()
    net.ParseFromString(path.read_bytes())
    out = []
    for layer in net.layer:
        for blob in layer.blobs:
            out.append(np.array(blob.data, dtype=np.float64).reshape(tuple(blob.shape.dim)))
    return out


@functools.cache
def _training_set(data: Path) -> tuple[np.ndarray, np.ndarray]:
    """The bundled training subset (IDX: a 16-byte image header, an 8-byte label header)."""
    with gzip.open(data / "train-first16000-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(data / "train-first16000-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    return images, labels


def read_batch(data: Path, start: int, count: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Records start..start+count in file order, as Caffe's Data layer reads its LMDB."""
    images, labels = _training_set(data)
    scale = np.float64(np.float32(0.00390625))
    return images[start : start + count].astype(np.float64) * scale, labels[start : start + count].astype(np.int64)


def _conv(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))  # N, C, OH, OW, KH, KW
    return np.einsum("nchwij,ocij->nohw", windows, w, optimize=True) + b[None, :, None, None], windows


def _conv_backward(dy, windows, w, x_shape):
    dw = np.einsum("nohw,nchwij->ocij", dy, windows, optimize=True)
    db = dy.sum(axis=(0, 2, 3))
    dx = np.zeros(x_shape)
    oh, ow = dy.shape[2:]
    for i in range(w.shape[2]):
        for j in range(w.shape[3]):
            dx[:, :, i : i + oh, j : j + ow] += np.einsum("nohw,oc->nchw", dy, w[:, :, i, j], optimize=True)
    return dw, db, dx


def _pool(x: np.ndarray, flip_gap: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """2x2/2 max pooling; with `flip_gap`, a runner-up within that relative gap of the winner wins
    (the other way float32 rounding can settle a near-tie; exact ties are left alone)."""
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    arg = win.argmax(axis=-1)  # the first maximum in (0,0), (0,1), (1,0), (1,1) order: Caffe's rule
    if flip_gap:
        best = win.max(axis=-1, keepdims=True)
        second = np.where(win < best, win, -np.inf).max(axis=-1)
        gap = (best[..., 0] - second) / np.maximum(np.abs(best[..., 0]), np.finfo(np.float64).tiny)
        near = (gap > 0) & (gap < flip_gap)
        arg = np.where(near, np.argmax(win == second[..., None], axis=-1), arg)
    return np.take_along_axis(win, arg[..., None], axis=-1)[..., 0], arg


def _pool_backward(dy: np.ndarray, arg: np.ndarray) -> np.ndarray:
    n, c, h, w = dy.shape
    win = np.zeros((n, c, h, w, 4))
    np.put_along_axis(win, arg[..., None], dy[..., None], axis=-1)
    return win.reshape(n, c, h, w, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, 2 * h, 2 * w)


def loss_and_gradients(params: list[np.ndarray], x: np.ndarray, labels: np.ndarray, flip_gap: float = 0.0):
    """Softmax loss (mean over the batch) and the gradient of every parameter blob."""
    w1, b1, w2, b2, w3, b3, w4, b4 = params
    c1, win1 = _conv(x, w1, b1)
    p1, arg1 = _pool(c1, flip_gap)
    c2, win2 = _conv(p1, w2, b2)
    p2, arg2 = _pool(c2, flip_gap)
    flat = p2.reshape(len(x), -1)
    a3 = flat @ w3.T + b3
    h3 = np.maximum(a3, 0)
    z = h3 @ w4.T + b4
    z = z - z.max(axis=1, keepdims=True)
    prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    rows = np.arange(len(x))
    loss = -np.log(prob[rows, labels]).mean()
    dz = prob.copy()
    dz[rows, labels] -= 1
    dz /= len(x)
    dw4, db4, dh3 = dz.T @ h3, dz.sum(0), dz @ w4
    da3 = dh3 * (a3 > 0)
    dw3, db3, dflat = da3.T @ flat, da3.sum(0), da3 @ w3
    dc2 = _pool_backward(dflat.reshape(p2.shape), arg2)
    dw2, db2, dp1 = _conv_backward(dc2, win2, w2, p1.shape)
    dc1 = _pool_backward(dp1, arg1)
    dw1, db1, _ = _conv_backward(dc1, win1, w1, x.shape)
    return loss, [dw1, db1, dw2, db2, dw3, db3, dw4, db4]


class SGD:
    """H = μH + lr·lr_mult·(g + λw); W −= H."""

    def __init__(self, params, momentum: float, weight_decay: float):
        self.momentum, self.decay = momentum, weight_decay
        self.history = [np.zeros_like(p) for p in params]

    def update(self, params, grads, rate: float) -> None:
        for p, g, h, m in zip(params, grads, self.history, LR_MULTS):
            h *= self.momentum
            h += rate * m * (g + self.decay * p)
            p -= h


class AdaDelta:
    """g ← g + λw; E[g²] = μE[g²] + (1−μ)g²; u = g·√((E[u²]+δ)/(E[g²]+δ));
    E[u²] = μE[u²] + (1−μ)u²; W −= lr·lr_mult·u (Caffe's adadelta_solver.cpp)."""

    def __init__(self, params, momentum: float, weight_decay: float, delta: float):
        self.momentum, self.decay, self.delta = momentum, weight_decay, delta
        self.g2 = [np.zeros_like(p) for p in params]
        self.u2 = [np.zeros_like(p) for p in params]

    def update(self, params, grads, rate: float) -> None:
        mu, d = self.momentum, self.delta
        for p, g, g2, u2, m in zip(params, grads, self.g2, self.u2, LR_MULTS):
            g = g + self.decay * p
            g2 *= mu
            g2 += (1 - mu) * g * g
            u = g * np.sqrt((u2 + d) / (g2 + d))
            u2 *= mu
            u2 += (1 - mu) * u * u
            p -= rate * m * u


def trajectory(params, data: Path, rule, rate, iterations: int, flip_gap: float = 0.0) -> list[float]:
    """Loss at iterations 0..iterations-1, updating after each; `rate(iter)` is the lr."""
    losses = []
    for it in range(iterations):
        x, labels = read_batch(data, 64 * it)
        loss, grads = loss_and_gradients(params, x, labels, flip_gap)
        losses.append(float(loss))
        rule.update(params, grads, rate(it))
    return losses
