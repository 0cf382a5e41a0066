"""gdl_teach.euclid.hub_graphs: the graph-classification set and its renumbered copies."""
from __future__ import annotations

import networkx as nx
import pytest
import torch

from gdl_teach.euclid.hub_graphs import make_hub_graphs, relabel_graphs


def test_hub_graphs() -> None:
    graphs = make_hub_graphs(20, num_nodes=12, num_edges=18, hub_degree=8, seed=4)
    assert [int(g.y) for g in graphs[:4]] == [0, 1, 0, 1]
    for g in graphs:
        assert g.edge_index.shape == (2, 36) and g.x.shape == (12, 1)
        pairs = set(map(tuple, g.edge_index.t().tolist()))
        assert len(pairs) == 36 and all((b, a) in pairs for a, b in pairs)  # simple, undirected
        deg0 = int((g.edge_index[0] == 0).sum())
        if int(g.y) == 1:
            assert deg0 == 8
    again = make_hub_graphs(20, num_nodes=12, num_edges=18, hub_degree=8, seed=4)
    assert all(torch.equal(a.edge_index, b.edge_index) for a, b in zip(graphs, again))


def test_hub_graphs_bad_input() -> None:
    with pytest.raises(ValueError, match="num_edges must be >= 9"):
        make_hub_graphs(4, num_edges=8, hub_degree=8)
    with pytest.raises(ValueError, match="hub_degree must be <= 11"):
        make_hub_graphs(4, hub_degree=12)
    with pytest.raises(ValueError, match="num_graphs must be >= 2"):
        make_hub_graphs(1)
    with pytest.raises(ValueError, match="too many"):
        make_hub_graphs(2, num_nodes=4, num_edges=6, hub_degree=1)


def test_relabel_graphs_keeps_the_graph_and_leaves_the_input_alone() -> None:
    graphs = make_hub_graphs(6, seed=0)
    before = [g.edge_index.clone() for g in graphs]
    rel = relabel_graphs(graphs, seed=1)
    for a, b in zip(graphs, rel):
        ga = nx.Graph(a.edge_index.t().tolist())
        gb = nx.Graph(b.edge_index.t().tolist())
        assert nx.is_isomorphic(ga, gb)
        assert torch.equal(a.y, b.y)
    assert any(not torch.equal(a.edge_index, b.edge_index) for a, b in zip(graphs, rel))
    assert all(torch.equal(g.edge_index, e) for g, e in zip(graphs, before))
    with pytest.raises(TypeError, match="graphs must be a non-empty list"):
        relabel_graphs([])
