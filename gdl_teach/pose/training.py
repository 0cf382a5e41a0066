"""Training a lifter for a fixed number of steps, and predicting with it.

A fixed number of optimiser steps on random mini-batches is the budget every
lifter gets (never a wall-clock limit, which would make the numbers depend on
the machine). The loss is MPJPE itself (in metres), the mean distance between
predicted and true joints, as most lifting papers train.
"""
from __future__ import annotations

import torch
from torch import nn
from tqdm.auto import tqdm

from gdl_teach.core.device import get_device
from gdl_teach.core.validate import check_float, check_int
from gdl_teach.pose.datasets import LiftingSet


def mpjpe_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean per-joint Euclidean distance, in metres: (B, 17, 3) mm, (B, 17, 3) mm -> scalar."""
    return ((pred - target) / 1000).norm(dim=-1).mean()


def train_lifter(model: nn.Module, data: LiftingSet, *, num_steps: int = 1000, batch_size: int = 256,
                 lr: float = 3e-3, seed: int = 0, device: torch.device | str | None = None,
                 progress: bool = True, desc: str = "training") -> list[float]:
    """Train ``model`` in place with Adam and a cosine learning-rate decay; returns the loss of every step.

    Args:
        model: a lifter, (B, 17, 3) -> (B, 17, 3) mm.
        data: the training examples.
        num_steps: optimiser steps (the budget).
        batch_size: examples per step, drawn at random.
        lr: the starting learning rate.
        seed: seed of the batch order (and of the model's dropout, if any).
        device: where to train (default :func:`gdl_teach.get_device`).
        progress: show a progress bar.
        desc: its label.
    """
    num_steps = check_int("num_steps", num_steps, min_value=1)
    batch_size = check_int("batch_size", batch_size, min_value=2, max_value=len(data))
    check_float("lr", lr, min_value=0.0, strict_min=True)
    device = torch.device(device) if device is not None else get_device()
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
    model.to(device).train()
    inputs, target = data.inputs.to(device), data.target.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=num_steps)
    losses = []
    for _ in tqdm(range(num_steps), desc=desc, disable=not progress, leave=False):
        idx = torch.randint(0, len(data), (batch_size,), generator=g).to(device)
        loss = mpjpe_loss(model(inputs[idx]), target[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
        losses.append(loss.item())
    return losses


def predict(model: nn.Module, data: LiftingSet, batch_size: int = 4096) -> torch.Tensor:
    """Predictions for every example, on the CPU: (N, 17, 3) mm."""
    check_int("batch_size", batch_size, min_value=1)
    device = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        out = [model(data.inputs[k:k + batch_size].to(device)).cpu() for k in range(0, len(data), batch_size)]
    return torch.cat(out)
