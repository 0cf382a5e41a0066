"""gdl_teach.message_passing.features: adjacency rows, hop averages and hand-made graph statistics."""
from __future__ import annotations

import networkx as nx
import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.data.convert import edge_index_from_networkx
from gdl_teach.message_passing import features
from gdl_teach.nn.gcn import dense_adjacency, gcn_norm_dense


def test_adjacency_rows_append_the_adjacency(karate: Data) -> None:
    out = features.adjacency_rows(karate.x, karate.edge_index)
    assert out.shape == (34, 68)
    assert torch.equal(out[:, :34], karate.x) and torch.equal(out[:, 34:], dense_adjacency(karate.edge_index, 34))


def test_hop_features_are_powers_of_a_hat(karate: Data) -> None:
    x = torch.randn(34, 3, generator=torch.Generator().manual_seed(0))
    hops = features.hop_features(x, karate.edge_index, num_hops=3)
    a_hat = gcn_norm_dense(dense_adjacency(karate.edge_index, 34))
    assert hops.shape == (4, 34, 3) and torch.equal(hops[0], x)
    assert torch.allclose(hops[3], a_hat @ a_hat @ a_hat @ x, atol=1e-5)
    with pytest.raises(ValueError, match="num_hops must be >= 0"):
        features.hop_features(x, karate.edge_index, num_hops=-1)


def test_graph_features_of_a_known_graph() -> None:
    g = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])
    g.add_node(4)  # isolated
    data = Data(edge_index=edge_index_from_networkx(g), num_nodes=5)
    f = features.graph_features(data, max_degree=3)
    assert [f[f"degree {k}"] for k in range(3)] == [0.2, 0.2, 0.4] and f["degree 3+"] == 0.2
    assert f["clustering"] == pytest.approx((1 + 1 + 1 / 3 + 0 + 0) / 5)
    assert f["components"] == 2 and f["components (isolated nodes)"] == 1
    assert f["size (nodes)"] == 5 and f["size (edges)"] == 4
    matrix, names = features.graph_feature_matrix([data, data], groups=["clustering", "components"], max_degree=3)
    assert names == ["clustering", "components", "components (isolated nodes)"] and matrix.shape == (2, 3)
    with pytest.raises(ValueError, match="groups must name entries of"):
        features.graph_feature_matrix([data], groups=["triangles"])
    with pytest.raises(TypeError, match="graphs must be a non-empty list"):
        features.graph_feature_matrix([])


def test_node_features_stay_on_the_input_device(karate: Data) -> None:
    with torch.device("meta"):  # a tensor made without device= would land on meta and clash with x
        hops = features.hop_features(karate.x, karate.edge_index, 2)
        rows = features.adjacency_rows(karate.x, karate.edge_index)
    assert hops.device == rows.device == karate.x.device
