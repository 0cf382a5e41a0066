"""Lesson 00's package pieces: toy data, the graph tour, viz, and its exercise checks."""
from __future__ import annotations

import matplotlib.pyplot as plt
import plotly.graph_objects as go
import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.core.training import History
from gdl_teach.data.karate import load_karate_club
from gdl_teach.exercises import ExerciseFailed
from gdl_teach.setup.checks import (
    check_degree,
    check_neighbour_sum,
    reference_degree,
    reference_neighbour_sum,
)
from gdl_teach.setup.toy import graph_from_networkx, make_torus_cloud, make_toy_graph
from gdl_teach.setup.widgets import GraphTour
from gdl_teach.viz import plot_graph, plot_history, plot_point_cloud


def test_karate_club_is_the_real_graph() -> None:
    data = load_karate_club()
    assert data.num_nodes == 34 and data.edge_index.shape == (2, 156)
    assert int(data.y.sum()) == 17  # 17 members followed the officer
    assert data.y[0] == 0 and data.y[33] == 1  # Mr. Hi and the officer themselves


def test_toy_graphs_are_seeded_and_validated() -> None:
    a, b = make_toy_graph("random geometric", 50, seed=3), make_toy_graph("random geometric", 50, seed=3)
    assert torch.equal(a.edge_index, b.edge_index) and a.pos.shape == (50, 2)
    assert make_toy_graph("grid", 36).num_nodes == 36
    assert make_toy_graph("small world", 20).edge_index.shape[1] == 2 * 40
    with pytest.raises(ValueError, match="kind must be one of"):
        make_toy_graph("hexagon")
    with pytest.raises(ValueError, match="size must be >= 4"):
        make_toy_graph("grid", 2)
    with pytest.raises(TypeError, match="g must be a networkx Graph"):
        graph_from_networkx([1, 2])  # type: ignore[arg-type]


def test_torus_points_lie_on_the_torus() -> None:
    pos = make_torus_cloud(500, major=1.0, minor=0.3, seed=1)
    ring = pos[:, :2].norm(dim=1)
    tube = ((ring - 1.0) ** 2 + pos[:, 2] ** 2).sqrt()
    assert torch.allclose(tube, torch.full_like(tube, 0.3), atol=1e-5)
    with pytest.raises(ValueError, match="minor must be smaller than major"):
        make_torus_cloud(10, major=1.0, minor=2.0)


def test_graph_tour_redraws_when_controls_move() -> None:
    tour = GraphTour(kind="grid", size=36)
    assert tour.last_result == {"kind": "grid", "nodes": 36, "edges": 60, "mean degree": 3.33}
    first = tour.last_figure
    tour.controls["size"].value = 100
    assert tour.last_result["nodes"] == 100 and tour.last_figure is not first
    tour.controls["kind"].value = "karate club"
    assert tour.last_result["edges"] == 78 and tour.draw_count == 3
    with pytest.raises(ValueError, match="kind must be one of"):
        GraphTour(kind="nope")


def test_plots_return_axes_and_figures() -> None:
    data = load_karate_club()
    ax = plot_graph(data, node_color="y", highlight=[0, 33])
    assert isinstance(ax, plt.Axes)
    plt.close("all")
    with pytest.raises(ValueError, match="node_color must have one value per node"):
        plot_graph(data, node_color=torch.zeros(3))
    with pytest.raises(ValueError, match="highlight contains node ids outside"):
        plot_graph(data, highlight=[99])
    with pytest.raises(TypeError, match="data must be a PyG Data"):
        plot_graph(torch.zeros(3))
    with pytest.raises(ValueError, match="node_color='y' but data has no y"):
        plot_graph(Data(edge_index=torch.tensor([[0], [1]]), num_nodes=2))
    fig = plot_point_cloud(torch.randn(50, 3), color=torch.arange(50), edges=torch.tensor([[0, 1], [1, 2]]))
    assert isinstance(fig, go.Figure) and len(fig.data) == 2
    with pytest.raises(ValueError, match=r"pos must have shape \(N, 3\)"):
        plot_point_cloud(torch.randn(5, 2))
    with pytest.raises(ValueError, match="pos must not be empty"):
        plot_point_cloud(torch.zeros(0, 3))
    hist = History(train_loss=[1.0, 0.5], val_loss=[1.1, 0.7], best_epoch=1)
    assert isinstance(plot_history(hist), plt.Axes)
    with pytest.raises(ValueError, match="history is empty"):
        plot_history(History())
    plt.close("all")


def test_exercise_checks_pass_on_reference(capsys: pytest.CaptureFixture[str]) -> None:
    check_degree(reference_degree)
    check_neighbour_sum(reference_neighbour_sum)
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize("wrong, hint", [
    (lambda e, n: torch.bincount(e[0], minlength=n).float(), "by their source"),
    (lambda e, n: torch.bincount(e[1]).float(), "nodes without edges"),
    (lambda e, n: None, "forget `return`"),
    (lambda e, n: (_ for _ in ()).throw(NotImplementedError()), "NotImplementedError"),
    (lambda e, n: 1 / 0, "ZeroDivisionError"),
])
def test_degree_check_explains_wrong_answers(wrong, hint) -> None:
    with pytest.raises(ExerciseFailed, match=hint):
        check_degree(wrong)


def test_neighbour_sum_check_catches_reversed_direction() -> None:
    reversed_sum = lambda x, e: torch.zeros_like(x).index_add_(0, e[0], x[e[1]])  # noqa: E731
    with pytest.raises(ExerciseFailed, match="wrong way"):
        check_neighbour_sum(reversed_sum)
    with pytest.raises(ExerciseFailed, match="shape"):
        check_neighbour_sum(lambda x, e: x.sum(0))
