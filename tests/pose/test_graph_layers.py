"""The dense graph layers: GCN equals PyG's GCNConv; SemGCN's weights are a softmax over neighbours."""
from __future__ import annotations

import torch
from torch_geometric.data import Batch, Data
from torch_geometric.nn import GCNConv

from gdl_teach.pose import graph_layers, skeleton

ARM_SWAP = list(range(11)) + [14, 15, 16, 11, 12, 13]


def _adjacency() -> torch.Tensor:
    adj = torch.zeros(17, 17)
    ei = skeleton.edge_index()
    adj[ei[1], ei[0]] = 1.0
    return adj


def test_dense_gcn_equals_pyg_gcnconv() -> None:
    torch.manual_seed(0)
    ours = graph_layers.DenseGCNConv(5, 7, skeleton.normalized_adjacency(skeleton.edge_index(), 17))
    theirs = GCNConv(5, 7)
    with torch.no_grad():
        theirs.lin.weight.copy_(ours.lin.weight)
        theirs.bias.copy_(torch.randn(7))
        ours.bias.copy_(theirs.bias)
    x = torch.randn(4, 17, 5)
    batch = Batch.from_data_list([Data(x=x[k], edge_index=skeleton.edge_index()) for k in range(4)])
    assert torch.allclose(ours(x).reshape(-1, 7), theirs(batch.x, batch.edge_index), atol=1e-5)


def test_semgcn_weights_are_a_softmax_over_each_neighbourhood() -> None:
    layer = graph_layers.SemGraphConv(3, 4, _adjacency())
    with torch.no_grad():
        layer.edge_weight.normal_()
    w = layer.weights()
    assert torch.allclose(w.sum(1), torch.ones(17))
    outside = ~((_adjacency() > 0) | torch.eye(17, dtype=torch.bool))
    assert torch.equal(w[outside], torch.zeros(int(outside.sum())))
    assert layer.edge_weight.numel() == 17 + 32


def test_semgcn_breaks_the_arm_swap_only_once_its_edge_weights_differ() -> None:
    torch.manual_seed(1)
    layer = graph_layers.SemGraphConv(3, 4, _adjacency())
    x = torch.randn(8, 17, 3)
    assert torch.allclose(layer(x[:, ARM_SWAP]), layer(x)[:, ARM_SWAP], atol=1e-6), "uniform weights: symmetric"
    with torch.no_grad():
        layer.edge_weight.normal_()
    assert not torch.allclose(layer(x[:, ARM_SWAP]), layer(x)[:, ARM_SWAP], atol=1e-3)


def test_propagate_is_a_batched_matrix_product() -> None:
    w, h = torch.randn(17, 17), torch.randn(6, 17, 5)
    assert torch.allclose(graph_layers.propagate(w, h), w @ h, atol=1e-5)
