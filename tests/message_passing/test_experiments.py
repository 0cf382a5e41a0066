"""gdl_teach.message_passing.experiments: the PyG comparison, timing, training steps, model comparisons, splits."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch
from torch import nn
from torch_geometric.data import Batch, Data

from gdl_teach.message_passing import experiments
from gdl_teach.message_passing.datasets import make_generator_graphs, make_wl_pair
from gdl_teach.message_passing.models import GCN, GraphClassifier, make_node_model
from gdl_teach.nn.gcn import GCNScatter

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("seed", [0, 1])
def test_six_layers_match_pyg(seed: int, karate: Data) -> None:
    g = torch.Generator().manual_seed(seed)
    x, edge_index = torch.randn(12, 5, generator=g), torch.randint(0, 12, (2, 40), generator=g)  # loops, repeats
    for diffs in (experiments.compare_with_pyg(x, edge_index, seed=seed),
                  experiments.compare_with_pyg(karate.x, karate.edge_index)):
        assert set(diffs) == {"GCNDense", "GCNScatter", "GCNMessagePassing", "GINDense", "GINScatter",
                              "GINMessagePassing"}
        assert max(diffs.values()) <= 1e-5, diffs
    with pytest.raises(ValueError, match="out_channels must be >= 1"):
        experiments.compare_with_pyg(x, edge_index, out_channels=0)


def test_time_layers_reports_median_and_best(karate: Data) -> None:
    layers = {"a": GCNScatter(34, 4), "b": GCNScatter(34, 4)}
    times = experiments.time_layers(layers, karate.x, karate.edge_index, repeats=3)
    assert list(times.index) == ["a", "b"] and list(times.columns) == ["median_ms", "best_ms"]
    assert (times["best_ms"] > 0).all() and (times["best_ms"] <= times["median_ms"]).all()
    assert (experiments.time_layers(layers, karate.x, karate.edge_index, repeats=1, backward=True) > 0).all().all()
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        experiments.time_layers(layers, karate.x, karate.edge_index, repeats=0)
    with pytest.raises(TypeError, match="named_layers must be a non-empty dict"):
        experiments.time_layers([GCNScatter(34, 4)], karate.x, karate.edge_index)


def test_bench_script_runs_and_refuses_small_graphs(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_scatter", ROOT / "scripts" / "bench_scatter.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    with pytest.raises(SystemExit):
        module.main(["--edges", "1000"])
    with pytest.raises(SystemExit):
        module.main(["--repeats", "0"])
    assert module.main(["--nodes", "5000", "--edges", "100000", "--features", "4", "--repeats", "1",
                        "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "ratio ours / PyG" in out and "1 thread(s)" in out


def test_steps_feed_each_model_what_it_may_see(karate: Data, small_graphs: list[Data]) -> None:
    pred, target = experiments.node_step(make_node_model("MLP", 34, 8, 2), karate, "train")
    assert pred.shape == (8, 2) and target.shape == (8,)
    pred, _ = experiments.node_step(GCN(34, 8, 2), karate, "test")
    assert pred.shape == (26, 2)
    batch = Batch.from_data_list(small_graphs)
    pred, target = experiments.graph_step(GraphClassifier(1, 8, 4), batch, "train")
    assert pred.shape == (8, 4) and target.shape == (8,)


def test_compare_node_models_is_deterministic(karate: Data) -> None:
    runs = [experiments.compare_node_models({"karate": karate}, models=["MLP", "GCN"], seeds=(0,), epochs=5,
                                            progress=False, device="cpu") for _ in range(2)]
    assert runs[0].equals(runs[1])
    assert list(runs[0].columns) == ["dataset", "model", "seed", "test_acc", "epochs"]
    table = experiments.summarize(runs[0])
    assert table.index.names == ["dataset", "model"] and "mean" in table.columns


def test_compare_node_models_rejects_bad_arguments(karate: Data) -> None:
    with pytest.raises(TypeError, match="datasets must be a non-empty dict"):
        experiments.compare_node_models([karate])
    with pytest.raises(TypeError, match="seeds must be a non-empty list"):
        experiments.compare_node_models({"k": karate}, seeds=0)
    with pytest.raises(TypeError, match="models must be a non-empty list"):
        experiments.compare_node_models({"k": karate}, models="GCN")
    with pytest.raises(ValueError, match=r"datasets\['k'\] must be a PyG Data with y"):
        experiments.compare_node_models({"k": make_wl_pair()[0]}, progress=False)
    with pytest.raises(TypeError, match="table must be a DataFrame"):
        experiments.summarize([0.5])


def test_training_leaves_the_learners_data_where_it_was(karate: Data) -> None:
    before = {k: v.data_ptr() for k, v in karate.to_dict().items() if isinstance(v, torch.Tensor)}
    experiments.compare_node_models({"karate": karate}, models=["GCN"], seeds=(0,), epochs=2, progress=False,
                                    device="cpu")
    assert before == {k: v.data_ptr() for k, v in karate.to_dict().items() if isinstance(v, torch.Tensor)}


def test_split_graphs_uses_the_kit_splitter() -> None:
    graphs = make_generator_graphs(num_per_class=5, min_nodes=8, max_nodes=10)
    train, val, test = experiments.split_graphs(graphs)
    assert (len(train), len(val), len(test)) == (12, 4, 4)
    assert {id(g) for g in train + val + test} == {id(g) for g in graphs}
    assert [id(g) for g in experiments.split_graphs(graphs)[2]] == [id(g) for g in test]  # seeded
    with pytest.raises(ValueError, match="val_fraction \\+ test_fraction must be < 1"):
        experiments.split_graphs(graphs, 0.5, 0.5)
    with pytest.raises(ValueError, match="graphs must be a list of at least 3"):
        experiments.split_graphs(graphs[:2])


def test_compare_graph_models() -> None:
    graphs = make_generator_graphs(num_per_class=5, min_nodes=8, max_nodes=10)
    table, trained = experiments.compare_graph_models(graphs, models=["MLP", "GIN"], seeds=(0,), epochs=2,
                                                      progress=False, device="cpu")
    assert list(table["model"]) == ["MLP", "GIN"] and set(trained) == {"MLP", "GIN"}
    assert isinstance(trained["GIN"], nn.Module) and table["test_acc"].between(0, 1).all()
    assert next(trained["GIN"].parameters()).device.type == "cpu"
    again, _ = experiments.compare_graph_models(graphs, models=["MLP", "GIN"], seeds=(0,), epochs=2,
                                                progress=False, device="cpu")
    assert table.equals(again)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        experiments.compare_graph_models(graphs, batch_size=0)
