"""Curved surfaces and their geodesics: a sphere, a Swiss roll, and shortest paths on a graph.

Points sampled on a surface (:func:`make_sphere_points`, :func:`make_swiss_roll`,
both synthetic and seeded), joined into a neighbourhood graph, give a *graph
geodesic*: the shortest path along the graph's edges, the idea behind Isomap
(Tenenbaum et al., 2000). :func:`compare_distances` sets it next to the
straight line through space and the exact geodesic (great circle on the
sphere, straight line in the Swiss roll's unrolled coordinates). The shortest
path itself is SciPy's Dijkstra (:func:`scipy.sparse.csgraph.dijkstra`); the
lesson does not teach the algorithm.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from gdl_teach.core.validate import check_edge_index, check_float, check_int, check_tensor

#: The Swiss roll's spiral parameter range (as in scikit-learn's make_swiss_roll).
SWISS_T_RANGE: tuple[float, float] = (1.5 * math.pi, 4.5 * math.pi)


def make_sphere_points(num_points: int = 800, radius: float = 1.0) -> torch.Tensor:
    """Evenly spread points on a sphere (a Fibonacci lattice; deterministic).

    Args:
        num_points: N >= 2.
        radius: sphere radius > 0.

    Returns:
        pos: (N, 3) float32 points with ``|pos| = radius``.
    """
    num_points = check_int("num_points", num_points, min_value=2)
    radius = check_float("radius", radius, min_value=0.0, strict_min=True)
    i = torch.arange(num_points, dtype=torch.float64) + 0.5
    z = 1 - 2 * i / num_points
    phi = math.pi * (1 + math.sqrt(5)) * i
    rho = torch.sqrt(1 - z**2)
    return (radius * torch.stack([rho * torch.cos(phi), rho * torch.sin(phi), z], dim=1)).float()


def _swiss_arc(t: np.ndarray) -> np.ndarray:
    # arc length of the spiral (t cos t, t sin t) from 0 to t
    return 0.5 * (t * np.sqrt(1 + t**2) + np.arcsinh(t))


def swiss_roll_point(t: float, h: float) -> torch.Tensor:
    """The 3D point ``(t cos t, h, t sin t)`` of the Swiss roll.

    Args:
        t: spiral parameter (the roll's radius there).
        h: height along y.

    Returns:
        (3,) float32 point.
    """
    t = check_float("t", t)
    h = check_float("h", h)
    return torch.tensor([t * math.cos(t), h, t * math.sin(t)], dtype=torch.float32)


def make_swiss_roll(num_points: int = 1500, height: float = 21.0, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Points sampled uniformly *by area* on a Swiss roll, with their unrolled coordinates.

    The roll is the spiral ``(t cos t, t sin t)`` for ``t`` in
    :data:`SWISS_T_RANGE`, extruded along y. Unrolled, it is a flat rectangle
    with coordinates (arc length ``s``, height ``h``); the surface's geodesic
    distance is the straight-line distance in those coordinates.

    Args:
        num_points: N >= 2.
        height: extent along y, > 0.
        seed: seed of the sampling.

    Returns:
        ``(pos, uv)``: pos (N, 3) float32 points in space, uv (N, 2) float32 unrolled ``(s, h)``.
    """
    num_points = check_int("num_points", num_points, min_value=2)
    height = check_float("height", height, min_value=0.0, strict_min=True)
    seed = check_int("seed", seed, min_value=0)
    rng = np.random.default_rng(seed)
    t_grid = np.linspace(*SWISS_T_RANGE, 4096)
    s_grid = _swiss_arc(t_grid)
    s = rng.uniform(s_grid[0], s_grid[-1], num_points)
    t = np.interp(s, s_grid, t_grid)  # invert the arc length
    h = rng.uniform(0.0, height, num_points)
    pos = np.stack([t * np.cos(t), h, t * np.sin(t)], axis=1)
    uv = np.stack([s, h], axis=1)
    return torch.tensor(pos, dtype=torch.float32), torch.tensor(uv, dtype=torch.float32)


def great_circle_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Length of the shortest path *on* a sphere centred at the origin between two of its points.

    Args:
        a: (3,) a point on the sphere.
        b: (3,) another point on the same sphere.
    """
    a = check_tensor("a", a, shape=(3,), floating=True, finite=True).double()
    b = check_tensor("b", b, shape=(3,), floating=True, finite=True).double()
    ra, rb = float(a.norm()), float(b.norm())
    if ra == 0 or abs(ra - rb) > 1e-3 * ra:
        raise ValueError(f"a and b must lie on one sphere around the origin, got radii {ra:.4g} and {rb:.4g}")
    cos = float(a @ b) / (ra * rb)
    return ra * math.acos(max(-1.0, min(1.0, cos)))


def nearest_point(pos: torch.Tensor, query: torch.Tensor) -> int:
    """Index of the point of ``pos`` closest to ``query``.

    Args:
        pos: (N, D) points.
        query: (D,) a point (moved to the dtype of ``pos``).
    """
    pos = check_tensor("pos", pos, ndim=2, floating=True, nonempty=True)
    query = check_tensor("query", query, shape=(pos.shape[1],), floating=True)
    return int((pos - query.to(pos.dtype)).norm(dim=1).argmin())


def graph_shortest_path(pos: torch.Tensor, edge_index: torch.Tensor, source: int, target: int) -> tuple[float, list[int]]:
    """Shortest path along the edges of a graph whose edge lengths are Euclidean (SciPy's Dijkstra).

    The graph is made undirected first (a k-NN graph is not symmetric). It runs
    on the CPU whatever the device of the inputs: SciPy works on NumPy arrays.

    Args:
        pos: (N, D) node positions.
        edge_index: (2, E) edges.
        source: start node id.
        target: end node id.

    Returns:
        ``(length, path)``: the path's length and its node ids from source to target.

    Raises:
        ValueError: when ``target`` cannot be reached from ``source``.
    """
    pos = check_tensor("pos", pos, ndim=2, floating=True, nonempty=True, finite=True).detach().cpu()
    n = pos.shape[0]
    edge_index = check_edge_index("edge_index", edge_index, n).cpu()
    source = check_int("source", source, min_value=0, max_value=n - 1)
    target = check_int("target", target, min_value=0, max_value=n - 1)
    pairs = torch.unique(torch.sort(edge_index, dim=0).values, dim=1)  # (2, E'): each undirected edge once
    pairs = pairs[:, pairs[0] != pairs[1]]  # self-loops never shorten a path
    w = (pos[pairs[0]] - pos[pairs[1]]).double().norm(dim=1).numpy()
    w = np.maximum(w, 1e-12)  # scipy treats explicit zeros as missing edges
    # one entry per edge: a sparse matrix would *add* duplicated entries
    graph = coo_matrix((w, (pairs[0].numpy(), pairs[1].numpy())), shape=(n, n)).tocsr()
    dist, pred = dijkstra(graph, directed=False, indices=source, return_predecessors=True)
    if not np.isfinite(dist[target]):
        raise ValueError(f"target {target} cannot be reached from source {source}: the graph is disconnected "
                         "(use a larger k)")
    path = [target]
    while path[-1] != source:
        path.append(int(pred[path[-1]]))
    return float(dist[target]), path[::-1]


@dataclass
class DistanceComparison:
    """Straight-line, graph-geodesic and analytic-geodesic distance between two points.

    Args:
        straight: length of the straight line through space.
        graph: length of the shortest path along the graph.
        analytic: the surface's exact geodesic distance.
        path: node ids of the graph's shortest path, source first.
    """

    straight: float
    graph: float
    analytic: float
    path: list[int]

    def as_row(self) -> dict[str, float]:
        """The three distances and two ratios, for a table."""
        return {"straight line": self.straight, "graph geodesic": self.graph, "analytic geodesic": self.analytic,
                "analytic / straight": self.analytic / self.straight,
                "graph / analytic": self.graph / self.analytic}


def compare_distances(pos: torch.Tensor, edge_index: torch.Tensor, source: int, target: int,
                      analytic: float) -> DistanceComparison:
    """Compare the straight line through space with the path along the surface.

    Args:
        pos: (N, 3) points sampled on a surface.
        edge_index: (2, E) a neighbourhood graph on them (e.g. ``knn_graph(pos, k)``).
        source: start point id.
        target: end point id.
        analytic: the true geodesic distance on the surface (e.g. great-circle).
    """
    analytic = check_float("analytic", analytic, min_value=0.0, strict_min=True)
    length, path = graph_shortest_path(pos, edge_index, source, target)
    straight = float((pos[source] - pos[target]).double().norm())
    return DistanceComparison(straight=straight, graph=length, analytic=analytic, path=path)
