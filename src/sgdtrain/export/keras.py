"""`export_keras`: a Caffe solver as Keras 3 optimizers, a LearningRateSchedule and an update function.

Mapping (Keras 3's optimizer sources, keras/src/optimizers/*.py):

* SGD/Nesterov: Keras keeps the rate INSIDE the velocity (v = μv − lr·g;
  w += v; Nesterov w += μv − lr·g), which is Caffe's convention: exact even
  while the rate changes.
* Adam/AdamW: Keras adds ε to the uncorrected sqrt(v) (Kingma & Ba's ε̂),
  as Caffe does; t = iterations + 1 as Caffe's. AdamW's decay is
  W -= lr·wd·W, sgdtrain's AdamW extension.
* AdaDelta: Keras' formula is Caffe's (rho = momentum, ε inside both roots).
* AdaGrad, RMSProp: Keras puts ε inside the square root; epsilon = δ² is
  the closest constant.
* Weight decay, clipping, iter_size and lr_mult groups are done in
  `caffe_update` in Caffe's order (no regularizers, no optimizer weight_decay
  except AdamW's, no global_clipnorm).
"""

from __future__ import annotations

from sgdtrain.export import keras_parts as parts
from sgdtrain.export.common import Export, Param, num, optimizer_constants, resolve_mode, summary
from sgdtrain.export.lr_constants import constant_lines
from sgdtrain.export.lr_keras import keras_lr_class
from sgdtrain.export.mults import mults_table
from sgdtrain.export.netinfo import NetInfo
from sgdtrain.export.notes import common_warnings


def _optimizer_constants(param: Param) -> list[str]:
    lines = optimizer_constants(param, ("beta_1", "beta_2"))
    if param.lr_policy == "plateau":
        lines += [f"PLATEAU_METRIC = {param.plateau_metric!r}  # an output of test net #0",
                  f"PLATEAU_PATIENCE = {param.plateau_patience}",
                  f"PLATEAU_THRESHOLD = {num(param.plateau_threshold)}  # relative improvement that counts"]
    return lines


def _make_optimizer(param: Param) -> list[str]:
    t = param.type
    head = ["", "", "def make_optimizer(lr_mult, decay_mult):",
            '    """The Keras optimizer of one parameter group."""']
    rate = "learning_rate=CaffeLR(lr_mult)"
    if t in ("SGD", "Nesterov"):
        return head + [
            "    # Keras' SGD keeps the rate inside the velocity (v = momentum*v - lr*g; w += v), Caffe's convention,",
            "    # so it matches Caffe even while the rate changes (torch.optim.SGD does not).",
            f"    return keras.optimizers.SGD({rate}, momentum=MOMENTUM, nesterov={t == 'Nesterov'})",
        ]
    if t == "AdaGrad":
        return head + [
            "    # initial_accumulator_value defaults to 0.1 in Keras: Caffe's history starts at 0.",
            "    # Keras adds epsilon inside the square root: DELTA ** 2 there is closest to Caffe's DELTA outside.",
            f"    return keras.optimizers.Adagrad({rate}, initial_accumulator_value=0.0, epsilon=DELTA ** 2)",
        ]
    if t == "RMSProp":
        return head + [
            "    # Keras adds epsilon inside the square root: DELTA ** 2 there is closest to Caffe's DELTA outside.",
            "    return keras.optimizers.RMSprop(",
            f"        {rate}, rho=RMS_DECAY, momentum=0.0, epsilon=DELTA ** 2, centered=False)",
        ]
    if t == "AdaDelta":
        return head + ["    # Keras' Adadelta is Caffe's, with rho = momentum and epsilon = delta inside both roots.",
                       f"    return keras.optimizers.Adadelta({rate}, rho=MOMENTUM, epsilon=DELTA)"]
    lines = head + [
        "    # beta_1 = momentum (0 when the solver does not set it), beta_2 = momentum2. Keras adds epsilon to",
        "    # the uncorrected sqrt(v) (Kingma & Ba's epsilon-hat), as Caffe does: no correction needed.",
    ]
    if t == "AdamW":
        lines += ["    # AdamW's decay is decoupled (W -= lr * wd * W), sgdtrain's AdamW extension.",
                  "    return keras.optimizers.AdamW(",
                  f"        {rate}, weight_decay=WEIGHT_DECAY * decay_mult, beta_1=MOMENTUM, beta_2=MOMENTUM2,",
                  "        epsilon=DELTA)"]
    else:
        lines.append(f"    return keras.optimizers.Adam({rate}, beta_1=MOMENTUM, beta_2=MOMENTUM2, epsilon=DELTA)")
    return lines


def _warnings(param: Param) -> list[str]:
    out = []
    if param.type in ("AdaGrad", "RMSProp"):
        out.append(
            f"Keras' {'Adagrad' if param.type == 'AdaGrad' else 'RMSprop'} adds epsilon inside the square root "
            "(g/sqrt(v + ε)), Caffe adds delta outside it (g/(sqrt(v) + δ)). The snippet passes epsilon = delta² "
            f"({float(param.delta) ** 2:.3g}), which matches Caffe to a relative difference of about δ/sqrt(v) and "
            "keeps the step finite near v = 0 (Keras' default 1e-7 inside the root would act like 3e-4 outside); "
            "an exact match needs a custom optimizer."
        )
    if param.weight_decay != 0 and param.type != "AdamW":
        out.append(
            f"Caffe's weight decay ({param.regularization_type}) is added to the gradient in caffe_update, after "
            "clipping and before the update rule. Do not also set it elsewhere: the optimizers' weight_decay= is "
            "decoupled in Keras 3 (W -= lr·wd·W, which bypasses momentum and adaptive scaling, unlike Caffe's L2), "
            "and keras.regularizers.L2(l) adds l·ΣW² to the loss (gradient 2l·W, so l would have to be "
            "weight_decay/2, and gradient clipping would then include the decay term, unlike Caffe's)."
        )
    if param.lr_policy == "plateau":
        out.append("lr_policy \"plateau\" needs the test results: call plateau.update(value) after every test with "
                   f"test net #0's `{param.plateau_metric}`; keras.callbacks.ReduceLROnPlateau cannot drive a "
                   "schedule (and counts epochs, with an absolute min_delta).")
    return out


def export_keras(param: Param, net: NetInfo | None = None, source: str = "") -> Export:
    """The Keras snippet for a checked SolverParameter, and its warnings."""
    wd = param.weight_decay != 0 and param.type != "AdamW"
    decay = param.regularization_type if wd else None
    imports = ["import math", ""] if param.lr_policy == "cosine" else []
    lines = [
        f"# Keras 3 equivalent of the Caffe solver {source} (sgdtrain export --to keras)".replace("  ", " "),
        f"# {summary(param)}",
        "# Assumes `model`: your built keras.Model, its layers named as the Caffe layers. Train with",
        "# train_iteration below (TensorFlow backend), not model.fit: it keeps Caffe's order of operations.",
        *imports,
        "import keras",
        "from keras import ops",
        "",
        *constant_lines(param, net),
        *_optimizer_constants(param),
    ]
    if param.lr_policy == "plateau":
        lines += parts.plateau_block(resolve_mode(param.plateau_metric, param.plateau_mode))
    lines += ["", "", *keras_lr_class(param)]
    lines += _make_optimizer(param)
    lines += ["", "", *mults_table(net, "kernel, bias", 'keras.layers.Conv2D(..., name="conv1")')]
    lines += ["", *parts.GROUPS.split("\n")]
    lines += parts.caffe_update(param.clip_gradients >= 0, decay)
    lines += parts.TRAIN_ITERATION.split("\n")
    if param.lr_policy == "plateau":
        lines.append("#         after every test: plateau.update(<test net #0's PLATEAU_METRIC>)")
    code = "\n".join(lines)
    while "\n\n\n\n" in code:
        code = code.replace("\n\n\n\n", "\n\n\n")
    return Export(code.rstrip() + "\n", common_warnings(param, net) + _warnings(param))
