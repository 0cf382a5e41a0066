"""gdl_teach.message_passing.models: shapes, symmetry, seeding, batch ids, dtype and device."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Batch, Data

from gdl_teach.core.seed import seed_everything
from gdl_teach.core.symmetry import check_equivariance, check_invariance, permute_nodes, permute_output
from gdl_teach.message_passing.datasets import make_wl_pair
from gdl_teach.message_passing.models import (
    GNN_NAMES,
    MODEL_NAMES,
    GATNodeModel,
    GCNNodeModel,
    GINNodeModel,
    GraphClassifier,
    GraphSAGENodeModel,
    make_graph_model,
    make_node_model,
)
from gdl_teach.nn.mlp import MLP

NODE_CLASSES = [GCNNodeModel, GraphSAGENodeModel, GATNodeModel, GINNodeModel]


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda c: c.__name__)
def test_node_models_shape_and_equivariance(cls: type, random_graph: tuple[torch.Tensor, torch.Tensor]) -> None:
    torch.manual_seed(0)
    model = cls(6, 8, 3, num_layers=3, dropout=0.5).eval()
    x, edge_index = random_graph
    assert model(x, edge_index).shape == (15, 3)
    report = check_equivariance(model, (x, edge_index), permute_nodes(keep_perm=True), permute_output)
    assert report.passed, report


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda c: c.__name__)
def test_node_models_are_seeded(cls: type, random_graph: tuple[torch.Tensor, torch.Tensor]) -> None:
    outs = []
    for _ in range(2):
        seed_everything(3)
        outs.append(cls(6, 8, 3).eval()(*random_graph))
    assert torch.equal(outs[0], outs[1])


def test_node_models_reject_bad_input(random_graph: tuple[torch.Tensor, torch.Tensor]) -> None:
    x, edge_index = random_graph
    with pytest.raises(ValueError, match=r"x must have shape \(N, 6\)"):
        GCNNodeModel(6, 8, 3)(x[:, :5], edge_index)
    with pytest.raises(ValueError, match="edge_index refers to node 15"):
        GINNodeModel(6, 8, 3)(x, torch.tensor([[0], [15]]))
    with pytest.raises(TypeError, match="x is torch.float64 on cpu but the model's weights are torch.float32"):
        GraphSAGENodeModel(6, 8, 3)(x.double(), edge_index)
    with pytest.raises(ValueError, match="hidden_channels must be divisible by heads=4"):
        GATNodeModel(6, 10, 3)
    with pytest.raises(ValueError, match="num_layers must be >= 1"):
        GraphSAGENodeModel(6, 8, 3, num_layers=0)
    with pytest.raises(ValueError, match="dropout must be <= 1.0"):
        GCNNodeModel(6, 8, 3, dropout=1.5)
    with pytest.raises(TypeError, match="in_channels must be an int"):
        GINNodeModel(6.0, 8, 3)
    with pytest.raises(ValueError, match="name must be one of"):
        make_node_model("ChebNet", 6, 8, 3)


def test_make_node_model_gives_the_kit_mlp() -> None:
    assert isinstance(make_node_model("MLP", 6, 8, 3), MLP)
    assert {type(make_node_model(n, 6, 8, 3)).__name__ for n in GNN_NAMES} == {f"{n}NodeModel" for n in GNN_NAMES}


def test_names_do_not_pose_as_pygs_models() -> None:
    import torch_geometric.nn.models as pyg_models

    from gdl_teach.message_passing import models

    clashes = [n for n in models.__all__ if hasattr(pyg_models, n) and n not in ("MLP",)]
    assert not clashes, f"these names are PyG models with other arguments: {clashes}"


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_graph_classifiers_are_permutation_invariant(name: str, random_graph: tuple[torch.Tensor, torch.Tensor]
                                                     ) -> None:
    torch.manual_seed(0)
    model = make_graph_model(name, 6, 8, 4).eval()
    assert model(*random_graph).shape == (1, 4)
    report = check_invariance(lambda x, e: model(x, e), random_graph, permute_nodes())
    assert report.passed, report


def test_graph_classifier_batches_and_errors(small_graphs: list[Data]) -> None:
    batch = Batch.from_data_list(small_graphs)
    model = GraphClassifier(1, 8, 4, conv="gin")
    assert model(batch.x, batch.edge_index, batch.batch).shape == (8, 4)
    assert model.embed(batch.x, batch.edge_index, batch.batch).shape == (8, 8)
    with pytest.raises(ValueError, match="conv must be one of"):
        GraphClassifier(1, 8, 4, conv="cheb")
    with pytest.raises(TypeError, match="batch_norm must be True or False"):
        GraphClassifier(1, 8, 4, batch_norm="yes")
    assert not any(isinstance(m, torch.nn.BatchNorm1d) for m in GraphClassifier(1, 8, 4, batch_norm=False).modules())
    with pytest.raises(ValueError, match="batch must be non-negative and sorted"):
        model(batch.x, batch.edge_index, batch.batch.flip(0))
    with pytest.raises(ValueError, match="batch must have one entry per point"):
        model(batch.x, batch.edge_index, batch.batch[:-1])


def test_a_batch_that_skips_a_graph_id_is_refused_unless_num_graphs_says_so(small_graphs: list[Data]) -> None:
    # Regression: global_add_pool infers B = max(batch) + 1, so ids [0, 0, 2, 2] gave three rows, one of
    # them for a graph that does not exist.
    model = GraphClassifier(1, 8, 4, conv="gin").eval()
    a, b = small_graphs[:2]
    batch = Batch.from_data_list([a, b])
    skipped = batch.batch.clone()
    skipped[skipped == 1] = 2
    with pytest.raises(ValueError, match=r"batch skips graph id\(s\) \[1\]"):
        model(batch.x, batch.edge_index, skipped)
    with pytest.raises(ValueError, match=r"batch skips graph id\(s\) \[0\]"):
        model(batch.x, batch.edge_index, batch.batch + 1)
    with torch.no_grad():  # PyG's convention, stated: num_graphs=3 with graph 1 empty gives its row of zeros
        out = model.embed(batch.x, batch.edge_index, skipped, num_graphs=3)
        assert out.shape == (3, 8) and torch.equal(out[1], torch.zeros(8))
        assert torch.allclose(out[[0, 2]], model.embed(batch.x, batch.edge_index, batch.batch))
    with pytest.raises(ValueError, match="batch refers to graph 2 but num_graphs=2"):
        model(batch.x, batch.edge_index, skipped, num_graphs=2)


def test_gin_cannot_separate_what_1wl_cannot() -> None:
    torch.manual_seed(0)
    gin = GraphClassifier(1, 16, 4, conv="gin").eval()
    for name in ("triangles_vs_hexagon", "decalin_vs_bicyclopentyl"):
        a, b = make_wl_pair(name)
        with torch.no_grad():
            assert torch.allclose(gin.embed(a.x, a.edge_index), gin.embed(b.x, b.edge_index), atol=1e-5)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_forward_creates_no_tensor_off_the_input_device(name: str, small_graphs: list[Data]) -> None:
    batch = Batch.from_data_list(small_graphs)
    node_model = make_node_model(name, 1, 8, 4).eval()
    graph_model = make_graph_model(name, 1, 8, 4).eval()
    with torch.device("meta"):  # a tensor made without device= would land on meta and clash with the batch
        nodes = node_model(batch.x) if name == "MLP" else node_model(batch.x, batch.edge_index)
        graphs = graph_model(batch.x, batch.edge_index, batch.batch)
        one = graph_model(batch.x, batch.edge_index)  # batch=None: one graph
    assert nodes.device == graphs.device == one.device == batch.x.device
