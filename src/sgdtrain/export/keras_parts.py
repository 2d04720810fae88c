"""Source blocks of the Keras snippet that do not depend on the schedule."""

from __future__ import annotations

GROUPS = '''
def caffe_mults(variable):
    """(lr_mult, decay_mult) of a variable whose path ends in "<layer>/<kernel|bias>"; (1, 1) unless listed."""
    layer, _, name = variable.path.rpartition("/")
    blobs = CAFFE_PARAM_MULTS.get(layer.rpartition("/")[2], [])
    index = {"kernel": 0, "embeddings": 0, "bias": 1}.get(name)
    return blobs[index] if index is not None and index < len(blobs) else (1.0, 1.0)


# Keras has no per-variable learning rates: one optimizer per (lr_mult, decay_mult) group, each with its own
# schedule scaled by lr_mult. All of them step every iteration, so their iteration counters agree.
# Caffe never moves a blob with lr_mult 0 (nor counts its gradient in clipping): it is left out.
VARIABLES = model.trainable_variables
GROUPS = {}
for index, variable in enumerate(VARIABLES):
    mults = caffe_mults(variable)
    if mults[0] != 0:
        GROUPS.setdefault(mults, []).append(index)
OPTIMIZERS = [(make_optimizer(*mults), mults[1], indices) for mults, indices in GROUPS.items()]
'''


def caffe_update(clip: bool, decay: str | None) -> list[str]:
    """`caffe_update(grads)`: Caffe's ApplyUpdate order on gradients aligned with VARIABLES.

    `decay` is "L2", "L1" or None (no decay in the gradient: none set, or AdamW's decoupled decay).
    """
    lines = [
        "",
        "",
        "def caffe_update(grads):",
        '    """One Caffe update from the gradients of VARIABLES, SUMMED over the ITER_SIZE passes.',
        "",
        "    Caffe's order: clip the summed gradient (all parameters together), average it over ITER_SIZE,",
        "    add the weight decay, then the update rule with the group's rate.",
        '    """',
        "    grads = [ops.zeros_like(v) if g is None else g for g, v in zip(grads, VARIABLES)]",
    ]
    if clip:
        lines += [
            "    live = [grads[i] for _, _, indices in OPTIMIZERS for i in indices]",
            "    norm = ops.sqrt(sum(ops.sum(ops.square(g)) for g in live))",
            "    clip_scale = ops.where(norm > CLIP_GRADIENTS, CLIP_GRADIENTS / norm, 1.0)  # Caffe's ClipGradients",
        ]
    lines += [
        "    for optimizer, decay_mult, indices in OPTIMIZERS:",
        "        pairs = []",
        "        for i in indices:",
        "            g, v = grads[i], VARIABLES[i]",
    ]
    if clip:
        lines.append("            g = g * clip_scale")
    lines += [
        "            if ITER_SIZE > 1:",
        "                g = g * (1.0 / ITER_SIZE)",
    ]
    if decay == "L2":
        lines.append("            g = g + (WEIGHT_DECAY * decay_mult) * v  # Caffe's L2 decay, inside the update rule")
    elif decay == "L1":
        lines.append("            g = g + (WEIGHT_DECAY * decay_mult) * ops.sign(v)  # Caffe's L1 decay")
    lines += [
        "            pairs.append((g, v))",
        "        optimizer.apply_gradients(pairs)",
    ]
    return lines


TRAIN_ITERATION = '''

def train_iteration(loss_fn, sub_batches):
    """One Caffe iteration with the TensorFlow backend: ITER_SIZE forward/backward passes, then caffe_update.

    (With JAX or PyTorch as Keras' backend, sum the gradients your backend's way and call caffe_update.)
    Do not also give the layers kernel_regularizer/bias_regularizer: caffe_update adds the weight decay.
    """
    import tensorflow as tf

    summed = None
    for inputs, labels in sub_batches:  # ITER_SIZE (inputs, labels) pairs
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(inputs, training=True))
        grads = tape.gradient(loss, VARIABLES)
        if summed is None:
            summed = grads
        else:
            summed = [a if b is None else b if a is None else a + b for a, b in zip(summed, grads)]
    caffe_update(summed)


# The loop (Caffe's Solve):
#     for it in range(MAX_ITER):
#         train_iteration(loss_fn, [next(train_batches) for _ in range(ITER_SIZE)])'''

PLATEAU = '''
# sgdtrain's plateau counter (Caffe's current_step): CaffeLR multiplies BASE_LR by GAMMA ** PLATEAUS.
PLATEAUS = keras.Variable(0.0, trainable=False, name="caffe_plateaus")


class CaffePlateau:
    """sgdtrain's plateau rule: one more plateau when the test value has not improved for PLATEAU_PATIENCE tests.

    Call update(value) after every test with test net #0's output named PLATEAU_METRIC.
    """

    def __init__(self):
        self.best, self.stale = None, 0

    def update(self, value):
        value = float(value)
        if self.best is None:
            improved = value == value  # NaN never improves
        else:
            margin = abs(self.best) * PLATEAU_THRESHOLD
            improved = value COMPARE
        if improved:
            self.best, self.stale = value, 0
        else:
            self.stale += 1
            if self.stale >= PLATEAU_PATIENCE:
                PLATEAUS.assign_add(1.0)
                self.stale = 0


plateau = CaffePlateau()
'''


def plateau_block(mode: str) -> list[str]:
    """The PLATEAUS variable and the CaffePlateau tracker for mode "min" or "max"."""
    compare = "< self.best - margin" if mode == "min" else "> self.best + margin"
    return PLATEAU.replace("COMPARE", compare).split("\n")
