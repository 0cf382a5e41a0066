"""Small graphs and shapes for first contact with the kit (lesson 00)."""
from __future__ import annotations

import math

import networkx as nx
import torch
from torch_geometric.data import Data

from gdl_teach.core.validate import check_choice, check_float, check_int
from gdl_teach.data.convert import edge_index_from_networkx
from gdl_teach.data.karate import load_karate_club

TOY_KINDS = ("karate club", "grid", "random geometric", "small world")


def graph_from_networkx(g: nx.Graph) -> Data:
    """A PyG ``Data`` (both directions of every edge) from an undirected networkx graph.

    Nodes of any kind (e.g. the ``(row, col)`` tuples of a grid) are relabelled
    ``0..N-1`` in networkx's order; the edges come from
    :func:`gdl_teach.data.convert.edge_index_from_networkx`.
    """
    if not isinstance(g, nx.Graph):
        raise TypeError(f"g must be a networkx Graph, got {type(g).__name__}")
    if g.number_of_nodes() == 0:
        raise ValueError("g must have at least one node")
    relabelled = nx.convert_node_labels_to_integers(g)  # keeps networkx's node order
    return Data(edge_index=edge_index_from_networkx(relabelled), num_nodes=g.number_of_nodes())


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
        ``Data`` with ``edge_index`` (2, E), ``num_nodes`` N and, where the
        graph has a natural drawing, ``pos`` (N, 2).
    """
    check_choice("kind", kind, TOY_KINDS)
    size = check_int("size", size, min_value=4, max_value=400)
    check_int("seed", seed, min_value=0)
    if kind == "karate club":
        return load_karate_club()
    if kind == "grid":
        side = max(2, round(math.sqrt(size)))
        g = nx.grid_2d_graph(side, side)
        data = graph_from_networkx(g)
        data.pos = torch.tensor([list(node) for node in g.nodes()], dtype=torch.float)
        return data
    if kind == "random geometric":
        radius = math.sqrt(6 / (math.pi * size))
        g = nx.random_geometric_graph(size, radius, seed=seed)
        data = graph_from_networkx(g)
        data.pos = torch.tensor([g.nodes[i]["pos"] for i in range(size)], dtype=torch.float)
        return data
    g = nx.watts_strogatz_graph(size, 4, 0.1, seed=seed)
    return graph_from_networkx(g)


def make_torus_cloud(n: int = 800, major: float = 1.0, minor: float = 0.35, seed: int = 0) -> torch.Tensor:
    """Points sampled on a torus surface: a first 3D point cloud.

    Args:
        n: number of points.
        major: distance from the centre of the tube to the centre of the torus.
        minor: radius of the tube (smaller than ``major``).
        seed: random seed.

    Returns:
        pos: (n, 3) coordinates.
    """
    n = check_int("n", n, min_value=1)
    major = check_float("major", major, min_value=0.0, strict_min=True)
    minor = check_float("minor", minor, min_value=0.0, strict_min=True)
    if minor >= major:
        raise ValueError(f"minor must be smaller than major ({major}), got {minor}")
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
    u = torch.rand(n, generator=g) * 2 * math.pi
    v = torch.rand(n, generator=g) * 2 * math.pi
    ring = major + minor * torch.cos(v)
    return torch.stack([ring * torch.cos(u), ring * torch.sin(u), minor * torch.sin(v)], dim=1)  # (n, 3)
