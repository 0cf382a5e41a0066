"""gdl_teach.euclid.baselines: renumbering, the canonical order, the degree features and the degree rule."""
from __future__ import annotations

import networkx as nx
import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.core.symmetry import permute_graph
from gdl_teach.euclid.baselines import (
    DegreeRule,
    canonical_adjacency,
    canonical_order,
    degree_histogram,
    dense_adjacency,
    ordering_ties,
    permute_adjacency,
    relabel_adjacency,
)
from gdl_teach.euclid.hub_graphs import make_hub_graphs, relabel_graphs


def _graph(edges: list[tuple[int, int]], num_nodes: int) -> Data:
    e = torch.tensor(edges).t()
    return Data(edge_index=torch.cat([e, e.flip(0)], dim=1), num_nodes=num_nodes)


def test_dense_adjacency_reads_every_edge_back() -> None:
    graphs = make_hub_graphs(6, seed=1)
    adj = dense_adjacency(graphs, 12)
    assert adj.shape == (6, 12, 12) and torch.equal(adj, adj.transpose(1, 2))
    for a, g in zip(adj, graphs):  # the flattened matrix is lossless: the edge list comes back
        assert set(map(tuple, a.nonzero().tolist())) == set(map(tuple, g.edge_index.t().tolist()))
    with pytest.raises(ValueError, match="every graph must have num_nodes=12"):
        dense_adjacency([_graph([(0, 1)], 3)], 12)
    with pytest.raises(TypeError, match="graphs must be a non-empty list"):
        dense_adjacency([], 12)


def test_permute_adjacency_is_p_a_p_transpose_and_matches_relabelled_graphs() -> None:
    g = make_hub_graphs(2, seed=0)[1]
    perm = torch.randperm(12, generator=torch.Generator().manual_seed(0))
    adj = dense_adjacency([g], 12)
    p = torch.eye(12)[perm]  # row i of P picks old node perm[i]
    assert torch.equal(permute_adjacency(adj, perm.unsqueeze(0))[0], p @ adj[0] @ p.T)
    _, edge_index = permute_graph(g.x, g.edge_index, perm)  # the kit's graph relabelling, same convention
    assert torch.equal(permute_adjacency(adj, perm.unsqueeze(0)), dense_adjacency([Data(edge_index=edge_index,
                                                                                         num_nodes=12)], 12))
    with pytest.raises(ValueError, match="perm must have shape"):
        permute_adjacency(adj, perm)


def test_relabel_adjacency_keeps_each_graph_and_is_seeded() -> None:
    adj = dense_adjacency(make_hub_graphs(8, seed=2), 12)
    before = adj.clone()
    out = relabel_adjacency(adj, torch.Generator().manual_seed(0))
    again = relabel_adjacency(adj, torch.Generator().manual_seed(0))
    assert torch.equal(adj, before) and torch.equal(out, again) and not torch.equal(out, adj)
    for a, b in zip(adj, out):
        assert nx.is_isomorphic(nx.from_numpy_array(a.numpy()), nx.from_numpy_array(b.numpy()))
    with pytest.raises(ValueError, match="square matrices"):
        relabel_adjacency(torch.zeros(2, 3, 4))


def test_canonical_order_sorts_by_degree_then_neighbour_degrees_ties_by_index() -> None:
    # path 0-1-2-3 plus a leaf 4 on node 1: degrees 1, 3, 2, 1, 1; neighbour-degree sums 3, 4, 4, 2, 3
    adj = dense_adjacency([_graph([(0, 1), (1, 2), (2, 3), (1, 4)], 5)], 5)
    assert canonical_order(adj)[0].tolist() == [1, 2, 0, 4, 3]  # 0 and 4 tie on both keys: index order
    assert bool(ordering_ties(adj)[0])
    star = dense_adjacency([_graph([(3, 0), (3, 1), (3, 2)], 4)], 4)
    assert canonical_order(star)[0, 0] == 3  # the hub first


def test_canonical_adjacency_is_the_same_for_every_numbering_unless_keys_tie() -> None:
    graphs = make_hub_graphs(60, seed=3)
    a = dense_adjacency(graphs, 12)
    b = dense_adjacency(relabel_graphs(graphs, seed=9), 12)
    same = (canonical_adjacency(a) == canonical_adjacency(b)).flatten(1).all(dim=1)
    ties = ordering_ties(a)
    assert bool(same[~ties].all())  # without ties the order is canonical
    assert torch.equal(ties, ordering_ties(b))  # ties are a property of the graph, not of its numbering
    assert not bool((a == b).flatten(1).all(dim=1).all())  # the stored numbering does change the matrix


def test_degree_histogram_counts_degrees_and_ignores_the_numbering() -> None:
    adj = dense_adjacency([_graph([(0, 1), (1, 2), (2, 3), (1, 4)], 5)], 5)
    assert degree_histogram(adj)[0].tolist() == [0.0, 3.0, 1.0, 1.0, 0.0]
    graphs = make_hub_graphs(10, seed=4)
    a, b = dense_adjacency(graphs, 12), dense_adjacency(relabel_graphs(graphs, seed=1), 12)
    assert torch.equal(degree_histogram(a), degree_histogram(b)) and torch.all(degree_histogram(a).sum(1) == 12)


def test_degree_rule_learns_the_hub_threshold() -> None:
    graphs = make_hub_graphs(200, seed=5)
    adj, y = dense_adjacency(graphs, 12), torch.cat([g.y for g in graphs])
    rule = DegreeRule().fit(adj, y)
    assert rule.threshold is not None and 6 <= rule.threshold <= 8  # the hub has degree >= 8
    assert (rule.predict(adj) == y).float().mean() > 0.95
    renumbered = dense_adjacency(relabel_graphs(graphs, seed=2), 12)
    assert torch.equal(rule.predict(renumbered), rule.predict(adj))
    with pytest.raises(RuntimeError, match="call fit before predict"):
        DegreeRule().predict(adj)
    with pytest.raises(ValueError, match="y must have shape"):
        DegreeRule().fit(adj, y[:-1])


def test_degree_rule_picks_the_smallest_of_equally_good_thresholds() -> None:
    adj = dense_adjacency([_graph([(0, 1)], 3), _graph([(0, 1), (0, 2)], 3)], 3)  # max degree 1 vs 2
    assert DegreeRule().fit(adj, torch.tensor([0, 1])).threshold == 2
    assert DegreeRule().fit(adj, torch.tensor([1, 1])).threshold == 0
