"""Lesson 02: from-scratch message passing, its data, 1-WL, exercises, widgets and figures."""
from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import pytest
import torch
from torch_geometric.data import Data
from torch_geometric.utils import scatter

from gdl_teach.core.symmetry import check_equivariance, permute_nodes, permute_output
from gdl_teach.data.convert import edge_index_from_networkx
from gdl_teach.data.karate import load_karate_club
from gdl_teach.exercises.core import ExerciseFailed
from gdl_teach.message_passing import from_scratch as mp
from gdl_teach.message_passing import viz as mpviz
from gdl_teach.message_passing.checks import (
    check_gcn_dense,
    check_weighted_aggregate,
    check_wl_step,
    reference_gcn_dense,
    reference_weighted_aggregate,
)
from gdl_teach.message_passing.datasets import (
    GENERATOR_NAMES,
    hop_distances,
    make_generator_graphs,
    make_sbm_node_task,
    make_wl_pair,
    receptive_field_share,
)
from gdl_teach.message_passing.widgets import OversmoothingExplorer, ReceptiveFieldExplorer
from gdl_teach.message_passing.wl import num_colors, same_partition, wl_colors, wl_refine, wl_step, wl_test


def _random_graph(n: int = 12, e: int = 40, f: int = 5, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    return mp.random_graph(n, e, f, seed=seed)


@pytest.fixture(scope="module")
def sbm() -> Data:
    return make_sbm_node_task(num_nodes=200, train_per_class=5, num_val=20)


# --------------------------------------------------------------------------- layers


@pytest.mark.parametrize("seed", [0, 1])
def test_six_layers_match_pyg(seed: int) -> None:
    x, edge_index = _random_graph(seed=seed)  # random directed edges, may repeat and contain loops
    karate = load_karate_club()
    for diffs in (mp.compare_with_pyg(x, edge_index, seed=seed), mp.compare_with_pyg(karate.x, karate.edge_index)):
        assert set(diffs) == {"GCNDense", "GCNScatter", "GCNMessagePassing", "GINDense", "GINScatter",
                              "GINMessagePassing"}
        assert max(diffs.values()) <= 1e-5, diffs


def test_dense_and_scatter_agree_on_a_directed_graph() -> None:
    x, edge_index = _random_graph(n=9, e=25, seed=3)
    adj = mp.to_dense_adj(edge_index, 9)
    torch.manual_seed(0)
    dense = mp.GCNDense(5, 4)
    scat = mp.GCNScatter(5, 4)
    scat.load_state_dict(dense.state_dict())
    assert torch.allclose(dense(x, adj), scat(x, edge_index), atol=1e-5)
    # A[i, j] counts edges j -> i: row sums are in-degrees
    assert torch.equal(adj.sum(1), torch.zeros(9).index_add_(0, edge_index[1], torch.ones(25)))


def test_gcn_norm_adds_one_self_loop_per_node() -> None:
    edge_index = torch.tensor([[0, 1, 1, 2, 2, 2], [1, 0, 2, 1, 2, 2]])  # node 2 has two self-loops
    ei, w = mp.gcn_norm(edge_index, 3)
    loops = ei[0] == ei[1]
    assert int(loops.sum()) == 3 and torch.all(w > 0)
    from_edges = torch.zeros(3, 3).index_put_((ei[1], ei[0]), w, accumulate=True)  # A_hat[i, j] for j -> i
    assert torch.allclose(mp.gcn_norm_dense(mp.to_dense_adj(edge_index, 3)), from_edges, atol=1e-6)


def test_scatter_helpers_match_pyg_scatter() -> None:
    g = torch.Generator().manual_seed(0)
    src, index = torch.randn(30, 4, generator=g), torch.randint(0, 6, (30,), generator=g)
    index[index == 5] = 4  # row 5 receives nothing
    for ours, reduce in ((mp.scatter_sum, "sum"), (mp.scatter_mean, "mean"), (mp.scatter_max, "max")):
        assert torch.allclose(ours(src, index, 6), scatter(src, index, 0, dim_size=6, reduce=reduce), atol=1e-6)
    with pytest.raises(ValueError, match="index must have one entry per row of src"):
        mp.scatter_sum(src, index[:-1], 6)
    with pytest.raises(ValueError, match=r"index must lie in \[0, 3\]"):
        mp.scatter_mean(src, index, 4)
    with pytest.raises(TypeError, match="index must be an integer tensor"):
        mp.scatter_max(src, index.float(), 6)
    with pytest.raises(TypeError, match="src must be a floating-point tensor"):
        mp.scatter_sum(index, index, 6)


@pytest.mark.parametrize("layer_fn", [
    lambda: mp.GCNScatter(5, 3), lambda: mp.GCNMessagePassing(5, 3),
    lambda: mp.GINScatter(mp.gin_mlp(5, 3)), lambda: mp.GINMessagePassing(mp.gin_mlp(5, 3)),
])
def test_edge_list_layers_are_permutation_equivariant(layer_fn) -> None:
    torch.manual_seed(0)
    layer = layer_fn()
    x, edge_index = _random_graph()
    report = check_equivariance(layer, (x, edge_index), permute_nodes(keep_perm=True), permute_output)
    assert report.passed, report


def test_dense_layers_are_permutation_equivariant() -> None:
    torch.manual_seed(0)
    x, edge_index = _random_graph()
    for layer in (mp.GCNDense(5, 3), mp.GINDense(mp.gin_mlp(5, 3), eps=0.2)):
        def f(x: torch.Tensor, e: torch.Tensor, layer=layer) -> torch.Tensor:
            return layer(x, mp.to_dense_adj(e, x.shape[0]))
        assert check_equivariance(f, (x, edge_index), permute_nodes(keep_perm=True), permute_output).passed


def test_layers_reject_bad_input() -> None:
    x, edge_index = _random_graph()
    layer = mp.GCNScatter(5, 3)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 5\)"):
        layer(x[:, :4], edge_index)
    with pytest.raises(TypeError, match="x must be a floating-point tensor"):
        layer(x.long(), edge_index)
    with pytest.raises(ValueError, match="edge_index refers to node 12"):
        layer(x, torch.tensor([[0], [12]]))
    with pytest.raises(TypeError, match="edge_index must be an integer tensor"):
        mp.GINMessagePassing(mp.gin_mlp(5, 3))(x, edge_index.float())
    with pytest.raises(ValueError, match="adj must be a square"):
        mp.GCNDense(5, 3)(x, torch.zeros(12, 11))
    with pytest.raises(ValueError, match=r"adj must be \(12, 12\) to match x"):
        mp.GINDense(mp.gin_mlp(5, 3))(x, torch.zeros(11, 11))
    with pytest.raises(TypeError, match="mlp must be a torch.nn.Module"):
        mp.GINScatter("mlp")
    with pytest.raises(ValueError, match="out_dim must be >= 1"):
        mp.GCNMessagePassing(5, 0)
    with pytest.raises(ValueError, match="num_nodes must be >= 1"):
        mp.to_dense_adj(edge_index, 0)
    with pytest.raises(TypeError, match="adj must be a floating-point tensor"):
        mp.gcn_norm_dense(torch.zeros(3, 3, dtype=torch.long))


def test_benchmark_reports_times_and_ratio() -> None:
    r = mp.benchmark_gcn_scatter(num_nodes=200, num_edges=2000, num_features=8, repeats=2, num_threads=1)
    assert r["max_abs_diff"] <= 1e-5 and r["ours_ms"] > 0 and r["pyg_ms"] > 0 and r["threads"] == 1
    assert r["ratio"] == pytest.approx(r["ours_ms"] / r["pyg_ms"])
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        mp.benchmark_gcn_scatter(repeats=0)


def test_bench_script_runs_and_refuses_small_graphs(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "bench_scatter.py"
    spec = importlib.util.spec_from_file_location("bench_scatter", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    with pytest.raises(SystemExit):
        module.main(["--edges", "1000"])
    assert module.main(["--nodes", "5000", "--edges", "100000", "--features", "4", "--repeats", "1",
                        "--threads", "1"]) == 0
    assert "ratio ours / PyG" in capsys.readouterr().out


# --------------------------------------------------------------------------- over-smoothing


def test_propagation_smooths(sbm: Data) -> None:
    hs = mp.propagate_gcn(sbm.x, sbm.edge_index, 16)
    assert len(hs) == 17 and all(h.shape == sbm.x.shape for h in hs)
    energies = [mp.dirichlet_energy(h, sbm.edge_index) for h in hs]
    assert all(b <= a + 1e-9 for a, b in zip(energies, energies[1:]))
    assert mp.mean_pairwise_distance(hs[16]) < mp.mean_pairwise_distance(hs[0])
    curve = mp.oversmoothing_curve(sbm, [0, 2, 64])
    assert list(curve.columns) == ["dirichlet_energy", "mean_distance", "centroid_accuracy"]
    assert curve.loc[64, "dirichlet_energy"] < 1e-3 * curve.loc[0, "dirichlet_energy"]
    with pytest.raises(ValueError, match="depths must be a non-empty list"):
        mp.oversmoothing_curve(sbm, [])
    with pytest.raises(ValueError, match="data must have train_mask"):
        mp.oversmoothing_curve(Data(x=sbm.x, edge_index=sbm.edge_index, y=sbm.y), [1])
    with pytest.raises(ValueError, match="x must have at least 2 rows"):
        mp.mean_pairwise_distance(torch.ones(1, 3))
    with pytest.raises(TypeError, match="train_mask and test_mask must be bool"):
        mp.nearest_centroid_accuracy(sbm.x, sbm.y, sbm.train_mask.long(), sbm.test_mask)
    with pytest.raises(ValueError, match="depth must be >= 0"):
        mp.propagate_gcn(sbm.x, sbm.edge_index, -1)


# --------------------------------------------------------------------------- data


def test_karate_club() -> None:
    data = load_karate_club()
    assert data.x.shape == (34, 34) and data.edge_index.shape == (2, 156)
    assert torch.bincount(data.y).tolist() == [17, 17]
    assert int(data.train_mask.sum()) == 8 and not bool((data.train_mask & data.test_mask).any())
    assert load_karate_club(features="constant").x.shape == (34, 1)
    assert torch.equal(load_karate_club(seed=3).train_mask, load_karate_club(seed=3).train_mask)
    with pytest.raises(ValueError, match="features must be one of"):
        load_karate_club(features="degree")
    with pytest.raises(ValueError, match="train_per_class=17 leaves no test node"):
        load_karate_club(train_per_class=17)


def test_sbm_is_seeded_symmetric_and_validated() -> None:
    a, b = make_sbm_node_task(num_nodes=100, seed=1, train_per_class=3, num_val=10), \
        make_sbm_node_task(num_nodes=100, seed=1, train_per_class=3, num_val=10)
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


def test_edge_index_from_networkx_and_hops() -> None:
    ei = edge_index_from_networkx(nx.path_graph(4))
    assert ei.shape == (2, 6)
    assert hop_distances(ei, 4, 0).tolist() == [0, 1, 2, 3]
    assert hop_distances(torch.tensor([[0], [1]]), 3, 0).tolist() == [0, 1, -1]
    with pytest.raises(TypeError, match="graph must be an undirected networkx.Graph"):
        edge_index_from_networkx(nx.DiGraph([(0, 1)]))
    with pytest.raises(ValueError, match="nodes must be the integers"):
        edge_index_from_networkx(nx.Graph([("a", "b")]))
    with pytest.raises(ValueError, match="source must be <= 3"):
        hop_distances(ei, 4, 4)
    share = receptive_field_share(ei, 4, 3)
    assert torch.allclose(share, torch.tensor([4 / 16, 10 / 16, 14 / 16, 1.0]))
    directed = receptive_field_share(torch.tensor([[0], [1]]), 2, 1)  # node 1 hears node 0, not vice versa
    assert torch.allclose(directed, torch.tensor([0.5, 0.75]))
    with pytest.raises(ValueError, match="max_hops must be >= 0"):
        receptive_field_share(ei, 4, -1)


# --------------------------------------------------------------------------- 1-WL


def test_wl_cannot_separate_the_lesson_pairs_but_separates_others() -> None:
    for name in ("triangles_vs_hexagon", "decalin_vs_bicyclopentyl"):
        a, b = make_wl_pair(name)
        assert a.num_nodes == b.num_nodes and a.edge_index.shape == b.edge_index.shape
        assert not nx.is_isomorphic(nx.Graph(a.edge_index.t().tolist()), nx.Graph(b.edge_index.t().tolist()))
        assert not wl_test(a, b).distinguishable
    _, hexagon = make_wl_pair()
    path = Data(edge_index=edge_index_from_networkx(nx.path_graph(6)), num_nodes=6)
    result = wl_test(hexagon, path)
    assert result.distinguishable and "different" in repr(result)
    colors = wl_colors([hexagon, path])
    assert num_colors(colors[1]) == 3 and set(colors[0].tolist()).isdisjoint(colors[1].tolist())
    with pytest.raises(ValueError, match="name must be one of"):
        make_wl_pair("cubane")


def test_wl_step_and_refine() -> None:
    path = edge_index_from_networkx(nx.path_graph(5))
    first = wl_step(torch.zeros(5, dtype=torch.long), path)
    assert same_partition(first, torch.tensor([0, 1, 1, 1, 0]))
    history = wl_refine(path, 5)
    assert same_partition(history[-1], torch.tensor([0, 1, 2, 1, 0]))
    with pytest.raises(TypeError, match="colors must be an integer tensor"):
        wl_step(torch.zeros(5), path)
    with pytest.raises(ValueError, match="colors must have one entry per node"):
        wl_refine(path, 5, colors=torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="colors_a and colors_b must have the same shape"):
        same_partition(torch.zeros(3, dtype=torch.long), torch.zeros(4, dtype=torch.long))
    with pytest.raises(TypeError, match="data_b must be a PyG Data"):
        wl_test(Data(edge_index=path, num_nodes=5), "graph")
    with pytest.raises(TypeError, match="graphs must be a non-empty list"):
        wl_colors([])


# --------------------------------------------------------------------------- exercises


def test_exercise_checks_pass_on_the_references(capsys: pytest.CaptureFixture[str]) -> None:
    check_gcn_dense(reference_gcn_dense)
    check_weighted_aggregate(reference_weighted_aggregate)
    check_wl_step(wl_step)
    assert capsys.readouterr().out.count("Correct:") == 3


def test_gcn_dense_check_explains_wrong_answers() -> None:
    def no_self_loops(x, adj, w):
        d = adj.sum(1).clamp(min=1).pow(-0.5)
        return d.view(-1, 1) * adj * d.view(1, -1) @ x @ w

    def mean(x, adj, w):
        a = adj + torch.eye(adj.shape[0])
        return a / a.sum(1, keepdim=True) @ x @ w

    with pytest.raises(ExerciseFailed, match="add the self-loops first"):
        check_gcn_dense(no_self_loops)
    with pytest.raises(ExerciseFailed, match="divided by the degree once"):
        check_gcn_dense(mean)
    with pytest.raises(ExerciseFailed, match="still raises NotImplementedError"):
        check_gcn_dense(lambda x, adj, w: (_ for _ in ()).throw(NotImplementedError()))


def test_aggregate_and_wl_checks_explain_wrong_answers() -> None:
    with pytest.raises(ExerciseFailed, match="messages flow the wrong way"):
        check_weighted_aggregate(lambda x, e, w: reference_weighted_aggregate(x, e.flip(0), w))
    with pytest.raises(ExerciseFailed, match="multiply every gathered row"):
        check_weighted_aggregate(lambda x, e, w: reference_weighted_aggregate(x, e, torch.ones_like(w)))

    def ignores_own_colour(colors, edge_index):
        sig = [tuple(sorted(colors[edge_index[0][edge_index[1] == i]].tolist())) for i in range(len(colors))]
        palette = {s: k for k, s in enumerate(sorted(set(sig)))}
        return torch.tensor([palette[s] for s in sig])

    with pytest.raises(ExerciseFailed, match="keep the own colour"):
        check_wl_step(ignores_own_colour)
    with pytest.raises(ExerciseFailed, match="kept the grouping of the nodes unchanged"):
        check_wl_step(lambda colors, edge_index: colors)


# --------------------------------------------------------------------------- widgets and figures


def test_receptive_field_widget_redraws() -> None:
    explorer = ReceptiveFieldExplorer(load_karate_club(), node=0, k=1)
    first_fig, first = explorer.last_figure, explorer.last_result.copy()
    explorer.controls["k"].value = 3
    assert explorer.last_figure is not first_fig and explorer.draw_count == 2
    assert int(explorer.last_result["nodes reached"].iloc[0]) > int(first["nodes reached"].iloc[0])
    explorer.controls["node"].value = 16
    assert int(explorer.last_result["node"].iloc[0]) == 16
    assert explorer.last_figure.axes[0].get_title().startswith("3-hop receptive field of node 16")
    with pytest.raises(ValueError, match="node must be <= 33"):
        ReceptiveFieldExplorer(load_karate_club(), node=34)
    with pytest.raises(TypeError, match="data must be a PyG Data"):
        ReceptiveFieldExplorer("karate")
    plt.close("all")


def test_oversmoothing_widget_redraws(sbm: Data) -> None:
    explorer = OversmoothingExplorer(sbm, depths=(0, 2, 32), depth=0)
    start = explorer.last_result.copy()
    explorer.controls["depth"].value = 32
    assert explorer.draw_count == 2 and list(explorer.last_result.index) == [32]
    assert float(explorer.last_result["mean_distance"].iloc[0]) < float(start["mean_distance"].iloc[0])
    assert "after 32 steps" in explorer.last_figure.axes[0].get_title()
    with pytest.raises(ValueError, match="depth must be one of depths"):
        OversmoothingExplorer(sbm, depths=(0, 2), depth=5)
    plt.close("all")


def test_figures_and_their_errors(sbm: Data) -> None:
    karate = load_karate_club()
    assert isinstance(mpviz.plot_receptive_field(karate, 0, 2), plt.Axes)
    a, b = make_wl_pair()
    assert isinstance(mpviz.plot_wl_colors([a, b], wl_colors([a, b])), plt.Figure)
    graphs = make_generator_graphs(num_per_class=2, min_nodes=8, max_nodes=10)
    assert len(mpviz.plot_graph_gallery(graphs, GENERATOR_NAMES, per_class=2).axes) == 8
    hs = mp.propagate_gcn(sbm.x, sbm.edge_index, 2)
    curve = mp.oversmoothing_curve(sbm, [0, 2])
    assert isinstance(mpviz.plot_oversmoothing(hs[2], sbm.y, curve, 2), plt.Figure)
    with pytest.raises(ValueError, match="node must be <= 33"):
        mpviz.plot_receptive_field(karate, 40, 1)
    with pytest.raises(ValueError, match="graphs and colors must be non-empty and of equal length"):
        mpviz.plot_wl_colors([a, b], wl_colors([a]))
    with pytest.raises(TypeError, match="curve must be the DataFrame"):
        mpviz.plot_oversmoothing(hs[2], sbm.y, {"depth": [0]}, 2)
    with pytest.raises(TypeError, match="summary must be the DataFrame"):
        mpviz.plot_accuracy_bars([0.5, 0.7])
    plt.close("all")
