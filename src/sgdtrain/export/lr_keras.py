"""`CaffeLR`, a keras.optimizers.schedules.LearningRateSchedule computing Caffe's formula with keras.ops.

Keras evaluates a schedule at `optimizer.iterations`, the number of updates
already applied (0 for the first), which is Caffe's `iter`. The arithmetic is
float32, as Caffe's for most policies. `scale` is a parameter group's lr_mult.
"""

from __future__ import annotations

from sgdtrain.export.common import Param
from sgdtrain.export.lr_constants import FORMULAS, wrapped

_BODY = {
    "fixed": ["rate = ops.full_like(it, BASE_LR)"],
    "step": ["rate = BASE_LR * ops.power(GAMMA, ops.floor(it / STEPSIZE))"],
    "exp": ["rate = BASE_LR * ops.power(GAMMA, it)"],
    "inv": ["rate = BASE_LR * ops.power(1.0 + GAMMA * it, -POWER)"],
    "multistep": [
        "passed = ops.greater_equal(it, ops.convert_to_tensor(STEPVALUES, \"float32\"))",
        "steps_done = ops.sum(ops.cast(passed, \"float32\"))",
        "rate = BASE_LR * ops.power(GAMMA, steps_done)",
    ],
    "poly": ["rate = BASE_LR * ops.power(ops.maximum(1.0 - it / MAX_ITER, 0.0), POWER)"],
    "sigmoid": ["rate = BASE_LR / (1.0 + ops.exp(-GAMMA * (it - STEPSIZE)))"],
    "plateau": ["rate = BASE_LR * ops.power(GAMMA, ops.convert_to_tensor(PLATEAUS, \"float32\"))"],
}

_COSINE_TAIL = [
    "rate = BASE_LR * (COSINE_FLOOR + (1.0 - COSINE_FLOOR) * (1.0 + ops.cos(math.pi * t / period)) / 2.0)",
]

# Built-in schedules that compute the same (without min_lr or warm-up), and their pitfalls.
BUILTIN = {
    "fixed": ["# A constant: learning_rate=BASE_LR * lr_mult does the same."],
    "step": ["# Built-in equivalent: keras.optimizers.schedules.ExponentialDecay(BASE_LR, decay_steps=STEPSIZE,",
             "#     decay_rate=GAMMA, staircase=True)."],
    "exp": ["# Built-in equivalent: keras.optimizers.schedules.ExponentialDecay(BASE_LR, decay_steps=1,",
            "#     decay_rate=GAMMA): decay_steps=1, as Caffe's exp decays every iteration."],
    "inv": ["# PITFALL: keras.optimizers.schedules.InverseTimeDecay is NOT Caffe's inv: it computes",
            "# lr / (1 + decay_rate * step / decay_steps), i.e. power 1 only."],
    "multistep": [
        "# PITFALL: keras.optimizers.schedules.PiecewiseConstantDecay(boundaries, values) uses values[i] while",
        "# step <= boundaries[i], switching ONE STEP LATER than Caffe (which switches at each stepvalue). Its",
        "# equivalent needs boundaries=[s - 1 for s in STEPVALUES],",
        "# values=[BASE_LR * GAMMA ** k for k in range(len(STEPVALUES) + 1)].",
    ],
    "poly": ["# PITFALL: keras.optimizers.schedules.PolynomialDecay's end_learning_rate defaults to 1e-4; Caffe's",
             "# poly reaches 0: PolynomialDecay(BASE_LR, decay_steps=MAX_ITER, end_learning_rate=0.0, power=POWER)."],
    "sigmoid": ["# Keras has no built-in sigmoid ramp."],
    "plateau": [
        "# keras.callbacks.ReduceLROnPlateau is for model.fit: it cannot modify a schedule, counts epochs rather",
        "# than tests, and its min_delta is absolute where plateau_threshold is relative; CaffePlateau below is",
        "# sgdtrain's rule.",
    ],
}


def _cosine(param: Param) -> tuple[list[str], list[str]]:
    """(module-level lines, __call__ lines) finding t and the period for lr_policy "cosine"."""
    if param.cosine_period <= 0:
        builtin = ["# Built-in equivalent: keras.optimizers.schedules.CosineDecay(BASE_LR, decay_steps=MAX_ITER,",
                   "#     alpha=COSINE_FLOOR)."]
        return builtin, ["t = ops.minimum(it, MAX_ITER)  # one period over the run, no restart", "period = MAX_ITER",
                         *_COSINE_TAIL]
    if float(param.cosine_period_mult) == 1.0:
        builtin = ["# keras.optimizers.schedules.CosineDecayRestarts(BASE_LR, COSINE_PERIOD, t_mul=1.0, m_mul=1.0,",
                   "#     alpha=COSINE_FLOOR) computes the same."]
        return builtin, ["t = ops.mod(it, COSINE_PERIOD)  # SGDR restarts, equal periods", "period = COSINE_PERIOD",
                         *_COSINE_TAIL]
    module = [
        "# keras.optimizers.schedules.CosineDecayRestarts(BASE_LR, COSINE_PERIOD, t_mul=COSINE_PERIOD_MULT,",
        "#     m_mul=1.0, alpha=COSINE_FLOOR) is close, but does not round each period to whole iterations.",
        "",
        "",
        "def cosine_periods(last_iter):",
        '    """Start and length of each SGDR period up to `last_iter`: each COSINE_PERIOD_MULT times the last."""',
        "    starts, periods = [0], [COSINE_PERIOD]",
        "    while starts[-1] + periods[-1] <= last_iter:",
        "        starts.append(starts[-1] + periods[-1])",
        "        periods.append(max(1, round(periods[-1] * COSINE_PERIOD_MULT)))",
        "    return starts, periods",
        "",
        "",
        "COSINE_STARTS, COSINE_PERIODS = cosine_periods(MAX_ITER)",
    ]
    call = [
        "started = ops.greater_equal(it, ops.convert_to_tensor(COSINE_STARTS, \"float32\"))",
        "k = ops.sum(ops.cast(started, \"int32\")) - 1  # the current period",
        "t = it - ops.take(ops.convert_to_tensor(COSINE_STARTS, \"float32\"), k)",
        "period = ops.take(ops.convert_to_tensor(COSINE_PERIODS, \"float32\"), k)",
        *_COSINE_TAIL,
    ]
    return module, call


def keras_lr_class(param: Param) -> list[str]:
    """Source lines defining the CaffeLR schedule (preceded by any helper it needs)."""
    policy = param.lr_policy
    if policy == "cosine":
        module, body = _cosine(param)
    else:
        module, body = BUILTIN[policy], _BODY[policy]
    extras = [x for x, on in (("the min_lr floor", param.min_lr > 0), ("the linear warm-up", param.warmup_iter > 0))
              if on]
    doc = f'lr_policy "{policy}": {FORMULAS[policy]}' + ("; then " + " and ".join(extras) if extras else "")
    lines = [*module, "", "", "class CaffeLR(keras.optimizers.schedules.LearningRateSchedule):",
             '    """The rate of the update after `step` updates, as Caffe/sgdtrain compute it, times `scale`.',
             "", *wrapped(doc + ".", "    "), '    """', "",
             "    def __init__(self, scale=1.0):", "        self.scale = scale  # the parameter group's lr_mult", "",
             "    def __call__(self, step):", "        it = ops.cast(step, \"float32\")"]
    lines += ["        " + line for line in body]
    if param.min_lr > 0:
        lines.append("        rate = ops.maximum(rate, MIN_LR)  # sgdtrain's min_lr: a floor under the policy's rate")
    if param.warmup_iter > 0:
        lines += ["        # sgdtrain's warm-up: from WARMUP_START_FACTOR * rate up to the rate at WARMUP_ITER",
                  "        warm = WARMUP_START_FACTOR + (1.0 - WARMUP_START_FACTOR) * it / WARMUP_ITER",
                  "        rate = rate * ops.where(it < WARMUP_ITER, warm, 1.0)"]
    lines += ["        return rate * self.scale", "",
              "    def get_config(self):", '        return {"scale": self.scale}']
    return lines
