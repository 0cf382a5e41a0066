"""Small graphs and shapes for first contact with the kit (lesson 00)."""
from __future__ import annotations

import math

import networkx as nx
import torch
from torch_geometric.data import Data
from torch_geometric.utils import from_networkx

from gdl_teach.core.validate import check_choice, check_float, check_int
from gdl_teach.data.karate import load_karate_club

#: The graphs :func:`make_toy_graph` can build.
TOY_KINDS = ("karate club", "grid", "random geometric", "small world")


def make_toy_graph(kind: str = "karate club", size: int = 30, seed: int = 0) -> Data:
    """One of a few small graphs to look at.

    Args:
        kind: one of ``TOY_KINDS``: "karate club" (real, size ignored; see
            :func:`gdl_teach.data.karate.load_karate_club`), "grid"
            (a size x size pixel grid is too big; here ``side = round(sqrt(size))``),
            "random geometric" (points in the unit square joined when closer than
            a radius giving about 6 neighbours), "small world" (Watts-Strogatz, 4
            neighbours, rewiring probability 0.1).
        size: number of nodes (approximate for the grid), 4 to 400.
        seed: random seed of the generators.

    Returns:
        ``Data`` with ``edge_index`` (2, E) (both directions of every edge),
        ``num_nodes`` N and, where the graph has a natural drawing, ``pos`` (N, 2).
        The networkx graphs are converted by PyG's ``from_networkx``, which
        numbers the nodes ``0..N-1`` in networkx's order.
    """
    check_choice("kind", kind, TOY_KINDS)
    size = check_int("size", size, min_value=4, max_value=400)
    check_int("seed", seed, min_value=0)
    if kind == "karate club":
        return load_karate_club()
    if kind == "grid":
        side = max(2, round(math.sqrt(size)))
        g = nx.grid_2d_graph(side, side)
        data = from_networkx(g)
        data.pos = torch.tensor([list(node) for node in g.nodes()], dtype=torch.float)  # node = (row, col)
        return data
    if kind == "random geometric":
        radius = math.sqrt(6 / (math.pi * size))
        return from_networkx(nx.random_geometric_graph(size, radius, seed=seed))  # its "pos" becomes data.pos
    return from_networkx(nx.watts_strogatz_graph(size, 4, 0.1, seed=seed))


def make_torus_cloud(num_points: int = 800, major: float = 1.0, minor: float = 0.35, seed: int = 0) -> torch.Tensor:
    """Points sampled on a torus surface: a first 3D point cloud.

    Args:
        num_points: number of points N.
        major: distance from the centre of the tube to the centre of the torus.
        minor: radius of the tube (smaller than ``major``).
        seed: random seed.

    Returns:
        pos: (N, 3) float32 coordinates.
    """
    num_points = check_int("num_points", num_points, min_value=1)
    major = check_float("major", major, min_value=0.0, strict_min=True)
    minor = check_float("minor", minor, min_value=0.0, strict_min=True)
    if minor >= major:
        raise ValueError(f"minor must be smaller than major ({major}), got {minor}")
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
    u = torch.rand(num_points, generator=g) * 2 * math.pi
    v = torch.rand(num_points, generator=g) * 2 * math.pi
    ring = major + minor * torch.cos(v)
    return torch.stack([ring * torch.cos(u), ring * torch.sin(u), minor * torch.sin(v)], dim=1)  # (N, 3)
