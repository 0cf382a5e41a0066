r"""Hand-made features: the structure handed to a classical model instead of learned by a GNN.

What a practitioner with the same information would compute before reaching
for a GNN, so that a lesson's claim compares the GNN with a fair Euclidean
model, not only with one that never sees the edges:

* per node, :func:`adjacency_rows` (the node's row of the adjacency matrix:
  the graph flattened, losslessly) and :func:`hop_features` (the features
  averaged over 0, 1, 2, ... hops with GCN's :math:`\hat A`, the fixed
  propagation of SGC: Wu et al., *Simplifying Graph Convolutional Networks*,
  ICML 2019, https://arxiv.org/abs/1902.07153);
* per graph, :func:`graph_feature_matrix`: the degree histogram, the average
  clustering coefficient (networkx), the number of connected components and
  of isolated nodes, and the size; :data:`FEATURE_GROUPS` names the columns
  of each kind.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import torch

from gdl_teach.core.validate import check_edge_index, check_int, check_tensor
from gdl_teach.data.convert import networkx_from_edge_index
from gdl_teach.nn.gcn import dense_adjacency, gcn_norm
from gdl_teach.nn.scatter import scatter_sum

__all__ = ["FEATURE_GROUPS", "adjacency_rows", "hop_features", "graph_features", "graph_feature_matrix"]

#: Column groups of :func:`graph_feature_matrix` (name -> prefix of its columns).
FEATURE_GROUPS = {"degree histogram": "degree", "clustering": "clustering", "components": "components",
                  "size": "size"}


def adjacency_rows(x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
    """Each node's features followed by its row of the adjacency matrix: ``[x, A]``.

    Row ``i`` of ``A`` marks the nodes ``i`` receives from
    (:func:`gdl_teach.nn.gcn.dense_adjacency`), so a model that reads it sees
    the whole graph, flattened: nothing is lost, but nothing tells the model
    that node ids are arbitrary.

    Args:
        x: node features.
        edge_index: edges ``source -> target``.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(N, F + N)` on the device of ``x``
    """
    x = check_tensor("x", x, ndim=2, floating=True, nonempty=True)
    adj = dense_adjacency(check_edge_index("edge_index", edge_index, x.shape[0]), x.shape[0])
    return torch.cat([x, adj.to(x)], dim=1)


def hop_features(x: torch.Tensor, edge_index: torch.Tensor, num_hops: int = 2) -> torch.Tensor:
    r"""The features averaged over ``0, 1, ..., num_hops`` hops: :math:`X, \hat A X, \dots, \hat A^K X`, stacked.

    No weights are learned: this is the neighbourhood average a practitioner
    computes once and hands to a linear model (SGC without its classifier,
    Wu et al. 2019, https://arxiv.org/abs/1902.07153); entry ``k`` is
    :math:`\hat A^k X`.

    Args:
        x: node features.
        edge_index: edges ``source -> target``.
        num_hops: K.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(K + 1, N, F)` on the device of ``x``
    """
    x = check_tensor("x", x, ndim=2, floating=True, nonempty=True)
    num_hops = check_int("num_hops", num_hops, min_value=0)
    edges, weight = gcn_norm(check_edge_index("edge_index", edge_index, x.shape[0]), num_nodes=x.shape[0])
    src, dst = edges
    out = [x]
    for _ in range(num_hops):
        out.append(scatter_sum(out[-1][src] * weight.to(x).view(-1, 1), dst, x.shape[0]))
    return torch.stack(out)


def graph_features(data: Any, max_degree: int = 8) -> dict[str, float]:
    """Hand-made descriptors of one graph, by name.

    ``degree k``: share of nodes with degree ``k`` (the last bin counts
    ``max_degree`` and above); ``clustering``: the average clustering
    coefficient (``networkx.average_clustering``, isolated nodes count 0);
    ``components``, ``components (isolated nodes)``: connected components and
    nodes without edges; ``size (nodes)``, ``size (edges)``.

    Args:
        data: a PyG ``Data`` with ``edge_index`` and ``num_nodes`` (undirected: both directions stored).
        max_degree: the last degree bin.
    """
    if getattr(data, "edge_index", None) is None or data.num_nodes is None:
        raise TypeError(f"data must be a PyG Data with edge_index and num_nodes, got {type(data).__name__}")
    max_degree = check_int("max_degree", max_degree, min_value=1)
    num_nodes = int(data.num_nodes)
    graph = networkx_from_edge_index(check_edge_index("data.edge_index", data.edge_index, num_nodes), num_nodes)
    degrees = np.minimum([d for _, d in graph.degree()], max_degree)
    hist = np.bincount(degrees, minlength=max_degree + 1) / num_nodes
    out = {f"degree {k}{'+' if k == max_degree else ''}": float(h) for k, h in enumerate(hist)}
    out.update({"clustering": float(nx.average_clustering(graph)),
                "components": float(nx.number_connected_components(graph)),
                "components (isolated nodes)": float(nx.number_of_isolates(graph)),
                "size (nodes)": float(num_nodes), "size (edges)": float(graph.number_of_edges())})
    return out


def graph_feature_matrix(graphs: Sequence[Any], groups: Sequence[str] | None = None,
                         max_degree: int = 8) -> tuple[np.ndarray, list[str]]:
    """:func:`graph_features` of many graphs, one row each, keeping the columns of ``groups``.

    Args:
        graphs: PyG ``Data`` objects.
        groups: names from :data:`FEATURE_GROUPS` (default: all).
        max_degree: the last degree bin.

    Returns:
        ``(features (G, F) float64 array, column names)``.
    """
    if isinstance(graphs, (str, bytes)) or not isinstance(graphs, Sequence) or not graphs:
        raise TypeError(f"graphs must be a non-empty list of PyG Data objects, got {type(graphs).__name__}")
    groups = list(FEATURE_GROUPS) if groups is None else list(groups)
    for g in groups:
        if g not in FEATURE_GROUPS:
            raise ValueError(f"groups must name entries of {list(FEATURE_GROUPS)}, got {g!r}")
    rows = [graph_features(d, max_degree) for d in graphs]
    names = [n for n in rows[0] if any(n.startswith(FEATURE_GROUPS[g]) for g in groups)]
    return np.array([[r[n] for n in names] for r in rows], dtype=np.float64), names
