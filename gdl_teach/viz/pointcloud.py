"""Rotatable 3D point-cloud views with plotly."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import torch

from gdl_teach.core.validate import check_tensor


def plot_point_cloud(
    pos: torch.Tensor,
    color: torch.Tensor | None = None,
    *,
    size: float = 2.5,
    title: str | None = None,
    colorscale: str = "Viridis",
    labels: Sequence[str] | None = None,
    max_points: int = 20000,
    edges: torch.Tensor | None = None,
) -> go.Figure:
    """A rotatable 3D scatter plot of a point cloud.

    Args:
        pos: (N, 3) coordinates.
        color: optional (N,) values or class ids used for colour.
        size: marker size in pixels.
        title: figure title.
        colorscale: plotly colour scale for the values.
        labels: optional names of the classes, shown on hover.
        max_points: draw at most this many points (an evenly spaced subset), so
            notebooks stay light.
        edges: optional (2, E) edges drawn as thin lines (e.g. a k-NN graph or a skeleton).

    Returns:
        A ``plotly.graph_objects.Figure``; display it or call ``.show()``.
    """
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True, finite=True)
    n = pos.shape[0]
    if color is not None:
        color = check_tensor("color", color, ndim=1)
        if color.shape[0] != n:
            raise ValueError(f"color must have one value per point ({n}), got {color.shape[0]}")
    step = max(1, -(-n // max_points))
    p = pos[::step].detach().cpu().numpy()
    marker: dict[str, Any] = {"size": size}
    hover = None
    if color is not None:
        c = color[::step].detach().cpu().numpy()
        marker.update(color=c, colorscale=colorscale, showscale=labels is None)
        if labels is not None:
            hover = [labels[int(v)] if 0 <= int(v) < len(labels) else str(v) for v in c]
    fig = go.Figure(go.Scatter3d(x=p[:, 0], y=p[:, 1], z=p[:, 2], mode="markers", marker=marker,
                                 text=hover, hoverinfo="text" if hover else "x+y+z", name="points"))
    if edges is not None:
        edges = check_tensor("edges", edges, shape=(2, None), integer=True)
        e = edges.cpu()
        xs, ys, zs = [], [], []
        full = pos.detach().cpu().numpy()
        for a, b in e.t().tolist():
            xs += [full[a, 0], full[b, 0], None]
            ys += [full[a, 1], full[b, 1], None]
            zs += [full[a, 2], full[b, 2], None]
        fig.add_trace(go.Scatter3d(x=xs, y=ys, z=zs, mode="lines", line={"width": 2, "color": "grey"}, name="edges"))
    fig.update_layout(title=title, margin={"l": 0, "r": 0, "t": 30 if title else 0, "b": 0},
                      scene={"aspectmode": "data"}, height=420, showlegend=False)
    return fig
