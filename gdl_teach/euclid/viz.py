"""Figures of lesson 01: grids as graphs, broken symmetries, projections, geodesics.

Tensors may live on any device: every figure copies what it draws to the CPU first.
"""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from mpl_toolkits.mplot3d import Axes3D  # noqa: F401 - registers the 3d projection

from gdl_teach.core.validate import check_edge_index, check_int, check_tensor
from gdl_teach.euclid.grid import OFFSETS_3X3


def plot_grid_graph(grid: Any, node: int, ax: plt.Axes | None = None) -> plt.Axes:
    """Draw a pixel grid graph and the 9 typed edges arriving at one pixel.

    Each incoming edge is coloured and labelled by its offset id ``k``: the
    message along it is multiplied by the kernel weight ``W[k]``.

    Args:
        grid: a ``Data`` from :func:`gdl_teach.euclid.grid.make_grid_graph`
            (``edge_index`` (2, E), ``edge_attr`` (E,), ``pos`` (N, 2)).
        node: the pixel whose neighbourhood is highlighted.
        ax: Axes to draw on; a new figure if ``None``.

    Returns:
        The matplotlib Axes.
    """
    for attr in ("edge_index", "edge_attr", "pos"):
        if getattr(grid, attr, None) is None:
            raise TypeError(f"grid must be a Data from make_grid_graph (with {attr}), got {type(grid).__name__}")
    n = int(grid.num_nodes)
    node = check_int("node", node, min_value=0, max_value=n - 1)
    pos = grid.pos.detach().cpu().numpy()
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 4.2))
    src, dst = grid.edge_index.cpu()
    for s, d in zip(src.tolist(), dst.tolist()):
        if s != d and abs(pos[s] - pos[d]).max() <= 1:  # draw grid links once, skip wrap-arounds
            ax.plot(*zip(pos[s], pos[d]), color="0.85", lw=0.6, zorder=0)
    ax.scatter(pos[:, 0], pos[:, 1], s=25, color="0.6", zorder=1)
    cmap = plt.get_cmap("tab10")
    incoming = (dst == node).nonzero().reshape(-1).tolist()
    for e in incoming:
        s, k = int(src[e]), int(grid.edge_attr[e])
        p, q = pos[s], pos[node]
        if s == node:
            ax.scatter(*p, s=260, facecolors="none", edgecolors=cmap(k), linewidths=2, zorder=3)
        else:
            ax.annotate("", xy=q, xytext=p, arrowprops={"arrowstyle": "->", "color": cmap(k), "lw": 2}, zorder=3)
        dr, dc = OFFSETS_3X3[k]
        where = q + np.array([0.08, -0.42]) if s == node else p + 0.28 * (p - q) - np.array([0.2, 0.1])
        ax.text(*where, f"W[{k}]\n({dr:+d},{dc:+d})", fontsize=6.5, color=cmap(k), zorder=4)
    ax.scatter(*pos[node], s=60, color="black", zorder=5)
    ax.set_title(f"edges into pixel {node}: one weight W[k] per offset (d_row, d_col)", fontsize=9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _show(ax: plt.Axes, img: torch.Tensor, title: str, cmap: str = "viridis") -> None:
    im = ax.imshow(img.detach().cpu().numpy(), cmap=cmap)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    plt.colorbar(im, ax=ax, fraction=0.046)


def plot_conv_vs_graph(image: torch.Tensor, conv_out: torch.Tensor, graph_out: torch.Tensor,
                       channel: int = 0) -> plt.Figure:
    """Input image, Conv2d output, message-passing output and their difference, side by side.

    Args:
        image: (C, H, W) input.
        conv_out: (C', H, W) output of the convolution.
        graph_out: (C', H, W) output of the message-passing layer, as an image.
        channel: which output channel to show.

    Returns:
        The matplotlib Figure.
    """
    image = check_tensor("image", image, ndim=3, floating=True)
    conv_out = check_tensor("conv_out", conv_out, ndim=3, floating=True)
    graph_out = check_tensor("graph_out", graph_out, shape=tuple(conv_out.shape), floating=True)
    channel = check_int("channel", channel, min_value=0, max_value=conv_out.shape[0] - 1)
    fig, axes = plt.subplots(1, 4, figsize=(13, 3))
    _show(axes[0], image[0], "input image", "gray")
    _show(axes[1], conv_out[channel], f"Conv2d, channel {channel}")
    _show(axes[2], graph_out[channel], f"message passing, channel {channel}")
    _show(axes[3], (conv_out[channel] - graph_out[channel]).abs(), "|difference|", "magma")
    fig.tight_layout()
    return fig


def plot_shift_errors(maps: dict[str, torch.Tensor]) -> plt.Figure:
    """Where shift-equivariance breaks: one error map per padding mode.

    Args:
        maps: name -> (H, W) map of ``|f(shift x) - shift f(x)|``, e.g. from
            :func:`gdl_teach.euclid.grid.shift_error_map`.

    Returns:
        The matplotlib Figure.
    """
    if not isinstance(maps, dict) or not maps:
        raise TypeError("maps must be a non-empty dict of name -> (H, W) tensor")
    vmax = max(float(check_tensor(f"maps[{k!r}]", v, ndim=2).max()) for k, v in maps.items()) or 1.0
    fig, axes = plt.subplots(1, len(maps), figsize=(3.6 * len(maps), 3.2), squeeze=False)
    for ax, (name, err) in zip(axes[0], maps.items()):
        im = ax.imshow(err.detach().cpu().numpy(), cmap="magma", vmin=0, vmax=vmax)
        ax.set_title(f"{name}: max {float(err.max()):.2g}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(im, ax=axes[0].tolist(), fraction=0.03, label="|f(shift x) - shift f(x)|")
    return fig


def _draw_edges_2d(ax: plt.Axes, pos: np.ndarray, edges: np.ndarray, color: str) -> None:
    for a, b in edges.T:
        ax.plot(*zip(pos[a], pos[b]), color=color, lw=1.8)
    ax.scatter(pos[:, 0], pos[:, 1], color=color, s=18, zorder=3)
    ax.set_aspect("equal")
    ax.set_xlim(-1.0, 1.0)
    ax.set_ylim(-1.0, 1.0)


def _draw_edges_3d(ax: Any, pos: np.ndarray, edges: np.ndarray, color: str) -> None:
    for a, b in edges.T:
        ax.plot(*zip(pos[a], pos[b]), color=color, lw=1.8)
    for limits, ticks in ((ax.set_xlim, ax.set_xticks), (ax.set_ylim, ax.set_yticks), (ax.set_zlim, ax.set_zticks)):
        limits(-1.0, 1.0)
        ticks([-1, 0, 1])
    ax.set_box_aspect((1, 1, 1))
    ax.set_xlabel("x", fontsize=7)
    ax.set_ylabel("y", fontsize=7)
    ax.set_zlabel("z (depth)", fontsize=7)
    ax.tick_params(labelsize=6)


def plot_projection(cube: torch.Tensor, cube_edges: torch.Tensor, square: torch.Tensor,
                    square_edges: torch.Tensor, rot: torch.Tensor) -> plt.Figure:
    """One camera, two shapes: each rotated by ``rot`` in 3D (left) and its picture after dropping z (right).

    Args:
        cube: (8, 3) cube corners.
        cube_edges: (2, 12) cube edges.
        square: (4, 3) corners of a flat square.
        square_edges: (2, 4) square edges.
        rot: (3, 3) rotation applied to both shapes before projecting onto the xy-plane.

    Returns:
        The matplotlib Figure (2 x 2 panels: cube in 3D, its picture; square in 3D, its picture).
    """
    cube = check_tensor("cube", cube, shape=(None, 3), floating=True, nonempty=True)
    cube_edges = check_edge_index("cube_edges", cube_edges, cube.shape[0])
    square = check_tensor("square", square, shape=(None, 3), floating=True, nonempty=True)
    square_edges = check_edge_index("square_edges", square_edges, square.shape[0])
    rot = check_tensor("rot", rot, shape=(3, 3), floating=True)
    fig = plt.figure(figsize=(7.5, 7))
    shapes = (("cube", cube, cube_edges, "tab:blue"), ("flat square", square, square_edges, "tab:green"))
    for row, (name, pos, edges, color) in enumerate(shapes):
        turned = (pos @ rot.to(pos.dtype).T).detach().cpu().numpy()
        e = edges.cpu().numpy()
        ax3 = fig.add_subplot(2, 2, 2 * row + 1, projection="3d")
        _draw_edges_3d(ax3, turned, e, color)
        ax3.view_init(elev=20, azim=-60)
        ax3.set_title(f"{name}, rotated in 3D (the camera looks along z)", fontsize=8)
        ax2 = fig.add_subplot(2, 2, 2 * row + 2)
        _draw_edges_2d(ax2, turned[:, :2], e, color)
        ax2.set_title(f"the camera's picture of the {name} (z dropped)", fontsize=8)
    fig.tight_layout()
    return fig


def plot_geodesic(pos: torch.Tensor, path: list[int], title: str = "", ax: plt.Axes | None = None,
                  elev: float = 15, azim: float = -70) -> plt.Axes:
    """A sampled surface with the graph geodesic (along the surface) and the straight line (through space).

    Args:
        pos: (N, 3) points on the surface.
        path: node ids of the graph's shortest path, source first.
        title: Axes title.
        ax: a 3D Axes; a new figure if ``None``.
        elev: camera elevation in degrees.
        azim: camera azimuth in degrees.

    Returns:
        The 3D Axes.
    """
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
    if not isinstance(path, (list, tuple)) or len(path) < 2 or not all(0 <= int(i) < pos.shape[0] for i in path):
        raise ValueError(f"path must be a list of at least two node ids in [0, {pos.shape[0] - 1}]")
    if ax is None:
        ax = plt.figure(figsize=(5, 4.5)).add_subplot(projection="3d")
    p = pos.detach().cpu().numpy()
    ax.scatter(p[:, 0], p[:, 1], p[:, 2], s=2, color="0.7", alpha=0.5)
    q = p[list(path)]
    ax.plot(q[:, 0], q[:, 1], q[:, 2], color="tab:red", lw=2.5, label="graph geodesic (on the surface)")
    ends = q[[0, -1]]
    ax.plot(ends[:, 0], ends[:, 1], ends[:, 2], color="tab:blue", lw=2, ls="--", label="straight line (through space)")
    ax.scatter(ends[:, 0], ends[:, 1], ends[:, 2], color="black", s=40, zorder=5)
    ax.view_init(elev=elev, azim=azim)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    ax.set_axis_off()
    return ax
