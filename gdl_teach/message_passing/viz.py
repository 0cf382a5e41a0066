"""Figures of the message-passing lesson: receptive fields, over-smoothing, 1-WL colours, results."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch

from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.data.convert import networkx_from_edge_index
from gdl_teach.message_passing.datasets import hop_distances
from gdl_teach.viz.layout import spring_layout


def _layout(data: Any, pos: dict[int, Any] | None, seed: int = 0) -> dict[int, Any]:
    if pos is not None:
        if not isinstance(pos, dict) or len(pos) != int(data.num_nodes):
            raise ValueError(f"pos must be a dict with one (2,) position per node ({int(data.num_nodes)})")
        return pos
    return spring_layout(data.edge_index, int(data.num_nodes), seed=seed)


def component_layout(g: nx.Graph, gap: float = 0.4) -> dict[int, np.ndarray]:
    """Kamada-Kawai layout of each connected component, components side by side (largest first).

    Args:
        g: a networkx graph.
        gap: horizontal space between components.

    Returns:
        Node id -> (2,) position.
    """
    if not isinstance(g, nx.Graph):
        raise TypeError(f"g must be a networkx graph, got {type(g).__name__}")
    pos: dict[int, np.ndarray] = {}
    x0 = 0.0
    for comp in sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c))):
        sub = g.subgraph(comp)
        p = nx.kamada_kawai_layout(sub) if len(comp) > 2 else {v: np.array([0.3 * i, 0.0]) for i, v in enumerate(sorted(comp))}
        xy = np.array([p[v] for v in sub.nodes()], dtype=float).reshape(-1, 2)
        width = float(np.ptp(xy[:, 0])) if len(xy) > 1 else 0.0
        for v, (px, py) in zip(sub.nodes(), xy):
            pos[v] = np.array([x0 + px - xy[:, 0].min(), py])
        x0 += width + gap
    return pos


def plot_receptive_field(data: Any, node: int, k: int, pos: dict[int, Any] | None = None,
                         ax: plt.Axes | None = None) -> plt.Axes:
    """Draw a graph with the ``k``-hop neighbourhood of ``node`` coloured by distance.

    The nodes a ``k``-layer GNN lets ``node`` hear from are coloured by their
    hop distance (dark = close); all others are grey.

    Args:
        data: a PyG ``Data`` with ``edge_index`` and ``num_nodes``.
        node: the centre node.
        k: number of hops (layers).
        pos: node positions ``id -> (2,)``; default a seeded spring layout.
        ax: Axes to draw on; a new figure if ``None``.

    Returns:
        The matplotlib Axes.
    """
    if getattr(data, "edge_index", None) is None:
        raise TypeError(f"data must be a PyG Data with edge_index, got {type(data).__name__}")
    n = int(data.num_nodes)
    node = check_int("node", node, min_value=0, max_value=n - 1)
    k = check_int("k", k, min_value=0)
    dist = hop_distances(data.edge_index, n, node).cpu()  # the drawing reads it node by node
    inside = (dist >= 0) & (dist <= k)
    pos = _layout(data, pos)
    g = networkx_from_edge_index(data.edge_index, n)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.5))
    cmap = plt.get_cmap("plasma")
    colors = [cmap(0.85 * float(dist[i]) / max(k, 1)) if inside[i] else (0.85, 0.85, 0.85, 1.0) for i in range(n)]
    inner = [(u, v) for u, v in g.edges() if inside[u] and inside[v]]
    nx.draw_networkx_edges(g, pos, ax=ax, alpha=0.25, width=0.8)
    nx.draw_networkx_edges(g, pos, edgelist=inner, ax=ax, width=1.8, edge_color="#444444")
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colors, node_size=160, edgecolors="white")
    nx.draw_networkx_nodes(g, pos, nodelist=[node], ax=ax, node_size=330, node_color="none",
                           edgecolors="black", linewidths=2.5)
    nx.draw_networkx_labels(g, pos, labels={i: str(i) for i in range(n) if inside[i]}, ax=ax, font_size=7)
    ax.set_title(f"{k}-hop receptive field of node {node}: {int(inside.sum())} of {n} nodes")
    ax.set_axis_off()
    return ax


def _pca2(z: np.ndarray) -> np.ndarray:
    """Project centred rows on their two leading principal directions: (N, F) -> (N, 2)."""
    z = z - z.mean(0, keepdims=True)
    if z.shape[1] < 2:
        return np.concatenate([z, np.zeros_like(z)], axis=1)
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    return z @ vt[:2].T


def plot_oversmoothing(h: torch.Tensor, y: torch.Tensor, curve: Any, num_steps: int) -> plt.Figure:
    """Node embeddings after ``num_steps`` propagation steps, and the smoothing measures against depth.

    Left: the unit-length embeddings projected on their two principal
    directions (fixed axes, so a collapse shows as a shrinking cloud),
    coloured by class. Right: Dirichlet energy (log scale), mean pairwise
    distance and nearest-centroid accuracy against depth, with the current
    depth marked.

    Args:
        h: (N, F) embeddings at this depth (any device; drawn from a CPU copy).
        y: (N,) class labels.
        curve: DataFrame from :func:`gdl_teach.message_passing.oversmoothing.oversmoothing_curve`.
        num_steps: the current depth (marked on the curves).

    Returns:
        The matplotlib Figure.
    """
    h = check_tensor("h", h, ndim=2, floating=True, nonempty=True)
    y = check_tensor("y", y, shape=(h.shape[0],), integer=True)
    if not hasattr(curve, "index") or "dirichlet_energy" not in getattr(curve, "columns", []):
        raise TypeError("curve must be the DataFrame returned by oversmoothing_curve")
    z = (h / h.norm(dim=1, keepdim=True).clamp(min=1e-12)).detach().cpu().numpy()
    p = _pca2(z)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4))
    ax0.scatter(p[:, 0], p[:, 1], c=y.cpu().numpy(), cmap="tab10", vmin=0, vmax=9, s=8, alpha=0.7)
    ax0.set_xlim(-1.05, 1.05)
    ax0.set_ylim(-1.05, 1.05)
    ax0.set_aspect("equal")
    ax0.set_title(f"unit-length embeddings after {num_steps} steps (PCA)")
    ax0.set_xticks([])
    ax0.set_yticks([])
    depths = np.asarray(curve.index, dtype=float)
    x = np.maximum(depths, 0.5)  # log axis: depth 0 drawn at 0.5
    ax1.plot(x, curve["dirichlet_energy"] / curve["dirichlet_energy"].iloc[0], "o-", label="Dirichlet energy / start")
    ax1.plot(x, curve["mean_distance"], "s-", label="mean pairwise distance")
    ax1.plot(x, curve["centroid_accuracy"], "^-", label="nearest-centroid accuracy")
    ax1.axvline(max(num_steps, 0.5), color="grey", ls=":")
    ax1.set_xscale("log")
    ax1.set_yscale("symlog", linthresh=1e-4)
    ax1.set_ylim(0, 1.6)
    ax1.set_xticks(x)
    ax1.set_xticklabels([str(int(d)) for d in depths], fontsize=7)
    ax1.set_xlabel("depth (propagation steps)")
    ax1.legend(frameon=False, fontsize=8, loc="lower left")
    ax1.set_title("smoothing measures vs depth (symlog scale)")
    fig.tight_layout()
    return fig


def plot_wl_colors(graphs: Sequence[Any], colors: Sequence[torch.Tensor],
                   titles: Sequence[str] | None = None) -> plt.Figure:
    """Draw graphs side by side with nodes coloured (and labelled) by their 1-WL colour.

    Args:
        graphs: PyG ``Data`` objects.
        colors: one (N_g,) integer colour tensor per graph.
        titles: one title per graph.

    Returns:
        The matplotlib Figure.
    """
    if len(graphs) != len(colors) or not graphs:
        raise ValueError(f"graphs and colors must be non-empty and of equal length, got {len(graphs)} and {len(colors)}")
    if titles is not None and len(titles) != len(graphs):
        raise ValueError(f"titles must have one entry per graph ({len(graphs)}), got {len(titles)}")
    fig, axes = plt.subplots(1, len(graphs), figsize=(3.6 * len(graphs), 3.2), squeeze=False)
    cmap = plt.get_cmap("Set2")
    for i, (data, c, ax) in enumerate(zip(graphs, colors, axes[0])):
        n = int(data.num_nodes)
        c = check_tensor(f"colors[{i}]", c, shape=(n,), integer=True)
        g = networkx_from_edge_index(data.edge_index, n)
        pos = component_layout(g)
        nx.draw_networkx_edges(g, pos, ax=ax, width=1.2)
        nx.draw_networkx_nodes(g, pos, ax=ax, node_color=[cmap(int(v) % 8) for v in c], node_size=260,
                               edgecolors="black")
        nx.draw_networkx_labels(g, pos, labels={j: str(int(c[j])) for j in range(n)}, ax=ax, font_size=8)
        ax.set_title(titles[i] if titles is not None else getattr(data, "name", f"graph {i}"))
        ax.set_axis_off()
        ax.set_aspect("equal")
    fig.tight_layout()
    return fig


def plot_graph_gallery(graphs: Sequence[Any], class_names: Sequence[str], per_class: int = 3) -> plt.Figure:
    """A grid of example graphs: one row per class, ``per_class`` graphs each.

    Args:
        graphs: PyG ``Data`` objects with ``y`` (1,).
        class_names: the name of every class.
        per_class: examples per row.

    Returns:
        The matplotlib Figure.
    """
    per_class = check_int("per_class", per_class, min_value=1)
    if not graphs or not class_names:
        raise ValueError("graphs and class_names must not be empty")
    rows = len(class_names)
    fig, axes = plt.subplots(rows, per_class, figsize=(2.2 * per_class, 2.0 * rows), squeeze=False)
    for c, name in enumerate(class_names):
        examples = [g for g in graphs if int(g.y) == c][:per_class]
        for j, ax in enumerate(axes[c]):
            ax.set_axis_off()
            if j < len(examples):
                g = networkx_from_edge_index(examples[j].edge_index, int(examples[j].num_nodes))
                nx.draw_networkx(g, component_layout(g, gap=0.25), ax=ax, node_size=18, with_labels=False,
                                 width=0.6, node_color=f"C{c}")
        axes[c][0].set_title(name, loc="left", fontsize=9)
    fig.tight_layout()
    return fig


def plot_accuracy_bars(summary: Any, baseline: str = "MLP", ax: plt.Axes | None = None) -> plt.Axes:
    """Bar chart of mean test accuracy (error bars: standard deviation over seeds).

    Args:
        summary: DataFrame from :func:`gdl_teach.message_passing.experiments.summarize`, indexed
            by ``(dataset, model)`` or by ``model``.
        baseline: the model drawn hatched as the Euclidean baseline.
        ax: Axes to draw on; a new figure if ``None``.

    Returns:
        The matplotlib Axes.
    """
    if not hasattr(summary, "index") or "mean" not in getattr(summary, "columns", []):
        raise TypeError("summary must be the DataFrame returned by summarize()")
    table = summary if summary.index.nlevels == 2 else summary.assign(dataset="").set_index("dataset", append=True
                                                                                          ).swaplevel()
    datasets = list(dict.fromkeys(table.index.get_level_values(0)))
    models = list(dict.fromkeys(table.index.get_level_values(1)))
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 + 1.6 * len(datasets) * len(models) / 4, 3.2))
    width = 0.8 / len(models)
    for j, m in enumerate(models):
        xs = [i + (j - (len(models) - 1) / 2) * width for i in range(len(datasets))]
        means = [table.loc[(d, m), "mean"] for d in datasets]
        stds = [table.loc[(d, m), "std"] for d in datasets]
        ax.bar(xs, means, width, yerr=stds, label=m, color=f"C{j}", hatch="//" if m == baseline else None,
               edgecolor="white", capsize=2)
    ax.set_xticks(range(len(datasets)))
    ax.set_xticklabels(datasets)
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0, 1.05)
    ax.legend(frameon=False, fontsize=8, ncol=len(models), loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return ax
