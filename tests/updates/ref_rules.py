"""An independent float64 reference of Caffe's update, written from the formulas (not from sgdtrain).

`solver(type, ...)` builds a SolverParameter; `Reference` replays ApplyUpdate in
float64 on copies of the params, for comparison with the float32 Updater.
"""

from __future__ import annotations

import numpy as np

from sgdtrain.proto import caffe_pb2

f64 = np.float64


def solver(type: str, **fields) -> caffe_pb2.SolverParameter:
    return caffe_pb2.SolverParameter(type=type, **fields)


def rule_step(param, g, hist, lr, t):
    """One rule in float64: returns (delta, new history tuple). g already holds any L1/L2 decay."""
    kind, mu, eps = param.type, f64(param.momentum), f64(param.delta)
    if kind == "SGD":
        h = mu * hist[0] + lr * g
        return h, (h,)
    if kind == "Nesterov":
        h = mu * hist[0] + lr * g
        return (1 + mu) * h - mu * hist[0], (h,)
    if kind == "AdaGrad":
        h = hist[0] + g * g
        return lr * g / (np.sqrt(h) + eps), (h,)
    if kind == "RMSProp":
        rho = f64(param.rms_decay)
        h = rho * hist[0] + (1 - rho) * g * g
        return lr * g / (np.sqrt(h) + eps), (h,)
    if kind == "AdaDelta":
        h1 = mu * hist[0] + (1 - mu) * g * g
        u = g * np.sqrt((hist[1] + eps) / (h1 + eps))
        h2 = mu * hist[1] + (1 - mu) * u * u
        return lr * u, (h1, h2)
    if kind in ("Adam", "AdamW"):
        b1, b2 = mu, f64(param.momentum2)
        m = b1 * hist[0] + (1 - b1) * g
        v = b2 * hist[1] + (1 - b2) * g * g
        return lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps), (m, v)
    raise AssertionError(kind)


def decayed(param, g, w, local_decay):
    """Caffe's Regularize in float64 (AdamW: nothing, its decay is decoupled)."""
    if param.type == "AdamW" or local_decay == 0:
        return g
    return g + local_decay * (w if param.regularization_type == "L2" else np.sign(w))


class Reference:
    """ApplyUpdate in float64: clip -> normalize -> regularize -> rule -> W -= Δ."""

    def __init__(self, param, datas, lr_mults, decay_mults):
        self.param = param
        self.datas = [f64(d).copy() for d in datas]
        self.lr_mults, self.decay_mults = list(lr_mults), list(decay_mults)
        sets = 2 if param.type in ("AdaDelta", "Adam", "AdamW") else 1
        self.hist = [tuple(np.zeros_like(d) for _ in range(sets)) for d in self.datas]
        self.diffs = [np.zeros_like(d) for d in self.datas]

    def apply(self, grads, rate, iter):
        p = self.param
        grads = [f64(g).copy() for g in grads]
        norm = np.sqrt(sum((g * g).sum() for g in grads))
        if p.clip_gradients >= 0 and norm > p.clip_gradients:
            grads = [g * (p.clip_gradients / norm) for g in grads]
        for i, (w, g) in enumerate(zip(self.datas, grads)):
            lr = rate * self.lr_mults[i]
            local_decay = p.weight_decay * self.decay_mults[i]
            g = decayed(p, g / p.iter_size, w, local_decay)
            delta, self.hist[i] = rule_step(p, g, self.hist[i], lr, iter + 1)
            if p.type == "AdamW":
                delta = delta + lr * local_decay * w
            self.diffs[i] = delta
        for w, d in zip(self.datas, self.diffs):
            w -= d
