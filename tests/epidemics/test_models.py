"""gdl_teach.epidemics.models: the GNN (shapes, symmetry, PyG's layers, input checks)."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.nn import GraphConv, SAGEConv

from gdl_teach.core.symmetry import check_equivariance, permute_nodes, permute_output
from gdl_teach.epidemics import contacts, models


def _graph(n: int = 25, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    src, dst = torch.randint(0, n, (2, 50), generator=g)
    edge_index = torch.cat([torch.stack([src, dst]), torch.stack([dst, src])], 1)
    return torch.randn(n, 10, generator=g), edge_index, torch.rand(edge_index.shape[1], generator=g)


@pytest.mark.parametrize("conv", models.CONVS)
def test_gnn_shapes_and_permutation_equivariance(conv: str) -> None:
    torch.manual_seed(0)
    model = models.EpidemicGNN(10, hidden_channels=8, num_layers=2, conv=conv).eval()
    x, edge_index, edge_weight = _graph()
    out = model(x, edge_index, edge_weight)
    assert out.shape == (25,) and torch.isfinite(out).all()
    report = check_equivariance(model, (x, edge_index, edge_weight), permute_nodes(keep_perm=True), permute_output,
                                trials=3, atol=1e-5)
    assert report.passed, report


def test_gnn_uses_edge_weights_only_where_the_layer_can() -> None:
    x, edge_index, edge_weight = _graph()
    for conv, uses in (("graph", True), ("sage", False), ("gcn", True), ("gat", True)):
        torch.manual_seed(0)
        model = models.EpidemicGNN(10, hidden_channels=8, conv=conv).eval()
        changed = not torch.allclose(model(x, edge_index, edge_weight), model(x, edge_index, 3 * edge_weight + 1))
        assert changed == uses, conv


def test_sage_layer_is_a_sum_over_contacts() -> None:
    """PyG's SAGEConv(aggr='sum'), as the model uses it: W_l sum_j x_j + b + W_r x_i."""
    torch.manual_seed(0)
    model = models.EpidemicGNN(10, hidden_channels=6, num_layers=1, conv="sage").eval()
    layer = model.convs[0]
    assert isinstance(layer, SAGEConv)
    x, edge_index, _ = _graph()
    neighbour_sum = torch.zeros_like(x).index_add_(0, edge_index[1], x[edge_index[0]])
    by_hand = layer.lin_l(neighbour_sum) + layer.lin_r(x)
    assert torch.allclose(layer(x, edge_index), by_hand, atol=1e-5)


def test_graph_layer_is_a_weighted_sum_over_contacts() -> None:
    """PyG's GraphConv(aggr='add'), the default: W_rel sum_j w_ji x_j + b + W_root x_i."""
    torch.manual_seed(0)
    model = models.EpidemicGNN(10, hidden_channels=6, num_layers=1)
    layer = model.convs[0]
    assert model.conv == "graph" and isinstance(layer, GraphConv)
    x, edge_index, w = _graph()
    weighted_sum = torch.zeros_like(x).index_add_(0, edge_index[1], w[:, None] * x[edge_index[0]])
    assert torch.allclose(layer(x, edge_index, w), layer.lin_rel(weighted_sum) + layer.lin_root(x), atol=1e-5)


def test_the_sparse_adjacency_gives_the_gather_scatter_result() -> None:
    """The default model hands GraphConv a CSR adjacency: the same numbers as edge_index + edge_weight."""
    torch.manual_seed(0)
    model = models.EpidemicGNN(10, hidden_channels=8).eval()
    x, edge_index, w = _graph()
    h = x
    for conv in model.convs:
        h = torch.relu(conv(h, edge_index, w))
    assert torch.allclose(model(x, edge_index, w), model.head(h).squeeze(-1), atol=1e-5)
    h = x
    for conv in model.convs:
        h = torch.relu(conv(h, edge_index))
    assert torch.allclose(model(x, edge_index), model.head(h).squeeze(-1), atol=1e-5)  # no weights: each weighs 1


def test_one_graph_layer_can_compute_the_hazard_models_exposure() -> None:
    """With W_rel picking the is_I column and W_root = 0, the first layer outputs the weighted infectious count."""
    model = models.EpidemicGNN(10, hidden_channels=1, num_layers=1).eval()
    layer = model.convs[0]
    with torch.no_grad():
        layer.lin_rel.weight.zero_()
        layer.lin_rel.weight[0, 6] = 1.0  # column is_I of FEATURE_NAMES
        layer.lin_rel.bias.zero_()
        layer.lin_root.weight.zero_()
    _, edge_index, w = _graph()
    state = torch.randint(0, 3, (25,), generator=torch.Generator().manual_seed(1))
    x = torch.zeros(25, 10)
    x[torch.arange(25), 5 + state] = 1.0  # state one-hot in columns 5-7
    assert torch.allclose(layer(x, edge_index, w)[:, 0], contacts.infectious_contacts(edge_index, state, w), atol=1e-6)


def test_gnn_validates_inputs() -> None:
    model = models.EpidemicGNN(10)
    x, edge_index, edge_weight = _graph()
    with pytest.raises(ValueError, match="x must have shape"):
        model(x[:, :4], edge_index)
    with pytest.raises(TypeError, match="x must be a floating-point"):
        model(x.long(), edge_index)
    with pytest.raises(ValueError, match="edge_index"):
        model(x, edge_index + 100)
    with pytest.raises(ValueError, match="edge_weight"):
        model(x, edge_index, edge_weight[:3])
    with pytest.raises(ValueError, match="conv"):
        models.EpidemicGNN(10, conv="gin")
    with pytest.raises(ValueError, match="num_layers"):
        models.EpidemicGNN(10, num_layers=0)
    with pytest.raises(ValueError, match="hidden_channels"):
        models.EpidemicGNN(10, hidden_channels=0)


def test_gnn_names_inputs_on_another_device() -> None:
    model = models.EpidemicGNN(10).to("meta")
    x, edge_index, edge_weight = _graph()
    with pytest.raises(ValueError, match="x is on cpu but the model is on meta"):
        model(x, edge_index, edge_weight)
    with pytest.raises(ValueError, match="edge_weight is on cpu"):
        model(x.to("meta"), edge_index.to("meta"), edge_weight)
