"""Reference GNNs (gdl_teach.message_passing.models): shapes, symmetry, determinism, training helpers, errors."""
from __future__ import annotations

import pytest
import torch
from torch import nn
from torch_geometric.data import Batch

from gdl_teach.core.seed import seed_everything
from gdl_teach.core.symmetry import check_equivariance, check_invariance, permute_nodes, permute_output
from gdl_teach.data.karate import load_karate_club
from gdl_teach.message_passing.datasets import make_generator_graphs, make_wl_pair
from gdl_teach.message_passing.models import (
    GAT,
    GCN,
    GIN,
    GNN_NAMES,
    MODEL_NAMES,
    GraphClassifier,
    GraphSAGE,
    ShuffledBatches,
    compare_graph_models,
    compare_node_models,
    graph_step,
    make_graph_model,
    make_node_model,
    node_step,
    split_graphs,
    summarize,
)
from gdl_teach.nn.mlp import MLP

NODE_CLASSES = [GCN, GraphSAGE, GAT, GIN]


def _graph(n: int = 15, f: int = 6, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    e = torch.randint(0, n, (2, 40), generator=g)
    return torch.randn(n, f, generator=g), torch.cat([e, e.flip(0)], dim=1)


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda c: c.__name__)
def test_node_models_shape_and_equivariance(cls: type) -> None:
    torch.manual_seed(0)
    model = cls(6, 8, 3, num_layers=3, dropout=0.5).eval()
    x, edge_index = _graph()
    assert model(x, edge_index).shape == (15, 3)
    report = check_equivariance(model, (x, edge_index), permute_nodes(keep_perm=True), permute_output)
    assert report.passed, report


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda c: c.__name__)
def test_node_models_are_seeded(cls: type) -> None:
    x, edge_index = _graph()
    outs = []
    for _ in range(2):
        seed_everything(3)
        outs.append(cls(6, 8, 3).eval()(x, edge_index))
    assert torch.equal(outs[0], outs[1])


def test_node_models_reject_bad_input() -> None:
    x, edge_index = _graph()
    with pytest.raises(ValueError, match=r"x must have shape \(N, 6\)"):
        GCN(6, 8, 3)(x[:, :5], edge_index)
    with pytest.raises(ValueError, match="edge_index refers to node 15"):
        GIN(6, 8, 3)(x, torch.tensor([[0], [15]]))
    with pytest.raises(ValueError, match="hidden must be divisible by heads=4"):
        GAT(6, 10, 3)
    with pytest.raises(ValueError, match="num_layers must be >= 1"):
        GraphSAGE(6, 8, 3, num_layers=0)
    with pytest.raises(ValueError, match="dropout must be <= 1.0"):
        GCN(6, 8, 3, dropout=1.5)
    with pytest.raises(TypeError, match="in_dim must be an int"):
        GIN(6.0, 8, 3)
    with pytest.raises(ValueError, match="name must be one of"):
        make_node_model("ChebNet", 6, 8, 3)


def test_make_node_model_gives_the_kit_mlp() -> None:
    mlp = make_node_model("MLP", 6, 8, 3)
    assert isinstance(mlp, MLP)
    assert {type(make_node_model(n, 6, 8, 3)).__name__ for n in GNN_NAMES} == set(GNN_NAMES)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_graph_classifiers_are_permutation_invariant(name: str) -> None:
    torch.manual_seed(0)
    model = make_graph_model(name, 6, 8, 4).eval()
    x, edge_index = _graph()
    assert model(x, edge_index).shape == (1, 4)
    report = check_invariance(lambda x, e: model(x, e), (x, edge_index), permute_nodes())
    assert report.passed, report


def test_graph_classifier_batches_and_errors() -> None:
    graphs = make_generator_graphs(num_per_class=2, min_nodes=8, max_nodes=10)
    batch = Batch.from_data_list(graphs)
    model = GraphClassifier(1, 8, 4, conv="gin")
    pred, target = graph_step(model, batch, "train")
    assert pred.shape == (8, 4) and target.shape == (8,)
    assert model.embed(batch.x, batch.edge_index, batch.batch).shape == (8, 8)
    with pytest.raises(ValueError, match="conv must be one of"):
        GraphClassifier(1, 8, 4, conv="cheb")
    with pytest.raises(ValueError, match="batch must be non-negative and sorted"):
        model(batch.x, batch.edge_index, batch.batch.flip(0))
    with pytest.raises(ValueError, match="batch must have one entry per point"):
        model(batch.x, batch.edge_index, batch.batch[:-1])


def test_gin_cannot_separate_what_1wl_cannot() -> None:
    torch.manual_seed(0)
    gin = GraphClassifier(1, 16, 4, conv="gin").eval()
    for name in ("triangles_vs_hexagon", "decalin_vs_bicyclopentyl"):
        a, b = make_wl_pair(name)
        with torch.no_grad():
            assert torch.allclose(gin.embed(a.x, a.edge_index), gin.embed(b.x, b.edge_index), atol=1e-5)


def test_node_step_feeds_the_mlp_features_only() -> None:
    data = load_karate_club()
    mlp = make_node_model("MLP", 34, 8, 2)
    pred, target = node_step(mlp, data, "train")
    assert pred.shape == (8, 2) and target.shape == (8,)
    pred, _ = node_step(GCN(34, 8, 2), data, "test")
    assert pred.shape == (26, 2)


def test_compare_node_models_is_deterministic() -> None:
    data = load_karate_club()
    runs = [compare_node_models({"karate": data}, models=["MLP", "GCN"], seeds=(0,), epochs=5, progress=False,
                                device="cpu") for _ in range(2)]
    assert runs[0].equals(runs[1])
    assert list(runs[0].columns) == ["dataset", "model", "seed", "test_acc", "epochs"]
    table = summarize(runs[0])
    assert table.index.names == ["dataset", "model"] and "mean" in table.columns
    with pytest.raises(TypeError, match="datasets must be a non-empty dict"):
        compare_node_models([data])
    with pytest.raises(TypeError, match="seeds must be a non-empty list"):
        compare_node_models({"k": data}, seeds=0)
    with pytest.raises(TypeError, match="models must be a non-empty list"):
        compare_node_models({"k": data}, models="GCN")
    with pytest.raises(ValueError, match=r"datasets\['k'\] must be a PyG Data with y"):
        compare_node_models({"k": make_wl_pair()[0]}, progress=False)
    with pytest.raises(TypeError, match="table must be a DataFrame"):
        summarize([0.5])


def test_compare_graph_models_and_split() -> None:
    graphs = make_generator_graphs(num_per_class=5, min_nodes=8, max_nodes=10)
    train, val, test = split_graphs(graphs)
    assert (len(train), len(val), len(test)) == (12, 4, 4)
    table, trained = compare_graph_models(graphs, models=["MLP", "GIN"], seeds=(0,), epochs=2, progress=False,
                                          device="cpu")
    assert list(table["model"]) == ["MLP", "GIN"] and set(trained) == {"MLP", "GIN"}
    assert isinstance(trained["GIN"], nn.Module) and table["test_acc"].between(0, 1).all()
    with pytest.raises(ValueError, match="val_fraction \\+ test_fraction must be < 1"):
        split_graphs(graphs, 0.5, 0.5)
    with pytest.raises(ValueError, match="graphs must be a list of at least 3"):
        split_graphs(graphs[:2])


def test_shuffled_batches_change_order_between_epochs() -> None:
    graphs = make_generator_graphs(num_per_class=4, min_nodes=8, max_nodes=10)
    batches = ShuffledBatches(graphs, batch_size=5, num_orders=2, seed=0)
    assert len(batches) == 4
    first, second, third = ([b.y.tolist() for b in batches] for _ in range(3))
    assert first != second and first == third
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        ShuffledBatches(graphs, batch_size=0)
