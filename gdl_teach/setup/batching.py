"""PyG's mini-batching, drawn: several graphs become one big graph with a block-diagonal adjacency.

``Batch.from_data_list`` puts the graphs side by side as one disconnected
graph. The nodes of graph ``b`` are renumbered from ``batch.ptr[b]`` on (the
number of nodes before it), so no edge ever joins two graphs and the
adjacency matrix of the batch is block-diagonal, one block per graph. The
vector ``batch.batch`` (N,) says which graph each node came from: pooling such
as ``global_add_pool(x, batch.batch)`` adds up each block, and a GNN processes
all graphs in one pass. Lessons 01, 02 and 06 train on such batches.
"""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch
from matplotlib.patches import Rectangle
from torch_geometric.data import Data
from torch_geometric.utils import to_dense_adj

from gdl_teach.core.validate import check_batch, check_edge_index


def small_graphs() -> list[Data]:
    """Three small graphs to batch: a triangle (3 nodes), a path (4 nodes) and a star (5 nodes).

    Returns:
        ``Data`` objects with ``x`` (N, 1) ones, ``edge_index`` (2, E) both directions of each edge,
        and ``y`` (1,) the graph's index.
    """
    shapes = [nx.cycle_graph(3), nx.path_graph(4), nx.star_graph(4)]
    graphs = []
    for i, g in enumerate(shapes):
        pairs = torch.tensor(list(g.edges()), dtype=torch.long).t()  # (2, m), each edge once
        edge_index = torch.cat([pairs, pairs.flip(0)], dim=1)  # (2, 2m): both directions
        graphs.append(Data(x=torch.ones(g.number_of_nodes(), 1), edge_index=edge_index, y=torch.tensor([i]),
                           num_nodes=g.number_of_nodes()))
    return graphs


def _check_batch_object(batch: Any) -> tuple[torch.Tensor, torch.Tensor, int]:
    """The batch vector (N,), the edges (2, E) and the number of graphs of a PyG ``Batch``, checked, on the CPU."""
    if getattr(batch, "batch", None) is None or getattr(batch, "edge_index", None) is None:
        raise TypeError(f"batch must be a torch_geometric Batch (from Batch.from_data_list), got {type(batch).__name__}")
    graph_of = check_batch("batch.batch", batch.batch, int(batch.num_nodes), contiguous=True).cpu()
    edge_index = check_edge_index("batch.edge_index", batch.edge_index, int(batch.num_nodes)).cpu()
    if bool((graph_of[edge_index[0]] != graph_of[edge_index[1]]).any()):
        raise ValueError("batch.edge_index joins nodes of two different graphs; Batch.from_data_list never does")
    return graph_of, edge_index, int(graph_of[-1]) + 1


def _draw_graphs(ax: plt.Axes, graph_of: torch.Tensor, edge_index: torch.Tensor, colors: list[Any]) -> None:
    """The batch as one disconnected graph: each graph on its own circle, nodes labelled by their batch id."""
    g = nx.Graph()
    g.add_nodes_from(range(len(graph_of)))
    g.add_edges_from(edge_index.t().tolist())
    pos = {}
    for b in range(int(graph_of.max()) + 1):
        nodes = (graph_of == b).nonzero().reshape(-1).tolist()
        circle = nx.circular_layout(nodes)
        pos.update({n: np.asarray(p) + np.array([2.6 * b, 0.0]) for n, p in circle.items()})
    nx.draw_networkx_edges(g, pos, ax=ax, edge_color="0.5")
    nx.draw_networkx_nodes(g, pos, ax=ax, node_size=260, node_color=[colors[int(b)] for b in graph_of])
    nx.draw_networkx_labels(g, pos, ax=ax, font_size=8)
    ax.set_title("one batch = one disconnected graph (node ids of the batch)", fontsize=9)
    ax.set_axis_off()


def plot_batch(batch: Any) -> plt.Figure:
    """Draw a PyG ``Batch``: its graphs, its block-diagonal adjacency matrix and its ``batch`` vector.

    Args:
        batch: a ``Batch`` from ``Batch.from_data_list`` (``edge_index`` (2, E), ``batch`` (N,)), on any device.

    Returns:
        The matplotlib Figure (three panels).
    """
    graph_of, edge_index, num_graphs = _check_batch_object(batch)
    n = len(graph_of)
    colors = [plt.get_cmap("tab10")(b % 10) for b in range(num_graphs)]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), gridspec_kw={"width_ratios": [2.2, 1.6, 0.35]})
    _draw_graphs(axes[0], graph_of, edge_index, colors)
    adj = to_dense_adj(edge_index, max_num_nodes=n)[0]  # (N, N), the whole batch as one graph
    axes[1].imshow(adj.numpy(), cmap="Greys", vmin=0, vmax=1.6)
    starts = torch.cat([torch.zeros(1, dtype=torch.long), torch.bincount(graph_of).cumsum(0)])  # batch.ptr
    for b in range(num_graphs):
        lo, size = int(starts[b]), int(starts[b + 1] - starts[b])
        axes[1].add_patch(Rectangle((lo - 0.5, lo - 0.5), size, size, fill=False, edgecolor=colors[b], lw=2.5))
    axes[1].set_xticks(range(n))
    axes[1].set_yticks(range(n))
    axes[1].tick_params(labelsize=7)
    axes[1].set_title("adjacency of the batch: one block per graph,\nzeros everywhere else", fontsize=9)
    axes[2].imshow(graph_of.reshape(-1, 1).numpy(), cmap=plt.matplotlib.colors.ListedColormap(colors),
                   vmin=-0.5, vmax=num_graphs - 0.5, aspect="auto")
    for i, b in enumerate(graph_of.tolist()):
        axes[2].text(0, i, str(b), ha="center", va="center", fontsize=8, color="white")
    axes[2].set_xticks([])
    axes[2].set_yticks(range(n))
    axes[2].tick_params(labelsize=7)
    axes[2].set_title("batch\nvector", fontsize=9)
    fig.tight_layout()
    return fig
