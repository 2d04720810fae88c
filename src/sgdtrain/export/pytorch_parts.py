"""Source blocks of the PyTorch snippet that do not depend on the schedule."""

from __future__ import annotations

PARAM_GROUPS = '''
def caffe_mults(name):
    """(lr_mult, decay_mult) of the parameter `name` (e.g. "features.conv1.bias"); (1, 1) unless listed."""
    module, _, attr = name.rpartition(".")
    blobs = CAFFE_PARAM_MULTS.get(module) or CAFFE_PARAM_MULTS.get(module.rpartition(".")[2], [])
    index = {"weight": 0, "bias": 1}.get(attr)
    return blobs[index] if index is not None and index < len(blobs) else (1.0, 1.0)


def caffe_param_groups(model):
    """One parameter group per (lr_mult, decay_mult), with lr BASE_LR * lr_mult and the decay times decay_mult.

    Caffe never moves a blob with lr_mult 0: it is frozen (requires_grad False) and left out, so it
    does not count in gradient clipping either (Caffe never computes its gradient).
    """
    groups = {}
    for name, p in model.named_parameters():
        lr_mult, decay_mult = caffe_mults(name)
        if lr_mult == 0:
            p.requires_grad_(False)
        if p.requires_grad:
            groups.setdefault((lr_mult, decay_mult), []).append(p)
    return [
        {"params": params, "lr": BASE_LR * lr_mult, DECAY_KEY: WEIGHT_DECAY * decay_mult}
        for (lr_mult, decay_mult), params in groups.items()
    ]
'''

CAFFE_SGD = '''
class CaffeSGD(torch.optim.Optimizer):
    """SGD with Caffe's momentum convention: the rate goes INTO the history.

        g = grad + weight_decay * W;   V = momentum * V + lr * g;   W -= V
        nesterov=True:                 W -= momentum * V + lr * g   (Caffe's Nesterov, with the new V)

    torch.optim.SGD keeps b = momentum * b + g and steps W -= lr * b: the same only while lr is constant.
    """

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay, nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, momentum = group["lr"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if group["weight_decay"]:
                    g = g.add(p, alpha=group["weight_decay"])
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = torch.zeros_like(p)
                v = state["momentum_buffer"]
                v.mul_(momentum).add_(g, alpha=lr)
                if group["nesterov"]:
                    p.sub_(v, alpha=momentum).sub_(g, alpha=lr)
                else:
                    p.sub_(v)
        return loss
'''

CLIP = '''
@torch.no_grad()
def caffe_clip_gradients(params, clip):
    """Caffe's ClipGradients: when the L2 norm of all gradients together exceeds `clip`, scale them by clip/norm.

    torch.nn.utils.clip_grad_norm_(params, clip) is nearly the same, but divides by norm + 1e-6 and so also
    shrinks gradients slightly when the norm is at or just below the threshold.
    """
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return
    norm = torch.sqrt(sum(torch.sum(g * g) for g in grads))
    if norm > clip:
        for g in grads:
            g.mul_(clip / norm)
'''

L1 = '''
@torch.no_grad()
def add_caffe_l1_decay(optimizer):
    """Caffe's L1 regularization, which no torch optimizer offers: grad += weight_decay * decay_mult * sign(W)."""
    for group in optimizer.param_groups:
        for p in group["params"]:
            if p.grad is not None and group["l1_decay"]:
                p.grad.add_(torch.sign(p), alpha=group["l1_decay"])
'''


def train_iteration(clip: bool, l1: bool, plateau: bool) -> list[str]:
    """`train_iteration(loss_fn, sub_batches)`: one Caffe iteration in Caffe's order."""
    lines = [
        "",
        "TRAINABLE = [p for group in optimizer.param_groups for p in group[\"params\"]]",
        "",
        "",
        "def train_iteration(loss_fn, sub_batches):",
        '    """One Caffe iteration: ITER_SIZE forward/backward passes, then one update, in Caffe\'s order."""',
        "    optimizer.zero_grad()",
        "    for inputs, labels in sub_batches:  # ITER_SIZE (inputs, labels) pairs",
        "        loss_fn(model(inputs), labels).backward()  # the gradients add up, as Caffe's iter_size sums them",
    ]
    if clip:
        lines.append("    caffe_clip_gradients(TRAINABLE, CLIP_GRADIENTS)  # the summed gradient, before weight decay")
    lines += [
        "    if ITER_SIZE > 1:",
        "        for p in TRAINABLE:",
        "            if p.grad is not None:",
        "                p.grad.mul_(1.0 / ITER_SIZE)  # Caffe averages after clipping",
    ]
    if l1:
        lines.append("    add_caffe_l1_decay(optimizer)")
    lines.append("    optimizer.step()")
    if not plateau:
        lines.append("    scheduler.step()  # the rate of the next iteration")
    return lines


def loop_comment(plateau_metric: str | None) -> list[str]:
    """The training loop, as a comment (it needs the user's data)."""
    lines = [
        "",
        "",
        "# The loop (Caffe's Solve):",
        "#     for it in range(MAX_ITER):",
        "#         train_iteration(loss_fn, [next(train_batches) for _ in range(ITER_SIZE)])",
    ]
    if plateau_metric is not None:
        lines += [
            "#         if (it + 1) % TEST_INTERVAL == 0:",
            f"#             scheduler.step(test_{plateau_metric})  # test net #0's `{plateau_metric}`, every test",
        ]
    return lines
