"""Figures of the message-passing lesson: receptive fields, over-smoothing, 1-WL colours, results."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch

from gdl_teach.core.device import cpu_threads
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
        with cpu_threads(1):  # small optimisation problems: extra BLAS threads only wait
            p = nx.kamada_kawai_layout(sub) if len(comp) > 2 else {v: np.array([0.3 * i, 0.0])
                                                                    for i, v in enumerate(sorted(comp))}
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


def plot_spectrum(table: Any, ax: plt.Axes | None = None) -> plt.Axes:
    """The largest eigenvalues of A_hat as stems, coloured by the share of the class signal their eigenvectors carry.

    Args:
        table: DataFrame from :func:`gdl_teach.message_passing.oversmoothing.top_eigenvalues`
            (columns ``eigenvalue`` and ``class_share``).
        ax: Axes to draw on; a new figure if ``None``.

    Returns:
        The matplotlib Axes.
    """
    if not hasattr(table, "columns") or not {"eigenvalue", "class_share"} <= set(table.columns):
        raise TypeError("table must be the DataFrame returned by top_eigenvalues(..., y=labels)")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    m = np.asarray(table.index, dtype=float)
    values, share = table["eigenvalue"].to_numpy(float), table["class_share"].to_numpy(float)
    colors = plt.get_cmap("viridis")(share / max(float(share.max()), 1e-12))
    ax.vlines(m, 0, values, colors=colors, lw=3)
    points = ax.scatter(m, values, c=share, cmap="viridis", vmin=0, zorder=3)
    plt.colorbar(points, ax=ax, label="share of the class signal")
    ax.set_xticks(m)
    ax.set_xticklabels([f"$\\lambda_{{{int(i)}}}$" for i in m])
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("eigenvalue of $\\hat A$")
    ax.set_title("the largest eigenvalues of $\\hat A$; the gap $1 - \\lambda_2$ sets the pace")
    return ax


def plot_oversmoothing(h: torch.Tensor, y: torch.Tensor, curves: dict[str, Any], num_steps: int,
                       precision: str) -> plt.Figure:
    """Node embeddings after ``num_steps`` propagation steps, and accuracy and spread against depth.

    Left: the unit-length embeddings projected on their two principal
    directions, coloured by class (the axes are rescaled at every depth, so the
    shape of the cloud stays visible as it shrinks; the title gives its size).
    Right: nearest-centroid accuracy (left axis) and the mean distance between
    the unit-length embeddings (right axis, log scale), in float32 and float64,
    against depth, with the current depth marked. The distances shrink like
    :math:`\\lambda_2^k` until they reach the resolution of the number format.

    Args:
        h: (N, F) embeddings at this depth (any device; drawn from a CPU copy).
        y: (N,) class labels.
        curves: ``{"float32": curve, "float64": curve}`` from
            :func:`gdl_teach.message_passing.oversmoothing.oversmoothing_curve`.
        num_steps: the current depth (marked on the curves).
        precision: the precision of ``h`` (named in the title).

    Returns:
        The matplotlib Figure.
    """
    h = check_tensor("h", h, ndim=2, floating=True, nonempty=True)
    y = check_tensor("y", y, shape=(h.shape[0],), integer=True)
    if not isinstance(curves, dict) or set(curves) != {"float32", "float64"} or not all(
            {"centroid_accuracy", "mean_distance"} <= set(getattr(c, "columns", [])) for c in curves.values()):
        raise TypeError("curves must be {'float32': curve, 'float64': curve} of oversmoothing_curve DataFrames")
    z = (h / h.norm(dim=1, keepdim=True).clamp(min=torch.finfo(h.dtype).tiny)).detach().cpu().double().numpy()
    p = _pca2(z)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4))
    ax0.scatter(p[:, 0], p[:, 1], c=y.cpu().numpy(), cmap="tab10", vmin=0, vmax=9, s=8, alpha=0.7)
    spread = float(np.abs(p).max()) if p.size else 0.0
    ax0.set_title(f"depth {num_steps}, {precision}: unit embeddings (PCA),\nspread around their mean {spread:.1e}",
                  fontsize=9)
    ax0.set_xticks([])
    ax0.set_yticks([])
    depths = np.asarray(curves["float64"].index, dtype=float)
    x = np.maximum(depths, 0.5)  # log axis: depth 0 drawn at 0.5
    ax2 = ax1.twinx()
    for name, style in (("float64", "-"), ("float32", "--")):
        ax1.plot(x, curves[name]["centroid_accuracy"], style, marker="o", ms=4, color="C0", label=f"accuracy, {name}")
        ax2.plot(x, curves[name]["mean_distance"].clip(lower=1e-300), style, marker="s", ms=3, color="C3",
                 label=f"spread, {name}")
    ax1.axvline(max(num_steps, 0.5), color="black", ls=":")
    ax1.set_xscale("log")
    ticks = [d for d in (0, 1, 2, 4, 8, 16, 32, 64, 128) if d <= depths.max()]
    ax1.set_xticks([max(d, 0.5) for d in ticks])
    ax1.set_xticklabels([str(d) for d in ticks])
    ax1.set_ylim(0, 1.05)
    ax1.set_ylabel("nearest-centroid accuracy", color="C0")
    ax2.set_yscale("log")
    ax2.set_ylabel("mean distance between unit embeddings", color="C3")
    ax1.set_xlabel("depth (propagation steps)")
    lines = ax1.get_lines()[:2] + ax2.get_lines()
    ax1.legend(lines, [ln.get_label() for ln in lines], frameon=False, fontsize=8, loc="center left")
    ax1.set_title("accuracy (left axis) and spread (right, log) vs depth", fontsize=9)
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
