"""The shared karate club and the networkx converters."""
from __future__ import annotations

import networkx as nx
import torch

from gdl_teach.data.convert import edge_index_from_networkx, networkx_from_edge_index
from gdl_teach.data.karate import load_karate_club


def test_karate_club_is_the_real_graph() -> None:
    data = load_karate_club()
    assert data.num_nodes == 34 and data.edge_index.shape == (2, 156)
    assert int(data.y.sum()) == 17  # 17 members followed the officer
    assert data.y[0] == 0 and data.y[33] == 1  # Mr. Hi and the officer themselves


def test_converters_round_trip() -> None:
    g = nx.cycle_graph(5)
    edge_index = edge_index_from_networkx(g)
    assert edge_index.shape == (2, 10) and torch.all(edge_index[1][1:] >= edge_index[1][:-1])
    back = networkx_from_edge_index(edge_index, 5)
    assert nx.is_isomorphic(back, g) and sorted(back.edges()) == sorted(g.edges())
