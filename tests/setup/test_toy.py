"""gdl_teach.setup.toy: the small graphs of the tour and the torus point cloud."""
from __future__ import annotations

import networkx as nx
import pytest
import torch

from gdl_teach.setup.toy import TOY_KINDS, make_torus_cloud, make_toy_graph


def test_toy_graphs_are_seeded_and_validated() -> None:
    a, b = make_toy_graph("random geometric", 50, seed=3), make_toy_graph("random geometric", 50, seed=3)
    assert torch.equal(a.edge_index, b.edge_index) and a.pos.shape == (50, 2)
    grid = make_toy_graph("grid", 36)
    assert grid.num_nodes == 36 and grid.pos.shape == (36, 2)
    assert make_toy_graph("small world", 20).edge_index.shape[1] == 2 * 40
    assert make_toy_graph("karate club").num_nodes == 34
    with pytest.raises(ValueError, match="kind must be one of"):
        make_toy_graph("hexagon")
    with pytest.raises(ValueError, match="size must be >= 4"):
        make_toy_graph("grid", 2)
    with pytest.raises(ValueError, match="size must be <= 400"):
        make_toy_graph("grid", 401)


@pytest.mark.parametrize("kind", [k for k in TOY_KINDS if k != "karate club"])
def test_toy_graphs_hold_both_directions_of_each_networkx_edge(kind: str) -> None:
    data = make_toy_graph(kind, 30, seed=1)
    pairs = set(map(tuple, data.edge_index.t().tolist()))
    assert all((b, a) in pairs for a, b in pairs) and len(pairs) == data.edge_index.shape[1]
    g = nx.Graph(list(pairs))
    g.add_nodes_from(range(data.num_nodes))
    assert g.number_of_edges() * 2 == data.edge_index.shape[1]


def test_grid_positions_are_the_pixel_coordinates() -> None:
    grid = make_toy_graph("grid", 16)  # a 4 x 4 grid: neighbours are one step apart
    src, dst = grid.edge_index
    steps = (grid.pos[src] - grid.pos[dst]).abs().sum(dim=1)
    assert torch.equal(steps, torch.ones_like(steps))


def test_torus_points_lie_on_the_torus() -> None:
    pos = make_torus_cloud(num_points=500, major=1.0, minor=0.3, seed=1)
    assert pos.shape == (500, 3)
    ring = pos[:, :2].norm(dim=1)
    tube = ((ring - 1.0) ** 2 + pos[:, 2] ** 2).sqrt()
    assert torch.allclose(tube, torch.full_like(tube, 0.3), atol=1e-5)
    with pytest.raises(ValueError, match="minor must be smaller than major"):
        make_torus_cloud(10, major=1.0, minor=2.0)
    with pytest.raises(ValueError, match="num_points must be >= 1"):
        make_torus_cloud(num_points=0)
