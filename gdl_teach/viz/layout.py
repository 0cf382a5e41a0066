"""One layout helper for drawing graphs, so every lesson draws a graph the same way."""
from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from gdl_teach.core.device import cpu_threads
from gdl_teach.core.validate import check_int


def spring_layout(graph: Any, num_nodes: int | None = None, seed: int = 0) -> dict[int, np.ndarray]:
    """A reproducible spring layout (Fruchterman-Reingold, networkx): node id -> (2,) position.

    Args:
        graph: a networkx graph, or an ``edge_index`` (2, E) tensor together with ``num_nodes``.
        num_nodes: N, needed when ``graph`` is an ``edge_index``.
        seed: seed of the layout; the same seed gives the same picture.
    """
    seed = check_int("seed", seed, min_value=0)
    if not isinstance(graph, nx.Graph):
        from gdl_teach.data.convert import networkx_from_edge_index

        if num_nodes is None:
            raise ValueError("num_nodes must be given when graph is an edge_index tensor")
        graph = networkx_from_edge_index(graph, num_nodes)
    with cpu_threads(1):  # a small optimisation: extra BLAS threads only wait
        return nx.spring_layout(graph, seed=seed)
