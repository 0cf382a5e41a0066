"""gdl_teach.message_passing.datasets: seeded synthetic graphs, the 1-WL pairs, hop distances and receptive fields."""
from __future__ import annotations

import networkx as nx
import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.data.convert import edge_index_from_networkx
from gdl_teach.data.karate import load_karate_club
from gdl_teach.message_passing.datasets import (
    GENERATOR_NAMES,
    hop_distances,
    make_generator_graphs,
    make_sbm_node_task,
    make_wl_pair,
    receptive_field_share,
)


def test_karate_club_as_the_lesson_uses_it(karate: Data) -> None:
    assert karate.x.shape == (34, 34) and karate.edge_index.shape == (2, 156)
    assert torch.bincount(karate.y).tolist() == [17, 17]
    assert int(karate.train_mask.sum()) == 8 and not bool((karate.train_mask & karate.test_mask).any())
    assert load_karate_club(features="constant").x.shape == (34, 1)
    assert torch.equal(load_karate_club(seed=3).train_mask, load_karate_club(seed=3).train_mask)
    with pytest.raises(ValueError, match="features must be one of"):
        load_karate_club(features="degree")
    with pytest.raises(ValueError, match="train_per_class=17 leaves no test node"):
        load_karate_club(train_per_class=17)


def test_sbm_is_seeded_symmetric_and_validated() -> None:
    a, b = (make_sbm_node_task(num_nodes=100, seed=1, train_per_class=3, num_val=10) for _ in range(2))
    assert torch.equal(a.x, b.x) and torch.equal(a.edge_index, b.edge_index)
    c = make_sbm_node_task(num_nodes=100, seed=2, train_per_class=3, num_val=10)
    assert not torch.equal(a.x, c.x)
    edges = set(map(tuple, a.edge_index.t().tolist()))
    assert all((j, i) in edges for i, j in edges) and all(i != j for i, j in edges)
    assert int(a.train_mask.sum()) == 12 and int(a.val_mask.sum()) == 10
    with pytest.raises(ValueError, match="num_features must be >= 4"):
        make_sbm_node_task(num_features=3)
    with pytest.raises(TypeError, match="signal must be a number"):
        make_sbm_node_task(signal="high")
    with pytest.raises(ValueError, match="num_val=1000 leaves no test nodes"):
        make_sbm_node_task(num_val=1000)


def test_generator_graphs() -> None:
    graphs = make_generator_graphs(num_per_class=3, min_nodes=10, max_nodes=14, seed=0)
    assert len(graphs) == 12 and [int(g.y) for g in graphs[:4]] == [0, 1, 2, 3]
    assert all(10 <= g.num_nodes <= 14 and g.x.shape == (g.num_nodes, 1) for g in graphs)
    again = make_generator_graphs(num_per_class=3, min_nodes=10, max_nodes=14, seed=0)
    assert all(torch.equal(a.edge_index, b.edge_index) for a, b in zip(graphs, again))
    assert len(GENERATOR_NAMES) == 4
    with pytest.raises(ValueError, match="max_nodes must be >= 10"):
        make_generator_graphs(min_nodes=10, max_nodes=8)


def test_wl_pairs_are_not_isomorphic_but_alike() -> None:
    for name in ("triangles_vs_hexagon", "decalin_vs_bicyclopentyl"):
        a, b = make_wl_pair(name)
        assert a.num_nodes == b.num_nodes and a.edge_index.shape == b.edge_index.shape
        assert not nx.is_isomorphic(nx.Graph(a.edge_index.t().tolist()), nx.Graph(b.edge_index.t().tolist()))
    with pytest.raises(ValueError, match="name must be one of"):
        make_wl_pair("cubane")


def test_hop_distances_and_receptive_field() -> None:
    ei = edge_index_from_networkx(nx.path_graph(4))
    assert hop_distances(ei, 4, 0).tolist() == [0, 1, 2, 3]
    assert hop_distances(torch.tensor([[0], [1]]), 3, 0).tolist() == [0, 1, -1]
    with pytest.raises(ValueError, match="source must be <= 3"):
        hop_distances(ei, 4, 4)
    share = receptive_field_share(ei, 4, 3)
    assert torch.allclose(share, torch.tensor([4 / 16, 10 / 16, 14 / 16, 1.0]))
    directed = receptive_field_share(torch.tensor([[0], [1]]), 2, 1)  # node 1 hears node 0, not vice versa
    assert torch.allclose(directed, torch.tensor([0.5, 0.75]))
    with pytest.raises(ValueError, match="max_hops must be >= 0"):
        receptive_field_share(ei, 4, -1)


def test_hops_create_no_tensor_off_the_input_device(karate: Data) -> None:
    with torch.device("meta"):  # a tensor made without device= would land on meta and clash with edge_index
        dist = hop_distances(karate.edge_index, 34, 0)
        share = receptive_field_share(karate.edge_index, 34, 2)
    assert dist.device == share.device == karate.edge_index.device
