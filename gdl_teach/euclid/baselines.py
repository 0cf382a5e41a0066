"""What a practitioner would try before a GNN: the flattened adjacency, orderings, and hand-made features.

A graph of ``N`` nodes flattened into its ``N * N`` adjacency entries loses no
information: the graph can be read back from the vector. What the vector
lacks is the *symmetry*: renumbering the nodes (a permutation matrix ``P``)
turns ``A`` into ``P A P^T``, the same graph written differently, and a model
of the vector must learn that all these vectors mean the same thing. The
ways around it, each with its own cost, are here:

* :func:`relabel_adjacency`: permutation *augmentation*, a fresh ``P A P^T``
  for every graph at every step (the model sees the symmetry as data);
* :func:`canonical_order` / :func:`canonical_adjacency`: a *canonical
  ordering* computed from the graph itself (sort by degree, then by the sum of
  the neighbours' degrees, then by the current index), so two numberings of
  one graph give one vector, unless :func:`ordering_ties` says the sort keys tie;
* :func:`degree_histogram` and :class:`DegreeRule`: *hand-made features*
  that cannot see the numbering at all (scikit-learn's logistic regression
  reads the histogram in the lesson).
"""
from __future__ import annotations

from typing import Any

import torch
from torch_geometric.utils import to_dense_adj

from gdl_teach.core.validate import check_int, check_tensor


def dense_adjacency(graphs: list[Any], num_nodes: int) -> torch.Tensor:
    """The adjacency matrices of graphs that all have ``num_nodes`` nodes.

    Args:
        graphs: PyG ``Data`` objects with ``edge_index`` (2, E) and ``N`` nodes each.
        num_nodes: N.

    Returns:
        (B, N, N) float, ``A[b, i, j] = 1`` for an edge ``i -> j`` of graph ``b``, on the graphs' device.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    if not isinstance(graphs, (list, tuple)) or not graphs:
        raise TypeError("graphs must be a non-empty list of torch_geometric Data objects")
    sizes = [int(g.num_nodes) for g in graphs]
    if any(s != num_nodes for s in sizes):
        raise ValueError(f"every graph must have num_nodes={num_nodes} nodes, got sizes {sorted(set(sizes))}")
    # one disjoint union of all graphs, node ids shifted by num_nodes per graph, as PyG's Batch would do
    edge_index = torch.cat([g.edge_index + i * num_nodes for i, g in enumerate(graphs)], dim=1)
    batch = torch.arange(len(graphs), device=edge_index.device).repeat_interleave(num_nodes)
    return to_dense_adj(edge_index, batch, max_num_nodes=num_nodes)


def _check_adjacency(adj: Any) -> torch.Tensor:
    adj = check_tensor("adj", adj, ndim=3, floating=True, nonempty=True)
    if adj.shape[1] != adj.shape[2]:
        raise ValueError(f"adj must be a batch of square matrices (B, N, N), got shape {tuple(adj.shape)}")
    return adj


def permute_adjacency(adj: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
    """Renumber the nodes of each graph: new node ``i`` is old node ``perm[b, i]``, i.e. ``P A P^T``.

    Args:
        adj: (B, N, N) adjacency matrices.
        perm: (B, N) long, one permutation of ``range(N)`` per graph, on the device of ``adj``.

    Returns:
        (B, N, N) with ``out[b, i, j] = adj[b, perm[b, i], perm[b, j]]``.
    """
    adj = _check_adjacency(adj)
    perm = check_tensor("perm", perm, shape=tuple(adj.shape[:2]), integer=True)
    b, n, _ = adj.shape
    rows = adj.gather(1, perm.unsqueeze(-1).expand(b, n, n))  # rows reordered
    return rows.gather(2, perm.unsqueeze(1).expand(b, n, n))  # then columns


def relabel_adjacency(adj: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """The same graphs, each renumbered by its own random permutation: augmentation by ``P A P^T``.

    Args:
        adj: (B, N, N) adjacency matrices.
        generator: a CPU ``torch.Generator``, so the permutations do not depend on the device.

    Returns:
        (B, N, N) on the device of ``adj``; ``adj`` itself is left as it is.
    """
    adj = _check_adjacency(adj)
    perm = torch.rand(adj.shape[:2], generator=generator, device="cpu").argsort(dim=1).to(adj.device)  # (B, N)
    return permute_adjacency(adj, perm)


def _sort_keys(adj: torch.Tensor) -> torch.Tensor:
    """(B, N) one number per node: degree first, the sum of its neighbours' degrees second."""
    n = adj.shape[1]
    deg = adj.sum(dim=2)  # (B, N)
    neighbour_degrees = (adj @ deg.unsqueeze(-1)).squeeze(-1)  # (B, N), at most (N - 1)^2 < N^2
    return deg * n * n + neighbour_degrees


def canonical_order(adj: torch.Tensor) -> torch.Tensor:
    """A numbering computed from the graph: by degree, then by the neighbours' degrees, both descending.

    Tie rule: nodes whose degree and neighbour-degree sum are both equal keep
    their current relative order (a stable sort). The ordering is therefore
    the same for every numbering of a graph only when no two nodes tie
    (:func:`ordering_ties`); an exact canonical form (e.g. nauty) breaks ties
    by search, at a cost that can grow quickly with the graph.

    Args:
        adj: (B, N, N) adjacency matrices.

    Returns:
        (B, N) long, ``perm[b, i]`` = the old id of the node placed at position ``i``.
    """
    adj = _check_adjacency(adj)
    return torch.sort(_sort_keys(adj), dim=1, descending=True, stable=True).indices


def canonical_adjacency(adj: torch.Tensor) -> torch.Tensor:
    """(B, N, N) the adjacency matrices renumbered by :func:`canonical_order`."""
    return permute_adjacency(adj, canonical_order(adj))


def ordering_ties(adj: torch.Tensor) -> torch.Tensor:
    """(B,) bool: whether two nodes of a graph share both sort keys, so the canonical order depends on the input."""
    keys = torch.sort(_sort_keys(_check_adjacency(adj)), dim=1).values
    return (keys[:, 1:] == keys[:, :-1]).any(dim=1)


def degree_histogram(adj: torch.Tensor) -> torch.Tensor:
    """How many nodes have degree 0, 1, ..., N - 1: a feature vector no renumbering can change.

    Args:
        adj: (B, N, N) adjacency matrices of simple undirected graphs.

    Returns:
        (B, N) float counts.
    """
    adj = _check_adjacency(adj)
    deg = adj.sum(dim=2).long().clamp(max=adj.shape[1] - 1)  # (B, N)
    return torch.zeros_like(adj[:, 0]).scatter_add(1, deg, torch.ones_like(adj[:, 0]))


class DegreeRule:
    """The simplest hand-made rule: "class 1 when the largest degree is at least ``threshold``".

    :meth:`fit` picks the threshold with the best training accuracy (the
    smallest such threshold on a tie): one number learned, no weights.
    """

    def __init__(self) -> None:
        self.threshold: int | None = None

    def fit(self, adj: torch.Tensor, y: torch.Tensor) -> DegreeRule:
        """Choose the threshold on training graphs.

        Args:
            adj: (B, N, N) adjacency matrices.
            y: (B,) labels in {0, 1}.
        """
        adj = _check_adjacency(adj)
        y = check_tensor("y", y, shape=(adj.shape[0],), integer=True).cpu()
        max_degree = adj.sum(dim=2).amax(dim=1).cpu()  # (B,)
        candidates = torch.arange(adj.shape[1] + 1, device="cpu")
        accuracy = ((max_degree.unsqueeze(0) >= candidates.unsqueeze(1)).long() == y).float().mean(dim=1)
        self.threshold = int(candidates[int(accuracy.argmax())])  # argmax: the first of the best
        return self

    def predict(self, adj: torch.Tensor) -> torch.Tensor:
        """(B,) long predictions for (B, N, N) adjacency matrices, on the CPU."""
        if self.threshold is None:
            raise RuntimeError("call fit before predict: the rule has no threshold yet")
        adj = _check_adjacency(adj)
        return (adj.sum(dim=2).amax(dim=1) >= self.threshold).long().cpu()
