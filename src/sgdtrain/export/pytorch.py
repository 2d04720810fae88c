"""`export_pytorch`: a Caffe solver as PyTorch optimizer, parameter groups and LambdaLR code.

Mapping (see caffe-reference §3.3/§3.5):

* SGD/Nesterov: torch.optim.SGD matches Caffe only while the rate is constant
  (torch keeps the rate outside the momentum buffer); when it varies and
  momentum is set, the snippet defines CaffeSGD (rate inside) and uses it.
* AdaGrad, RMSProp (alpha = rms_decay), AdaDelta (rho = momentum): torch's
  formulas are Caffe's, ε placement included, and the rate sits outside the
  history in both, so schedules are exact too.
* Adam/AdamW: torch adds ε to sqrt(v̂), Caffe to sqrt(v): ε_caffe = ε_torch·sqrt(1 − β2^t).
* Every lr policy and sgdtrain extension is `caffe_lr(it)` under LambdaLR,
  except "plateau", which becomes ReduceLROnPlateau.
"""

from __future__ import annotations

from sgdtrain.export import pytorch_parts as parts
from sgdtrain.export.common import Export, Param, num, optimizer_constants, rate_varies, resolve_mode, summary
from sgdtrain.export.lr_constants import constant_lines
from sgdtrain.export.lr_python import python_imports, python_lr_function
from sgdtrain.export.mults import mults_table
from sgdtrain.export.netinfo import NetInfo
from sgdtrain.export.notes import common_warnings


def _exact_sgd(param: Param) -> bool:
    return param.type in ("SGD", "Nesterov") and param.momentum != 0 and rate_varies(param)


def _optimizer(param: Param) -> list[str]:
    t = param.type
    groups = "caffe_param_groups(model)"
    if t in ("SGD", "Nesterov"):
        nesterov = t == "Nesterov" and param.momentum != 0
        args = f"{groups}, lr=BASE_LR, momentum=MOMENTUM, nesterov={nesterov}"
        if not _exact_sgd(param):
            return [f"optimizer = torch.optim.SGD({args})"]
        return parts.CAFFE_SGD.split("\n") + [
            "",
            "# The rate changes during the run, so torch.optim.SGD would drift from Caffe (it rescales the whole",
            "# momentum buffer at each change); CaffeSGD keeps Caffe's convention. False: torch.optim.SGD.",
            "EXACT_CAFFE_MOMENTUM = True",
            "optimizer_class = CaffeSGD if EXACT_CAFFE_MOMENTUM else torch.optim.SGD",
            f"optimizer = optimizer_class({args})",
        ]
    if t == "AdaGrad":
        return ["optimizer = torch.optim.Adagrad(",
                f"    {groups}, lr=BASE_LR, lr_decay=0.0, initial_accumulator_value=0.0, eps=DELTA)"]
    if t == "RMSProp":
        return ["optimizer = torch.optim.RMSprop(",
                f"    {groups}, lr=BASE_LR, alpha=RMS_DECAY, eps=DELTA, momentum=0.0, centered=False)"]
    if t == "AdaDelta":
        return ["# Caffe's AdaDelta is torch's, with rho = momentum and eps = delta (both inside the square roots).",
                f"optimizer = torch.optim.Adadelta({groups}, lr=BASE_LR, rho=MOMENTUM, eps=DELTA)"]
    cls = "AdamW" if t == "AdamW" else "Adam"
    return [
        "# beta1 = momentum (0 when the solver does not set it), beta2 = momentum2. torch adds eps to the",
        "# bias-corrected sqrt(v_hat), Caffe adds delta to the uncorrected sqrt(v); see the warning.",
        f"optimizer = torch.optim.{cls}({groups}, lr=BASE_LR, betas=(MOMENTUM, MOMENTUM2), eps=DELTA)",
    ]


def _scheduler(param: Param) -> list[str]:
    if param.lr_policy != "plateau":
        return [
            "",
            "",
            "def lr_lambda(it):",
            '    """LambdaLR multiplies each group\'s initial lr (BASE_LR * lr_mult) by this."""',
            "    return caffe_lr(it) / BASE_LR",
            "",
            "",
            "# Step it once per iteration, after optimizer.step(): iteration `it` then runs at caffe_lr(it).",
            "scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)",
        ]
    mode = resolve_mode(param.plateau_metric, param.plateau_mode)
    min_lr = "PLATEAU_MIN_LRS" if param.min_lr > 0 else "0.0"
    return [
        "",
        f"# lr_policy \"plateau\": the rate is multiplied by GAMMA whenever test net #0's `{param.plateau_metric}` has",
        "# not improved (by more than PLATEAU_THRESHOLD, relative) for PLATEAU_PATIENCE tests in a row. torch reduces",
        "# when the bad tests EXCEED its patience, hence the - 1; eps=0.0 lets it reduce even tiny rates.",
        f"PLATEAU_PATIENCE = {param.plateau_patience}",
        f"PLATEAU_THRESHOLD = {num(param.plateau_threshold)}",
        f"TEST_INTERVAL = {param.test_interval}",
        *(["PLATEAU_MIN_LRS = [MIN_LR * group[\"lr\"] / BASE_LR for group in optimizer.param_groups]  # x lr_mult"]
          if param.min_lr > 0 else []),
        "scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(",
        f'    optimizer, mode="{mode}", factor=GAMMA, patience=PLATEAU_PATIENCE - 1, threshold=PLATEAU_THRESHOLD,',
        f"    threshold_mode=\"rel\", cooldown=0, min_lr={min_lr}, eps=0.0)",
    ]


def _warnings(param: Param) -> list[str]:
    out = []
    if _exact_sgd(param):
        out.append(
            f"torch.optim.SGD keeps the learning rate outside the momentum buffer (b = μb + g; W -= lr·b), Caffe "
            f"inside it (V = μV + lr·g; W -= V). They agree only while the rate is constant, and lr_policy "
            f"\"{param.lr_policy}\"" + (" with warm-up" if param.warmup_iter > 0 else "") + " changes it: after "
            "each change torch rescales all past momentum at once, Caffe only new gradients. The snippet therefore "
            "defines CaffeSGD (Caffe's convention, exact) and uses it; set EXACT_CAFFE_MOMENTUM = False for "
            "torch.optim.SGD."
        )
    if param.type == "Nesterov" and param.momentum == 0:
        out.append("type \"Nesterov\" with momentum 0 is plain SGD, and torch refuses nesterov=True without "
                   "momentum: the snippet uses torch.optim.SGD(nesterov=False).")
    if param.type in ("Adam", "AdamW"):
        out.append(
            f"torch.optim.{'AdamW' if param.type == 'AdamW' else 'Adam'} adds eps to the bias-corrected sqrt(v̂), "
            "Caffe adds delta to the uncorrected sqrt(v): eps=delta in torch acts as Caffe's delta times "
            "sqrt(1 − β2^t) (0.0316·delta at t = 1 for β2 = 0.999, growing to delta). The step differs only where "
            "sqrt(v) is comparable to delta (gradients of about 1e-8 for the default delta); otherwise the "
            "trajectories agree to float32 rounding."
        )
    if param.weight_decay != 0 and param.regularization_type == "L1":
        out.append("torch optimizers only offer L2 weight decay; the snippet applies Caffe's L1 "
                   "(grad += weight_decay·decay_mult·sign(W)) by hand in add_caffe_l1_decay, after clipping and "
                   "before optimizer.step(), and gives the groups weight_decay 0.")
    if param.lr_policy == "plateau":
        out.append(
            "lr_policy \"plateau\" maps to ReduceLROnPlateau, called with the test value after every test (not "
            "every iteration). Its patience counts bad tests BEYOND the patience, so the snippet passes "
            "plateau_patience - 1; its relative threshold equals sgdtrain's for non-negative metrics only "
            "(sgdtrain uses |best|); it multiplies the current rate by gamma where sgdtrain computes "
            "base_lr·gamma^k (equal up to rounding)."
            + (" The warm-up is not applied: ReduceLROnPlateau cannot be chained with a LambdaLR warm-up."
               if param.warmup_iter > 0 else "")
        )
    return out


def export_pytorch(param: Param, net: NetInfo | None = None, source: str = "") -> Export:
    """The PyTorch snippet for a checked SolverParameter, and its warnings."""
    plateau = param.lr_policy == "plateau"
    l1 = param.weight_decay != 0 and param.regularization_type == "L1"
    stdlib = [] if plateau else python_imports(param)
    imports = stdlib + ([""] if stdlib else []) + ["import torch"]
    lines = [
        f"# PyTorch equivalent of the Caffe solver {source} (sgdtrain export --to pytorch)".replace("  ", " "),
        f"# {summary(param)}",
        "# Assumes `model`: your torch.nn.Module, its submodules named as the Caffe layers.",
        *imports,
        "",
        *constant_lines(param, net),
        *optimizer_constants(param, ("beta1", "beta2")),
    ]
    if not plateau:
        lines += ["", "", *python_lr_function(param)]
    lines += ["", "", *mults_table(net, "weight, bias", "self.conv1 = torch.nn.Conv2d(...)")]
    lines += ["", *parts.PARAM_GROUPS.replace("DECAY_KEY", '"l1_decay"' if l1 else '"weight_decay"').split("\n")]
    lines += ["", *_optimizer(param), *_scheduler(param)]
    if param.clip_gradients >= 0:
        lines += ["", *parts.CLIP.split("\n")]
    if l1:
        lines += ["", *parts.L1.split("\n")]
    lines += parts.train_iteration(param.clip_gradients >= 0, l1, plateau)
    lines += parts.loop_comment(param.plateau_metric if plateau else None)
    code = "\n".join(lines)
    while "\n\n\n\n" in code:
        code = code.replace("\n\n\n\n", "\n\n\n")
    return Export(code.rstrip() + "\n", common_warnings(param, net) + _warnings(param))
