"""Lesson 00's explorer: look at a few small graphs."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from torch_geometric.utils import degree

from gdl_teach.core.validate import check_choice, check_int
from gdl_teach.setup.toy import TOY_KINDS, make_toy_graph
from gdl_teach.viz.explorer import Explorer
from gdl_teach.viz.graph import plot_graph

#: The size slider's range: what the tour can show.
SIZE_MIN, SIZE_MAX = 9, 144


class GraphTour(Explorer):
    """Pick a graph and its size; the nodes are coloured by their degree.

    ``last_result`` holds ``{"kind", "nodes", "edges", "mean degree"}``.

    Args:
        kind: one of :data:`gdl_teach.setup.toy.TOY_KINDS`.
        size: initial number of nodes, in [9, 144] (the slider's range).
    """

    def __init__(self, kind: str = "karate club", size: int = 36) -> None:
        check_choice("kind", kind, TOY_KINDS)
        check_int("size", size, min_value=SIZE_MIN, max_value=SIZE_MAX)  # a slider would clamp it silently
        controls = {
            "kind": widgets.Dropdown(options=list(TOY_KINDS), value=kind, description="graph"),
            "size": widgets.IntSlider(value=size, min=SIZE_MIN, max=SIZE_MAX, step=1, description="nodes",
                                      continuous_update=False),
        }
        super().__init__(controls, title="A tour of small graphs (colour = degree)")

    def draw(self, kind: str, size: int) -> tuple[Any, dict[str, Any]]:
        """The graph coloured by degree, and what it measured."""
        data = make_toy_graph(kind, size, seed=0)
        deg = degree(data.edge_index[1], data.num_nodes)
        fig, ax = plt.subplots(figsize=(5.5, 4))
        plot_graph(data, node_color=deg, cmap="viridis", ax=ax, node_size=80,
                   title=f"{kind}: {data.num_nodes} nodes, {data.edge_index.shape[1] // 2} edges")
        result = {"kind": kind, "nodes": int(data.num_nodes), "edges": int(data.edge_index.shape[1] // 2),
                  "mean degree": round(float(deg.mean()), 2)}
        return fig, result
