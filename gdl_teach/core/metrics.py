"""Metrics the lessons report, as plain functions of tensors.

Every metric takes ``(pred, target)``: the prediction first, like PyTorch's
loss functions (``F.mse_loss(input, target)``) and the training loop's steps.
Note that scikit-learn's metrics take the truth first (``y_true, y_pred``);
where scikit-learn computes a metric (ROC-AUC, Brier score, R^2) these
functions call it with the arguments in its order, so the two agree, and
their names differ from scikit-learn's so that nobody passes arguments in
the wrong order by habit.
"""
from __future__ import annotations

import torch
from sklearn import metrics as skm

from gdl_teach.core.validate import check_tensor

__all__ = ["accuracy", "rmse", "mae", "r2", "roc_auc", "brier"]


def _pair(pred: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    check_tensor("pred", pred, nonempty=True)
    check_tensor("target", target, nonempty=True)
    if pred.shape[0] != target.shape[0]:
        raise ValueError(f"pred and target must have the same length, got {pred.shape[0]} and {target.shape[0]}")
    return pred.detach().cpu(), target.detach().cpu()


def _flat(pred: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    pred, target = _pair(pred, target)
    p, t = pred.reshape(-1).double(), target.reshape(-1).double()
    if p.shape != t.shape:
        raise ValueError(f"pred and target must hold one value per example, got shapes {tuple(pred.shape)} "
                         f"and {tuple(target.shape)}")
    return p, t


def accuracy(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Fraction of correct class predictions.

    Args:
        pred: (N, C) logits or scores, or (N,) predicted class ids.
        target: (N,) true class ids.
    """
    pred, target = _pair(pred, target)
    labels = pred.argmax(dim=-1) if pred.dim() == target.dim() + 1 else pred
    if labels.shape != target.shape:
        raise ValueError(f"pred must be (N, C) scores or (N,) class ids for target (N,), got {tuple(pred.shape)}")
    return float((labels == target).float().mean())


def rmse(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Root-mean-square error. pred, target: (N,) or (N, 1)."""
    p, t = _flat(pred, target)
    return float(torch.sqrt(((p - t) ** 2).mean()))


def mae(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Mean absolute error. pred, target: (N,) or (N, 1)."""
    p, t = _flat(pred, target)
    return float((p - t).abs().mean())


def r2(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Coefficient of determination R^2 (scikit-learn's ``r2_score(target, pred)``). pred, target: (N,) or (N, 1)."""
    p, t = _flat(pred, target)
    return float(skm.r2_score(t.numpy(), p.numpy()))


def roc_auc(score: torch.Tensor, target: torch.Tensor) -> float:
    """Area under the ROC curve (scikit-learn's ``roc_auc_score(target, score)``; ties count one half).

    Args:
        score: (N,) predicted scores or probabilities.
        target: (N,) binary labels (0/1).
    """
    s, t = _flat(score, target)
    if not bool(((t == 0) | (t == 1)).all()):
        raise ValueError("target must hold binary labels 0 and 1 for ROC-AUC")
    if t.min() == t.max():
        raise ValueError("target must contain both classes 0 and 1 for ROC-AUC")
    return float(skm.roc_auc_score(t.numpy(), s.numpy()))


def brier(prob: torch.Tensor, target: torch.Tensor) -> float:
    """Brier score (scikit-learn's ``brier_score_loss(target, prob)``): mean squared error of probabilities.

    Args:
        prob: (N,) predicted probabilities of class 1.
        target: (N,) binary labels (0/1).
    """
    p, t = _flat(prob, target)
    if float(p.min()) < 0 or float(p.max()) > 1:
        raise ValueError("prob must be probabilities in [0, 1]")
    return float(skm.brier_score_loss(t.numpy(), p.numpy()))
