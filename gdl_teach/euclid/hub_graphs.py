"""Graphs to classify: does a graph have a hub? And the same graphs, renumbered.

A synthetic graph-classification set (:func:`make_hub_graphs`) in which the
class is a property of the graph, but an accident of the numbering (the hub is
always node 0) gives it away to a model that reads the nodes in order.
:func:`relabel_graphs` removes the accident without changing the graphs.
"""
from __future__ import annotations

import numpy as np
import torch
from torch_geometric.data import Data

from gdl_teach.core.symmetry import permute_graph
from gdl_teach.core.validate import check_int


def _undirected(pairs: list[tuple[int, int]]) -> torch.Tensor:
    e = torch.tensor(pairs, dtype=torch.long).t()  # (2, m)
    return torch.cat([e, e.flip(0)], dim=1)  # (2, 2m): both directions


def make_hub_graphs(num_graphs: int = 400, num_nodes: int = 12, num_edges: int = 18, hub_degree: int = 8,
                    seed: int = 0) -> list[Data]:
    """A synthetic graph-classification set: does the graph have a hub?

    Class 0: a uniformly random graph with ``num_nodes`` nodes and exactly
    ``num_edges`` edges. Class 1: node 0 is a hub linked to ``hub_degree``
    random other nodes, and the remaining edges are random among the others,
    again exactly ``num_edges`` in all. Both classes have the same number of
    nodes and edges, so counting them says nothing about the class. The nodes
    come *in generation order*: in class 1 the hub is always node 0, an
    accident of labelling that a model of the flattened adjacency matrix can
    exploit and a permutation-invariant model cannot even see.

    Args:
        num_graphs: number of graphs (classes alternate 0, 1, 0, ...), >= 2.
        num_nodes: N per graph, >= 4.
        num_edges: edges per graph (each counted once), hub_degree < num_edges <= N(N-1)/2.
        hub_degree: neighbours of the hub in class 1, in [1, N - 1].
        seed: seed of the generator.

    Returns:
        A list of ``Data`` (on the CPU) with ``x`` (N, 1) ones, ``edge_index``
        (2, 2 * num_edges) both directions, ``y`` (1,) class id.
    """
    num_graphs = check_int("num_graphs", num_graphs, min_value=2)
    n = check_int("num_nodes", num_nodes, min_value=4)
    hub_degree = check_int("hub_degree", hub_degree, min_value=1, max_value=n - 1)
    m = check_int("num_edges", num_edges, min_value=hub_degree + 1, max_value=n * (n - 1) // 2)
    if m - hub_degree > (n - 1) * (n - 2) // 2:
        raise ValueError(f"num_edges={m} is too many: only {(n - 1) * (n - 2) // 2} edges fit besides the hub's")
    seed = check_int("seed", seed, min_value=0)
    rng = np.random.default_rng(seed)
    all_pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    rest_pairs = [(i, j) for (i, j) in all_pairs if i > 0]
    graphs = []
    for g in range(num_graphs):
        label = g % 2
        if label == 0:
            pairs = [all_pairs[p] for p in rng.choice(len(all_pairs), m, replace=False)]
        else:
            hub = [(0, int(j)) for j in 1 + rng.choice(n - 1, hub_degree, replace=False)]
            pairs = hub + [rest_pairs[p] for p in rng.choice(len(rest_pairs), m - hub_degree, replace=False)]
        graphs.append(Data(x=torch.ones(n, 1), edge_index=_undirected(pairs), y=torch.tensor([label]), num_nodes=n))
    return graphs


def relabel_graphs(graphs: list[Data], seed: int = 0) -> list[Data]:
    """The same graphs with their nodes renumbered by a random permutation each.

    Relabelling changes nothing about a graph, only the order in which its
    nodes are written down. The graphs given are left as they are.

    Args:
        graphs: a list of ``Data`` with ``x`` (N, F) and ``edge_index`` (2, E).
        seed: seed of the permutations.

    Returns:
        New ``Data`` objects on the device of the given ones; ``y`` is kept.
    """
    if not isinstance(graphs, (list, tuple)) or not graphs or not all(isinstance(d, Data) for d in graphs):
        raise TypeError("graphs must be a non-empty list of torch_geometric Data objects")
    seed = check_int("seed", seed, min_value=0)
    g = torch.Generator().manual_seed(seed)
    out = []
    for d in graphs:
        perm = torch.randperm(d.num_nodes, generator=g, device=g.device).to(d.edge_index.device)
        x, edge_index = permute_graph(d.x, d.edge_index, perm)
        out.append(Data(x=x, edge_index=edge_index, y=d.y, num_nodes=d.num_nodes))
    return out
