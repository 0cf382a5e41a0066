"""gdl_teach.euclid.models: the convolution as message passing, the GNN classifier and the adjacency MLP."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.data import Batch, Data
from torch_geometric.nn import GraphConv, RGCNConv

from gdl_teach import seed_everything
from gdl_teach.core.symmetry import check_equivariance, check_invariance, permute_nodes, permute_output
from gdl_teach.core.training import fit, graph_step
from gdl_teach.euclid.grid import image_to_nodes, make_grid_graph, nodes_to_image
from gdl_teach.euclid.hub_graphs import make_hub_graphs
from gdl_teach.euclid.models import AdjacencyMLP, GNNClassifier, NeighbourSumConv, OffsetConv


# --------------------------------------------------------------------------- OffsetConv
@pytest.mark.parametrize("padding", ["zeros", "circular"])
@pytest.mark.parametrize("c_in,c_out,h,w", [(1, 4, 16, 16), (3, 2, 5, 7)])
def test_conv2d_equals_message_passing(padding: str, c_in: int, c_out: int, h: int, w: int) -> None:
    torch.manual_seed(0)
    conv = nn.Conv2d(c_in, c_out, 3, padding=1, padding_mode=padding)
    layer = OffsetConv.from_conv2d(conv)
    grid = make_grid_graph(h, w, padding=padding)
    img = torch.randn(c_in, h, w)
    with torch.no_grad():
        want = conv(img.unsqueeze(0))[0]
        got = nodes_to_image(layer(image_to_nodes(img), grid.edge_index, grid.edge_attr), h, w)
    assert (want - got).abs().max() < 1e-5


def test_offset_conv_matches_pyg_rgcn() -> None:
    torch.manual_seed(1)
    layer = OffsetConv(3, 5)
    with torch.no_grad():
        layer.bias.normal_()
    rgcn = RGCNConv(3, 5, num_relations=9, aggr="add", root_weight=False)
    with torch.no_grad():
        rgcn.weight.copy_(layer.weight)
        rgcn.bias.copy_(layer.bias)
    grid = make_grid_graph(6, 4)
    x = torch.randn(24, 3)
    assert torch.allclose(rgcn(x, grid.edge_index, grid.edge_attr), layer(x, grid.edge_index, grid.edge_attr), atol=1e-5)


def test_offset_conv_without_bias_and_in_float64() -> None:
    conv = nn.Conv2d(2, 3, 3, padding=1, bias=False, dtype=torch.float64)
    layer = OffsetConv.from_conv2d(conv)
    assert layer.bias is None and layer.weight.dtype == torch.float64
    grid = make_grid_graph(3, 3)
    out = layer(torch.randn(9, 2, dtype=torch.float64), grid.edge_index, grid.edge_attr)
    assert out.shape == (9, 3)


def test_offset_conv_bad_input() -> None:
    with pytest.raises(TypeError, match="conv"):
        OffsetConv.from_conv2d(nn.Linear(3, 3))
    with pytest.raises(ValueError, match="conv must have kernel_size=3"):
        OffsetConv.from_conv2d(nn.Conv2d(1, 1, 3, stride=2, padding=1))
    with pytest.raises(ValueError, match="conv must have kernel_size=3"):
        OffsetConv.from_conv2d(nn.Conv2d(1, 1, 5, padding=2))
    layer = OffsetConv(2, 3)
    grid = make_grid_graph(3, 3)
    with pytest.raises(ValueError, match="x must have shape"):
        layer(torch.randn(9, 3), grid.edge_index, grid.edge_attr)
    with pytest.raises(ValueError, match="edge_attr must hold offset ids"):
        layer(torch.randn(9, 2), grid.edge_index, grid.edge_attr + 5)
    with pytest.raises(ValueError, match="edge_attr must have shape"):
        layer(torch.randn(9, 2), grid.edge_index, grid.edge_attr[:-1])
    with pytest.raises(ValueError, match="edge_index refers to node"):
        layer(torch.randn(4, 2), grid.edge_index, grid.edge_attr)
    with pytest.raises(ValueError, match="in_channels must be >= 1"):
        OffsetConv(0, 3)


# --------------------------------------------------------------------------- graph models
def test_gnn_layer_matches_pyg_graphconv_and_is_equivariant(hub_graph: Data) -> None:
    torch.manual_seed(0)
    x = torch.randn(12, 4)
    ours = NeighbourSumConv(4, 6)
    pyg = GraphConv(4, 6, aggr="add")
    with torch.no_grad():
        pyg.lin_rel.weight.copy_(ours.lin_nbr.weight)
        pyg.lin_rel.bias.copy_(ours.lin_nbr.bias)
        pyg.lin_root.weight.copy_(ours.lin_root.weight)
    assert torch.allclose(ours(x, hub_graph.edge_index), pyg(x, hub_graph.edge_index), atol=1e-5)
    assert check_equivariance(ours, (x, hub_graph.edge_index), permute_nodes(keep_perm=True), permute_output)
    with pytest.raises(ValueError, match="x must have shape"):
        ours(torch.randn(12, 3), hub_graph.edge_index)


def test_gnn_classifier_invariant_adjacency_mlp_not(hub_graph: Data) -> None:
    seed_everything(0)
    gnn = GNNClassifier(1, 16, 2)
    mlp = AdjacencyMLP(12, (16,), 2)
    assert check_invariance(gnn, (hub_graph.x, hub_graph.edge_index), permute_nodes())
    report = check_invariance(mlp, (hub_graph.x, hub_graph.edge_index), permute_nodes())
    assert not report and report.max_error > 1e-3


@pytest.mark.parametrize("build", [lambda: GNNClassifier(1, 8, 3), lambda: AdjacencyMLP(12, (8,), 3)],
                         ids=["gnn", "adjacency-mlp"])
def test_a_batch_gives_one_row_per_graph_the_same_as_alone(build) -> None:  # noqa: ANN001
    seed_everything(0)
    model = build()
    graphs = make_hub_graphs(5, seed=2)
    batch = Batch.from_data_list(graphs)
    together = model(batch.x, batch.edge_index, batch.batch)
    alone = torch.cat([model(g.x, g.edge_index) for g in graphs])
    assert together.shape == (5, 3) and torch.allclose(together, alone, atol=1e-5)


@pytest.mark.parametrize("build", [lambda: GNNClassifier(1, 8, 2), lambda: AdjacencyMLP(12, (8,), 2)],
                         ids=["gnn", "adjacency-mlp"])
def test_a_batch_that_skips_a_graph_id_is_rejected(build) -> None:  # noqa: ANN001
    # PyG's pooling would give the missing graph 1 a row of zeros, and the model a prediction for it
    model = build()
    batch = Batch.from_data_list(make_hub_graphs(2, seed=0))
    skipping = torch.where(batch.batch == 1, 2, batch.batch)  # graph ids 0 and 2: no graph 1
    with pytest.raises(ValueError, match=r"batch skips graph id\(s\) \[1\]"):
        model(batch.x, batch.edge_index, skipping)
    with pytest.raises(ValueError, match=r"batch skips graph id\(s\) \[0\]"):
        model(batch.x[:12], batch.edge_index[:, :36], torch.ones(12, dtype=torch.long))
    with pytest.raises(ValueError, match="batch must be non-negative and sorted"):
        model(batch.x, batch.edge_index, batch.batch.flip(0))


def test_adjacency_mlp_bad_input() -> None:
    mlp = AdjacencyMLP(12, (8,), 2)
    batch = Batch.from_data_list(make_hub_graphs(2, num_nodes=10, num_edges=12, hub_degree=5))
    with pytest.raises(ValueError, match="every graph must have num_nodes=12"):
        mlp(batch.x, batch.edge_index, batch.batch)
    with pytest.raises(TypeError, match="hidden_channels must be a sequence"):
        AdjacencyMLP(12, 8, 2)
    with pytest.raises(ValueError, match="hidden_channels must be >= 1"):
        GNNClassifier(1, 0, 2)


def test_graph_step_returns_logits_and_labels() -> None:
    batch = Batch.from_data_list(make_hub_graphs(4, seed=0))
    logits, y = graph_step(GNNClassifier(1, 4, 2), batch, "train")
    assert logits.shape == (4, 2) and torch.equal(y, torch.tensor([0, 1, 0, 1]))


def test_models_shapes_and_seeded_training_repeats() -> None:
    graphs = make_hub_graphs(64, seed=0)
    batches = [Batch.from_data_list(graphs[i:i + 16]) for i in range(0, 64, 16)]

    def train_once(build):  # noqa: ANN001, ANN202
        seed_everything(0)
        model = build()
        hist = fit(model, batches, loss_fn=F.cross_entropy, epochs=3, lr=3e-3, step=graph_step,
                   progress=False, device="cpu")
        return hist.train_loss, model(batches[0].x, batches[0].edge_index, batches[0].batch)

    for build in (lambda: GNNClassifier(1, 8, 2), lambda: AdjacencyMLP(12, (16,), 2)):
        loss_a, out_a = train_once(build)
        loss_b, out_b = train_once(build)
        assert out_a.shape == (16, 2)
        assert loss_a == loss_b and torch.equal(out_a, out_b)
