"""Draw a PyG graph with networkx and matplotlib."""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch

from gdl_teach.core.validate import check_edge_index, check_int, check_tensor
from gdl_teach.data.convert import networkx_from_edge_index
from gdl_teach.viz.layout import spring_layout


def plot_graph(
    data: Any,
    node_color: str | torch.Tensor | None = "y",
    *,
    pos: dict[int, Any] | torch.Tensor | None = None,
    ax: plt.Axes | None = None,
    node_size: float = 120,
    cmap: str = "tab10",
    with_labels: bool = False,
    title: str | None = None,
    highlight: list[int] | torch.Tensor | None = None,
    seed: int = 0,
) -> plt.Axes:
    """Draw a PyG graph, nodes coloured by a feature or label.

    Args:
        data: a PyG ``Data`` with ``edge_index`` and ``num_nodes``.
        node_color: ``"y"`` (labels), ``"x"`` (first feature column), ``"x:K"``
            (feature column K), an (N,) tensor of values, or ``None``.
        pos: node positions, a dict ``id -> (2,)`` or an (N, 2) tensor; default
            a seeded spring layout (or ``data.pos`` when it is 2D).
        ax: Axes to draw on; a new figure if ``None``.
        node_size: marker size.
        cmap: matplotlib colour map (``tab10`` suits labels, ``viridis`` values).
        with_labels: print node ids.
        title: Axes title.
        highlight: node ids drawn with a thick black ring.
        seed: layout seed.

    Returns:
        The matplotlib Axes.
    """
    if not hasattr(data, "edge_index") or data.edge_index is None:
        raise TypeError(f"data must be a PyG Data with edge_index, got {type(data).__name__}")
    n = check_int("data.num_nodes", int(data.num_nodes), min_value=1)
    edge_index = check_edge_index("data.edge_index", data.edge_index, n)
    g = networkx_from_edge_index(edge_index.cpu(), n)
    if pos is None:
        data_pos = getattr(data, "pos", None)
        if isinstance(data_pos, torch.Tensor) and data_pos.dim() == 2 and data_pos.shape[1] == 2:
            pos = data_pos
        else:
            pos = spring_layout(g, seed=seed)
    if isinstance(pos, torch.Tensor):
        check_tensor("pos", pos, shape=(n, 2))
        pos = {i: pos[i].cpu().numpy() for i in range(n)}
    colors = _node_values(data, node_color, n)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    nx.draw_networkx_edges(g, pos, ax=ax, alpha=0.35, width=0.8)
    kwargs: dict[str, Any] = {"node_size": node_size, "ax": ax, "edgecolors": "white", "linewidths": 0.5}
    if colors is not None:
        kwargs.update(node_color=colors, cmap=cmap)
        if cmap == "tab10":
            kwargs.update(vmin=0, vmax=9)
    nodes = nx.draw_networkx_nodes(g, pos, **kwargs)
    if highlight is not None:
        ids = [int(i) for i in (highlight.tolist() if isinstance(highlight, torch.Tensor) else highlight)]
        bad = [i for i in ids if not 0 <= i < n]
        if bad:
            raise ValueError(f"highlight contains node ids outside [0, {n - 1}]: {bad}")
        nx.draw_networkx_nodes(g, pos, nodelist=ids, node_size=node_size * 1.6, node_color="none",
                               edgecolors="black", linewidths=2.0, ax=ax)
    if with_labels:
        nx.draw_networkx_labels(g, pos, ax=ax, font_size=7)
    if colors is not None and cmap != "tab10" and nodes is not None:
        plt.colorbar(nodes, ax=ax, fraction=0.04)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def _node_values(data: Any, node_color: str | torch.Tensor | None, n: int) -> np.ndarray | None:
    if node_color is None:
        return None
    if isinstance(node_color, torch.Tensor):
        values = check_tensor("node_color", node_color, ndim=1)
        if values.shape[0] != n:
            raise ValueError(f"node_color must have one value per node ({n}), got {values.shape[0]}")
        return values.detach().cpu().float().numpy()
    if not isinstance(node_color, str):
        raise TypeError(f"node_color must be 'y', 'x', 'x:K', a tensor or None, got {type(node_color).__name__}")
    if node_color == "y":
        y = getattr(data, "y", None)
        if y is None:
            raise ValueError("node_color='y' but data has no y; pass node_color=None or a tensor")
        return y.detach().cpu().reshape(n, -1)[:, 0].float().numpy()
    if node_color == "x" or node_color.startswith("x:"):
        x = getattr(data, "x", None)
        if x is None:
            raise ValueError(f"node_color={node_color!r} but data has no x")
        col = int(node_color[2:]) if node_color.startswith("x:") else 0
        x2 = x.detach().cpu().reshape(n, -1)
        if not 0 <= col < x2.shape[1]:
            raise ValueError(f"node_color={node_color!r}: x has only {x2.shape[1]} columns")
        return x2[:, col].float().numpy()
    raise ValueError(f"node_color must be 'y', 'x', 'x:K', a tensor or None, got {node_color!r}")
