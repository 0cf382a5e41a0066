"""Figures of lesson 05: the scan in 3D (plotly), its range image and bird's-eye grid, neighbourhoods, results."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch
from matplotlib.colors import ListedColormap
from matplotlib.patches import Polygon

from gdl_teach.core.validate import check_tensor
from gdl_teach.driving import projections
from gdl_teach.driving.boxes import footprint
from gdl_teach.driving.lidar import Scan
from gdl_teach.driving.scene import CAR, CLASS_COLORS, CLASSES, NUM_CLASSES

CLASS_CMAP = ListedColormap(CLASS_COLORS, name="driving_classes")


def _labels(scan: Scan, labels: torch.Tensor | None) -> np.ndarray:
    labels = scan.y if labels is None else check_tensor("labels", labels, shape=(scan.num_points,), integer=True)
    return labels.detach().cpu().numpy()


def plot_scan_3d(scan: Scan, labels: torch.Tensor | None = None, *, boxes: np.ndarray | None = None,
                 title: str | None = None, size: float = 1.6) -> go.Figure:
    """A rotatable 3D view of a scan, one colour (and legend entry) per class, optional boxes as wire frames.

    Args:
        scan: the scan.
        labels: (N,) labels to colour by (default: the true labels).
        boxes: optional (K, 7) boxes to draw.
        title: figure title.
        size: marker size in pixels.
    """
    pos, lab = scan.pos.detach().cpu().numpy(), _labels(scan, labels)
    fig = go.Figure()
    for c, name in enumerate(CLASSES):
        p = pos[lab == c]
        fig.add_trace(go.Scatter3d(x=p[:, 0], y=p[:, 1], z=p[:, 2], mode="markers", name=name,
                                   marker={"size": size, "color": CLASS_COLORS[c]}, hoverinfo="name"))
    for k, box in enumerate([] if boxes is None else boxes):
        corners = footprint(box)
        z0, z1 = box[2] - box[5] / 2, box[2] + box[5] / 2
        ring = np.vstack([corners, corners[:1]])
        xs, ys, zs = [], [], []
        for z in (z0, z1):
            xs += [*ring[:, 0], None]
            ys += [*ring[:, 1], None]
            zs += [z] * 5 + [None]
        for cx, cy in corners:
            xs += [cx, cx, None]
            ys += [cy, cy, None]
            zs += [z0, z1, None]
        fig.add_trace(go.Scatter3d(x=xs, y=ys, z=zs, mode="lines", line={"color": "black", "width": 3},
                                   name="boxes", showlegend=k == 0, legendgroup="boxes"))
    fig.update_layout(title=title, height=480, margin={"l": 0, "r": 0, "t": 30 if title else 0, "b": 0},
                      scene={"aspectmode": "data", "camera": {"eye": {"x": -0.6, "y": -0.9, "z": 0.5}}},
                      legend={"itemsizing": "constant"})
    return fig


def label_grid(values: torch.Tensor, where: torch.Tensor, num_cells: int) -> np.ndarray:
    """A flat grid of ``num_cells`` holding ``values`` at the flat indices ``where`` (NaN elsewhere)."""
    grid = np.full(num_cells, np.nan)
    grid[where.cpu().numpy()] = values.detach().cpu().numpy()
    return grid


def plot_projections(scan: Scan, labels: torch.Tensor | None = None, *, extent: float = 32.0,
                     cell_size: float = 0.5) -> plt.Figure:
    """The scan as the sensor's range image (labels, then range) and as a bird's-eye grid (labels by cell)."""
    s, lab = scan.sensor, _labels(scan, labels)
    row, col = projections.range_projection(scan.pos, s.num_beams, s.num_columns, s.fov_up, s.fov_down)
    pixel = row * s.num_columns + col
    image = label_grid(torch.as_tensor(lab), pixel, s.num_beams * s.num_columns).reshape(s.num_beams, s.num_columns)
    ranges = label_grid(scan.pos.norm(dim=1), pixel, s.num_beams * s.num_columns).reshape(image.shape)
    cell, size = projections.bev_cells(scan.pos, extent, cell_size)
    bev = label_grid(torch.as_tensor(lab), cell, size * size).reshape(size, size)
    fig = plt.figure(figsize=(12, 6.2))
    grid = fig.add_gridspec(2, 2, width_ratios=[2.2, 1])
    ax1, ax2, ax3 = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[:, 1])
    extent_img = (180, -180, s.fov_down, s.fov_up)
    ax1.imshow(image, cmap=CLASS_CMAP, vmin=-0.5, vmax=NUM_CLASSES - 0.5, aspect="auto", extent=extent_img,
               interpolation="nearest")
    ax1.set_title(f"range image, labels: {s.num_beams} beams x {s.num_columns} columns (behind | ahead | behind)")
    im = ax2.imshow(ranges, cmap="magma_r", aspect="auto", extent=extent_img, interpolation="nearest")
    ax2.set_title("range image, the measured distance (m); white: no return (sky)")
    fig.colorbar(im, ax=ax2, pad=0.01)
    for ax in (ax1, ax2):
        ax.set_ylabel("elevation (deg)")
    ax2.set_xlabel("azimuth (deg)")
    ax3.imshow(bev.T, cmap=CLASS_CMAP, vmin=-0.5, vmax=NUM_CLASSES - 0.5, origin="lower", interpolation="nearest",
               extent=(-extent, extent, -extent, extent))  # x (forward) to the right, y (left) up
    ax3.set_title(f"bird's-eye grid, {cell_size} m cells")
    ax3.set_xlabel("x (m, forward)")
    ax3.set_ylabel("y (m, left)")
    handles = [plt.Line2D([], [], marker="s", ls="", color=c, label=n) for n, c in zip(CLASSES, CLASS_COLORS)]
    fig.legend(handles=handles, loc="lower center", ncol=NUM_CLASSES, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def plot_neighbourhoods(scan: Scan, centre: int, knn_edges: torch.Tensor, ball_edges: torch.Tensor,
                        radius: float, half_width: float = 3.0) -> plt.Figure:
    """Top view around one point: its k nearest neighbours next to the points of a ball of ``radius`` around it."""
    p = scan.pos.detach().cpu().numpy()
    lab = scan.y.numpy()
    near = np.abs(p[:, :2] - p[centre, :2]).max(1) < half_width
    fig, axes = plt.subplots(1, 2, figsize=(11, 5), sharex=True, sharey=True)
    for ax, edges, name in zip(axes, (knn_edges, ball_edges), ("k nearest neighbours", f"ball of radius {radius:g} m")):
        members = edges[0][edges[1] == centre].cpu().numpy()
        ax.scatter(p[near, 0], p[near, 1], c=lab[near], cmap=CLASS_CMAP, vmin=-0.5, vmax=NUM_CLASSES - 0.5, s=8)
        ax.scatter(p[members, 0], p[members, 1], facecolor="none", edgecolor="black", s=60, lw=1.2,
                   label=f"{len(members)} neighbours")
        ax.scatter(p[centre, 0], p[centre, 1], marker="*", s=260, color="black", label="centre")
        ax.set_title(name)
        ax.set_xlabel("x (m, forward)")
        ax.set_aspect("equal")
        ax.legend(loc="upper right")
    axes[0].set_ylabel("y (m, left)")
    fig.tight_layout()
    return fig


def plot_per_class(table: pd.DataFrame, title: str = "per-class IoU on the held-out scans") -> plt.Figure:
    """Grouped bars: IoU (%) of each class for each model (rows of ``Comparison.table()``)."""
    fig, ax = plt.subplots(figsize=(12, 3.8))
    width = 0.8 / len(table.index)
    for k, model in enumerate(table.index):
        ax.bar(np.arange(NUM_CLASSES) + k * width, table.loc[model, list(CLASSES)], width, label=model)
    ax.set_xticks(np.arange(NUM_CLASSES) + 0.4 - width / 2, CLASSES)
    ax.set_ylabel("IoU (%)")
    ax.set_ylim(0, 100)
    ax.set_title(title)
    ax.legend(ncol=len(table.index), fontsize=9, loc="upper right")
    fig.tight_layout()
    return fig


def plot_robustness(robustness: pd.DataFrame) -> plt.Figure:
    """mIoU (%) of each model (lines) under each test condition (x axis)."""
    fig, ax = plt.subplots(figsize=(10, 3.8))
    for model in robustness.index:
        ax.plot(robustness.columns, robustness.loc[model], marker="o", label=model)
    ax.set_ylabel("mIoU (%)")
    ax.set_title("the same models, scans they were not trained for")
    ax.legend(fontsize=9, ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_boxes(scan: Scan, labels: torch.Tensor, found: np.ndarray, true: np.ndarray,
               extent: float = 25.0) -> plt.Figure:
    """Top view: the scan coloured by ``labels``, true boxes (green) and fitted boxes (black, dashed)."""
    p, lab = scan.pos.numpy(), _labels(scan, labels)
    fig, ax = plt.subplots(figsize=(11, 5))
    ax.scatter(p[:, 0], p[:, 1], c=lab, cmap=CLASS_CMAP, vmin=-0.5, vmax=NUM_CLASSES - 0.5, s=np.where(lab == CAR, 6, 2))
    for boxes, style in ((true, {"ec": "green", "lw": 2}), (found, {"ec": "black", "lw": 1.5, "ls": "--"})):
        for box in boxes:
            ax.add_patch(Polygon(footprint(box), fill=False, **style))
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent / 2, extent / 2)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m, forward)")
    ax.set_ylabel("y (m, left)")
    ax.set_title("cars: true boxes (green), boxes fitted to DBSCAN clusters (dashed)")
    fig.tight_layout()
    return fig
