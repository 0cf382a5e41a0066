"""gdl_teach.euclid.geodesics: sampled surfaces, graph shortest paths and the distances compared."""
from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import torch

from gdl_teach.euclid.geodesics import (
    SWISS_T_RANGE,
    compare_distances,
    graph_shortest_path,
    great_circle_distance,
    make_sphere_points,
    make_swiss_roll,
    nearest_point,
    swiss_roll_point,
)
from gdl_teach.geometry.neighbors import knn_graph


def test_sphere_points_lie_on_the_sphere() -> None:
    sphere = make_sphere_points(300, radius=2.0)
    assert sphere.shape == (300, 3) and torch.allclose(sphere.norm(dim=1), torch.full((300,), 2.0), atol=1e-5)
    with pytest.raises(ValueError, match="num_points must be >= 2"):
        make_sphere_points(1)


def test_swiss_roll_unrolled_coordinates_are_arc_length_and_height() -> None:
    pos, uv = make_swiss_roll(200, seed=1)
    pos2, uv2 = make_swiss_roll(200, seed=1)
    assert pos.shape == (200, 3) and uv.shape == (200, 2) and torch.equal(pos, pos2) and torch.equal(uv, uv2)
    assert torch.equal(uv[:, 1], pos[:, 1])  # the height is the y coordinate
    # the spiral (t cos t, t sin t) has radius t; its arc length from 0 is the integral of sqrt(1 + t^2)
    t = pos[:, [0, 2]].double().norm(dim=1).numpy()
    assert t.min() >= SWISS_T_RANGE[0] - 1e-3 and t.max() <= SWISS_T_RANGE[1] + 1e-3
    grid = np.linspace(0.0, SWISS_T_RANGE[1], 200_001)
    steps = np.sqrt(1 + grid**2)
    arc = np.concatenate([[0.0], np.cumsum((steps[1:] + steps[:-1]) / 2 * np.diff(grid))])
    assert np.allclose(uv[:, 0].double().numpy(), np.interp(t, grid, arc), rtol=1e-4)
    assert torch.allclose(swiss_roll_point(8.0, 1.0), torch.tensor([8 * math.cos(8.0), 1.0, 8 * math.sin(8.0)]))
    with pytest.raises(ValueError, match="num_points must be >= 2"):
        make_swiss_roll(1)


def test_graph_shortest_path_matches_networkx() -> None:
    pos = make_sphere_points(150)
    edges = knn_graph(pos, k=6)
    length, path = graph_shortest_path(pos, edges, 0, 149)
    g = nx.Graph()
    for a, b in edges.t().tolist():
        g.add_edge(a, b, weight=float((pos[a] - pos[b]).double().norm()))
    assert length == pytest.approx(nx.shortest_path_length(g, 0, 149, weight="weight"), rel=1e-9)
    assert path[0] == 0 and path[-1] == 149
    hops = sum(float((pos[a] - pos[b]).double().norm()) for a, b in zip(path[:-1], path[1:]))
    assert hops == pytest.approx(length, rel=1e-9)


def test_duplicated_edges_are_not_added_up() -> None:
    pos = torch.tensor([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    edges = torch.tensor([[0, 1, 1, 0, 1, 2], [1, 0, 0, 1, 2, 1]])  # 0-1 listed four times
    assert graph_shortest_path(pos, edges, 0, 2)[0] == pytest.approx(2.0)


def test_graph_geodesics_approach_analytic() -> None:
    sphere = make_sphere_points(800)
    c = nearest_point(sphere, torch.tensor([0.0, 0.0, 1.0]))
    d = nearest_point(sphere, torch.tensor([math.sin(math.radians(150)), 0.0, math.cos(math.radians(150))]))
    res = compare_distances(sphere, knn_graph(sphere, k=8), c, d, great_circle_distance(sphere[c], sphere[d]))
    assert res.straight < res.analytic < res.graph < 1.1 * res.analytic
    row = res.as_row()
    assert set(row) == {"straight line", "graph geodesic", "analytic geodesic", "analytic / straight",
                        "graph / analytic"}


def test_geodesic_bad_input() -> None:
    pos = torch.tensor([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0]])
    edges = torch.tensor([[0], [1]])
    with pytest.raises(ValueError, match="target 2 cannot be reached"):
        graph_shortest_path(pos, edges, 0, 2)
    with pytest.raises(ValueError, match="source must be <= 2"):
        graph_shortest_path(pos, edges, 3, 0)
    with pytest.raises(ValueError, match="a and b must lie on one sphere"):
        great_circle_distance(torch.tensor([1.0, 0, 0]), torch.tensor([0.0, 3.0, 0]))
    with pytest.raises(ValueError, match="analytic must be > 0"):
        compare_distances(pos, torch.tensor([[0, 1], [1, 2]]), 0, 2, analytic=0.0)
    with pytest.raises(ValueError, match="query must have shape"):
        nearest_point(pos, torch.tensor([1.0, 2.0, 3.0]))
