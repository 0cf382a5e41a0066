"""Training curves: what fit measured, epoch by epoch."""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt


def plot_history(history: Any, ax: plt.Axes | None = None, label: str = "") -> plt.Axes:
    """Plot training (and validation) loss per epoch from a :class:`gdl_teach.core.training.History`.

    Args:
        history: what :func:`gdl_teach.core.training.fit` returned.
        ax: Axes to draw on; a new figure if ``None``.
        label: prefix for the legend, e.g. the model's name.

    Returns:
        The matplotlib Axes.
    """
    if not hasattr(history, "train_loss") or not hasattr(history, "val_loss"):
        raise TypeError(f"history must be a gdl_teach.core.training.History, got {type(history).__name__}")
    if not history.train_loss:
        raise ValueError("history is empty: train for at least one epoch first")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    prefix = f"{label} " if label else ""
    epochs = range(1, len(history.train_loss) + 1)
    line = ax.plot(epochs, history.train_loss, label=f"{prefix}train loss")[0]
    if history.val_loss:
        ax.plot(epochs, history.val_loss, "--", color=line.get_color(), label=f"{prefix}val loss")
    if getattr(history, "best_epoch", -1) >= 0 and history.val_loss:
        ax.axvline(history.best_epoch + 1, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend(frameon=False, fontsize=8)
    return ax
