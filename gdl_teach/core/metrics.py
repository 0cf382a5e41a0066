"""Metrics the lessons report, as plain functions of tensors."""
from __future__ import annotations

import torch

from gdl_teach.core.validate import check_tensor


def _pair(pred: torch.Tensor, target: torch.Tensor) -> None:
    check_tensor("pred", pred, nonempty=True)
    check_tensor("target", target, nonempty=True)
    if pred.shape[0] != target.shape[0]:
        raise ValueError(f"pred and target must have the same length, got {pred.shape[0]} and {target.shape[0]}")


def accuracy(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Fraction of correct class predictions.

    Args:
        pred: (N, C) logits or scores, or (N,) predicted class ids.
        target: (N,) true class ids.
    """
    _pair(pred, target)
    labels = pred.argmax(dim=-1) if pred.dim() == 2 else pred
    return float((labels == target).float().mean())


def rmse(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Root-mean-square error. pred, target: (N,) or (N, 1)."""
    _pair(pred, target)
    return float(torch.sqrt(((pred.reshape(-1).float() - target.reshape(-1).float()) ** 2).mean()))


def mae(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Mean absolute error. pred, target: (N,) or (N, 1)."""
    _pair(pred, target)
    return float((pred.reshape(-1).float() - target.reshape(-1).float()).abs().mean())


def r2_score(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Coefficient of determination R^2. pred, target: (N,) or (N, 1)."""
    _pair(pred, target)
    p, t = pred.reshape(-1).double(), target.reshape(-1).double()
    ss_res = ((t - p) ** 2).sum()
    ss_tot = ((t - t.mean()) ** 2).sum()
    return float(1 - ss_res / ss_tot) if ss_tot > 0 else float("nan")


def roc_auc(score: torch.Tensor, target: torch.Tensor) -> float:
    """Area under the ROC curve (Mann-Whitney form, ties counted as one half).

    Args:
        score: (N,) predicted scores or probabilities.
        target: (N,) binary labels (0/1).
    """
    _pair(score, target)
    s, t = score.reshape(-1).double(), target.reshape(-1)
    pos, neg = s[t == 1], s[t == 0]
    if pos.numel() == 0 or neg.numel() == 0:
        raise ValueError("target must contain both classes 0 and 1 for ROC-AUC")
    ranks = torch.empty_like(s)
    order = torch.argsort(s)
    sorted_s = s[order]
    # average ranks for ties
    _, inverse, counts = torch.unique_consecutive(sorted_s, return_inverse=True, return_counts=True)
    ends = torch.cumsum(counts, 0).double()
    avg = ends - (counts.double() - 1) / 2
    ranks[order] = avg[inverse]
    r_pos = ranks[t == 1].sum()
    n_pos, n_neg = pos.numel(), neg.numel()
    return float((r_pos - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def brier(prob: torch.Tensor, target: torch.Tensor) -> float:
    """Brier score: mean squared error of predicted probabilities. prob, target: (N,)."""
    _pair(prob, target)
    if float(prob.min()) < 0 or float(prob.max()) > 1:
        raise ValueError("prob must be probabilities in [0, 1]")
    return float(((prob.reshape(-1).double() - target.reshape(-1).double()) ** 2).mean())
