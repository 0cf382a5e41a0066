"""A big generated graph for the scaling appendix: a planted partition with noisy node features.

Nodes belong to ``num_classes`` communities; each node starts ``avg_degree / 2``
edges, each to a node of its own community with probability ``homophily``
and to a uniformly random node otherwise (a stochastic block model in the
sparse regime; Holland, Laskey & Leinhardt 1983). Features are the
community's random mean vector plus Gaussian noise, so a node's features
alone classify it only roughly, and averaging over neighbours (message
passing) helps. Synthetic, seeded, built in seconds for a few hundred thousand nodes.
"""
from __future__ import annotations

import torch
from torch_geometric.data import Data
from torch_geometric.utils import coalesce, remove_self_loops, to_undirected

from gdl_teach.core.splits import random_split
from gdl_teach.core.validate import check_float, check_int

__all__ = ["planted_partition_graph"]


def planted_partition_graph(num_nodes: int = 300_000, num_classes: int = 8, avg_degree: float = 10.0,
                            homophily: float = 0.8, num_features: int = 32, signal: float = 0.5,
                            train_fraction: float = 0.1, val_fraction: float = 0.1, seed: int = 0) -> Data:
    """A seeded planted-partition graph with class labels, noisy features and train/val/test masks.

    Args:
        num_nodes: N.
        num_classes: communities C (node ``i`` belongs to a random one).
        avg_degree: expected number of neighbours per node (before duplicates are merged).
        homophily: share of edges drawn inside a community.
        num_features: F.
        signal: length scale of the community means relative to the unit noise.
        train_fraction: share of nodes in ``train_mask``.
        val_fraction: share in ``val_mask``; the rest is ``test_mask``.
        seed: seed of everything.

    Returns:
        ``Data(x: (N, F) float32, edge_index: (2, E) undirected and coalesced, y: (N,) long,
        train_mask, val_mask, test_mask: (N,) bool)``.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=2)
    num_classes = check_int("num_classes", num_classes, min_value=1, max_value=num_nodes)
    check_float("avg_degree", avg_degree, min_value=0.0, max_value=num_nodes - 1)
    check_float("homophily", homophily, min_value=0.0, max_value=1.0)
    num_features = check_int("num_features", num_features, min_value=1)
    check_float("signal", signal, min_value=0.0)
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
    y = torch.randint(num_classes, (num_nodes,), generator=g)
    members = torch.argsort(y)  # node ids grouped by community
    sizes = torch.bincount(y, minlength=num_classes)
    starts = torch.cumsum(sizes, 0) - sizes
    num_edges = int(round(num_nodes * avg_degree / 2))
    src = torch.randint(num_nodes, (num_edges,), generator=g)
    inside = torch.rand(num_edges, generator=g) < homophily
    pick = (torch.rand(num_edges, generator=g) * sizes[y[src]]).long()  # a random member of src's community
    dst = torch.where(inside, members[starts[y[src]] + pick], torch.randint(num_nodes, (num_edges,), generator=g))
    edge_index, _ = remove_self_loops(torch.stack([src, dst]))
    edge_index = coalesce(to_undirected(edge_index, num_nodes=num_nodes), num_nodes=num_nodes)
    means = torch.randn(num_classes, num_features, generator=g) * signal
    x = means[y] + torch.randn(num_nodes, num_features, generator=g)
    train, val, test = random_split(num_nodes, (train_fraction, val_fraction, 1 - train_fraction - val_fraction),
                                    seed=seed)
    masks = {name: torch.zeros(num_nodes, dtype=torch.bool).index_fill_(0, idx, True)
             for name, idx in (("train_mask", train), ("val_mask", val), ("test_mask", test))}
    return Data(x=x, edge_index=edge_index, y=y, **masks)
