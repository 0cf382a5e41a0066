"""Explorers of the message-passing lesson: receptive fields and over-smoothing."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from gdl_teach.core.validate import check_edge_index, check_int
from gdl_teach.message_passing.datasets import hop_distances
from gdl_teach.message_passing.oversmoothing import oversmoothing_curve, propagate_gcn
from gdl_teach.message_passing.viz import plot_oversmoothing, plot_receptive_field
from gdl_teach.viz.explorer import Explorer
from gdl_teach.viz.layout import spring_layout


class ReceptiveFieldExplorer(Explorer):
    """Pick a node and a number of hops k; see which nodes a k-layer GNN lets it hear from.

    Controls: ``node`` (slider over node ids) and ``k`` (hops). ``last_result``
    is a one-row DataFrame: node, k, nodes reached and their share of the graph.

    Args:
        data: a PyG ``Data`` with ``edge_index`` and ``num_nodes`` (e.g. the karate club).
        max_hops: largest k on the slider.
        node: initial node.
        k: initial number of hops.
    """

    def __init__(self, data: Any, max_hops: int = 4, node: int = 0, k: int = 1) -> None:
        if getattr(data, "edge_index", None) is None or data.num_nodes is None:
            raise TypeError(f"data must be a PyG Data with edge_index and num_nodes, got {type(data).__name__}")
        n = int(data.num_nodes)
        check_edge_index("data.edge_index", data.edge_index, n)
        max_hops = check_int("max_hops", max_hops, min_value=1)
        node = check_int("node", node, min_value=0, max_value=n - 1)
        k = check_int("k", k, min_value=0, max_value=max_hops)
        self.data = data
        self.pos = spring_layout(data.edge_index, n, seed=0)
        controls = {
            "node": widgets.IntSlider(value=node, min=0, max=n - 1, description="node"),
            "k": widgets.IntSlider(value=k, min=0, max=max_hops, description="hops k"),
        }
        super().__init__(controls, title="Receptive field of a k-layer GNN")

    def draw(self, node: int, k: int) -> tuple[Any, pd.DataFrame]:
        ax = plot_receptive_field(self.data, node, k, pos=self.pos)
        n = int(self.data.num_nodes)
        dist = hop_distances(self.data.edge_index, n, node)
        reached = int(((dist >= 0) & (dist <= k)).sum())
        result = pd.DataFrame([{"node": node, "k": k, "nodes reached": reached, "share of graph": round(reached / n, 3)}])
        return ax.figure, result


class OversmoothingExplorer(Explorer):
    """A depth slider: node embeddings after ``num_steps`` GCN propagation steps, and how they collapse.

    The propagations ``A_hat^k X`` and the measures (Dirichlet energy, mean
    pairwise distance, nearest-centroid accuracy) are computed once, for all
    ``depths``; the slider only picks one. ``last_result`` is the one-row
    DataFrame of the measures at the chosen depth.

    Args:
        data: a PyG node-task ``Data`` with ``x``, ``edge_index``, ``y``,
            ``train_mask`` and ``test_mask`` (e.g. :func:`make_sbm_node_task`).
        depths: the depths offered by the slider.
        num_steps: initial depth (one of ``depths``).
    """

    def __init__(self, data: Any, depths: Sequence[int] = (0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64),
                 num_steps: int = 0) -> None:
        depths = list(depths)
        if not depths or not all(isinstance(d, int) and d >= 0 for d in depths):
            raise ValueError(f"depths must be a non-empty list of ints >= 0, got {depths!r}")
        if num_steps not in depths:
            raise ValueError(f"num_steps must be one of depths {depths}, got {num_steps!r}")
        self.data = data
        self.curve = oversmoothing_curve(data, depths)
        self.embeddings = propagate_gcn(data.x, data.edge_index, max(depths))
        controls = {"num_steps": widgets.SelectionSlider(options=depths, value=num_steps, description="depth")}
        super().__init__(controls, title="Over-smoothing: repeated GCN propagation")

    def draw(self, num_steps: int) -> tuple[Any, pd.DataFrame]:
        fig = plot_oversmoothing(self.embeddings[num_steps], self.data.y, self.curve, num_steps)
        return fig, self.curve.loc[[num_steps]].round(4)
