"""Figures of lesson 08: turned digits, p4 feature maps, training-size curves, particle systems, mirror molecules."""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch

from gdl_teach.core.validate import check_tensor
from gdl_teach.equivariance.groups import rotate_images

__all__ = ["plot_turned_digits", "plot_p4_maps", "plot_curves", "plot_system", "plot_mirror_pair"]

MODEL_COLOURS = {"CNN": "tab:gray", "CNN + rotation augmentation": "tab:orange", "p4 CNN": "tab:blue",
                 "linear dynamics": "tab:gray", "GNN": "tab:brown", "GNN + rotation augmentation": "tab:orange",
                 "radial field": "tab:green", "EGNN": "tab:blue"}


def plot_turned_digits(images: torch.Tensor, labels: torch.Tensor, classes: Sequence[int] = (2, 4, 6, 7, 9)
                       ) -> plt.Figure:
    """The first digit of each of ``classes`` (columns) in its four orientations (rows)."""
    images = check_tensor("images", images, ndim=4)
    check_tensor("labels", labels, shape=(images.shape[0],), integer=True)
    missing = [c for c in classes if not bool((labels == c).any())]
    if missing:
        raise ValueError(f"classes {missing} have no digit in labels")
    pick = torch.stack([torch.nonzero(labels == c)[0, 0] for c in classes])
    images, labels, num_digits = images[pick], labels[pick], len(classes)
    fig, axes = plt.subplots(4, num_digits, figsize=(1.3 * num_digits, 5.4), squeeze=False)
    for r in range(4):
        turned = rotate_images(images, r)
        for c in range(num_digits):
            ax = axes[r, c]
            ax.imshow(turned[c, 0].cpu().numpy(), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(f"{90 * r}°")
            if r == 0:
                ax.set_title(f"label {int(labels[c])}")
    fig.suptitle("training digits are upright (top row); the rotated test set has all four rows")
    fig.tight_layout()
    return fig


def plot_p4_maps(maps: torch.Tensor, turned_maps: torch.Tensor, channel: int = 0) -> plt.Figure:
    """One channel of a p4 map for a digit (top) and for the digit turned by 90 degrees (bottom).

    Args:
        maps: ``(C, 4, H, W)`` lifting-convolution output for the digit.
        turned_maps: the same for the turned digit.
        channel: which channel to show.
    """
    fig, axes = plt.subplots(2, 4, figsize=(8.4, 4.4))
    vmax = float(maps[channel].abs().max())
    for row, (m, name) in enumerate(((maps, "digit"), (turned_maps, "digit turned 90°"))):
        for r in range(4):
            ax = axes[row, r]
            ax.imshow(m[channel, r].detach().cpu().numpy(), cmap="RdBu_r", vmin=-vmax, vmax=vmax)
            ax.set_xticks([]), ax.set_yticks([])
            ax.set_title(f"{name}\nfilter turned {90 * r}°", fontsize=9)
    fig.suptitle("turning the input turns every grid and moves each one a column to the right (cyclically)")
    fig.tight_layout()
    return fig


def plot_curves(runs: pd.DataFrame, metric: str, ax: plt.Axes | None = None, log: bool = False) -> plt.Axes:
    """Mean ± std over seeds of ``metric`` against the training-set size, one line per model."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.8))
    for name, group in runs.groupby("model", sort=False):
        stats = group.groupby("train size")[metric].agg(["mean", "std", "count"])
        ax.errorbar(stats.index, stats["mean"], yerr=stats["std"].fillna(0), marker="o", capsize=3,
                    color=MODEL_COLOURS.get(name), label=f"{name} ({'-'.join(sorted({str(int(c)) for c in stats['count']}))} seeds)")
    ax.set_xscale("log")
    sizes = sorted(runs["train size"].unique())
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.xaxis.set_minor_locator(plt.NullLocator())
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(plt.FormatStrFormatter("%.3g"))
        ax.yaxis.set_minor_formatter(plt.FormatStrFormatter("%.3g"))
    ax.set_xlabel("training-set size")
    ax.set_ylabel(metric)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_system(pos: torch.Tensor, vel: torch.Tensor, charges: torch.Tensor, target: torch.Tensor,
                path: Sequence[torch.Tensor] = (), predictions: dict[str, torch.Tensor] | None = None,
                ax: plt.Axes | None = None, title: str = "") -> plt.Axes:
    """One particle system seen from above (x, y): start, velocity, path, where it ends, and predictions.

    Args:
        pos, vel, target: ``(P, 3)`` start, velocity and true end positions.
        charges: ``(P,)``.
        path: optional ``(P, 3)`` positions along the way.
        predictions: model name -> ``(P, 3)`` predicted end positions.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    colours = np.where(charges.cpu().numpy() > 0, "tab:red", "tab:blue")
    if len(path):
        trail = torch.stack([p.cpu() for p in path]).numpy()  # (T, P, 3)
        for i in range(trail.shape[1]):
            ax.plot(trail[:, i, 0], trail[:, i, 1], color=colours[i], alpha=0.35, lw=1)
    p, v, t = pos.cpu().numpy(), vel.cpu().numpy(), target.cpu().numpy()
    ax.scatter(p[:, 0], p[:, 1], c=colours, s=40, edgecolors="k", label="start (red +, blue -)", zorder=3)
    ax.quiver(p[:, 0], p[:, 1], v[:, 0], v[:, 1], angles="xy", scale_units="xy", scale=1, width=0.005, alpha=0.6)
    ax.scatter(t[:, 0], t[:, 1], marker="*", s=160, c=colours, edgecolors="k", label="true end", zorder=4)
    for k, (name, pred) in enumerate((predictions or {}).items()):
        q = pred.detach().cpu().numpy()
        ax.scatter(q[:, 0], q[:, 1], marker="Xo^s"[k % 4], s=60, facecolors="none",
                   edgecolors=MODEL_COLOURS.get(name, "k"), linewidths=1.8, label=name, zorder=5)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("x"), ax.set_ylabel("y")
    ax.legend(fontsize=7, loc="best")
    ax.set_title(title)
    return ax


_ELEMENT_COLOURS = {"H": "#dddddd", "C": "#404040", "N": "#3050f8", "O": "#ff0d0d", "F": "#90e050",
                    "Cl": "#1ff01f", "Br": "#a62929"}


def plot_mirror_pair(symbols: Sequence[str], bonds: torch.Tensor, left: torch.Tensor, right: torch.Tensor,
                     names: tuple[str, str] = ("R", "mirror image")) -> go.Figure:
    """Two conformers of the same atoms side by side in a rotatable 3D view (plotly).

    Args:
        symbols: element of each atom.
        bonds: ``(2, B)`` atom pairs to draw as sticks.
        left, right: ``(N, 3)`` coordinates of the two molecules.
        names: their names.
    """
    fig = go.Figure()
    shift = float(left[:, 0].max() - right[:, 0].min()) + 3.0  # place the right molecule beside the left one
    for pos, name, dx in ((left, names[0], 0.0), (right, names[1], shift)):
        p = pos.detach().cpu().numpy() + np.array([dx, 0.0, 0.0])
        xs, ys, zs = [], [], []
        for a, b in bonds.t().tolist():
            xs += [p[a, 0], p[b, 0], None]
            ys += [p[a, 1], p[b, 1], None]
            zs += [p[a, 2], p[b, 2], None]
        fig.add_trace(go.Scatter3d(x=xs, y=ys, z=zs, mode="lines", line={"color": "gray", "width": 5},
                                   hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter3d(x=p[:, 0], y=p[:, 1], z=p[:, 2], mode="markers", name=name,
                                   text=list(symbols), hoverinfo="text",
                                   marker={"size": [5 if s == "H" else 9 for s in symbols],
                                           "color": [_ELEMENT_COLOURS.get(s, "pink") for s in symbols],
                                           "line": {"color": "black", "width": 1}}))
    fig.update_layout(height=420, margin={"l": 0, "r": 0, "t": 30, "b": 0}, scene={"aspectmode": "data"},
                      title=f"{names[0]} (left) and {names[1]} (right): drag to turn them")
    return fig
