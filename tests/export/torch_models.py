"""A tiny torch model whose loss gradient is exactly the tensors fed to it (imported only when torch is)."""

from __future__ import annotations

import torch


class TinyModel(torch.nn.Module):
    """ip1 (a Linear 4 -> 3) and `other` (a free 2x2 parameter). model(g) returns sum(p * g[name]) over params,
    so `loss = model(g)` has d loss / d p = g[name] exactly."""

    def __init__(self, seed: int = 1):
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        self.ip1 = torch.nn.Linear(4, 3)
        self.other = torch.nn.Parameter(torch.randn(2, 2, generator=generator))
        with torch.no_grad():
            self.ip1.weight.copy_(torch.randn(3, 4, generator=generator))
            self.ip1.bias.copy_(torch.randn(3, generator=generator))

    def forward(self, grads: dict[str, torch.Tensor]) -> torch.Tensor:
        return sum((p * grads[name]).sum() for name, p in self.named_parameters())


def identity_loss(output, labels):
    return output


def feed(model: TinyModel, arrays) -> tuple[dict[str, torch.Tensor], None]:
    """An (inputs, labels) pair whose loss has the given gradient arrays, in named_parameters order."""
    names = [name for name, _ in model.named_parameters()]
    return {n: torch.from_numpy(a.copy()) for n, a in zip(names, arrays)}, None


def weights(model: TinyModel):
    return [p.detach().numpy().copy() for _, p in model.named_parameters()]
