"""Explorers of the message-passing lesson: receptive fields and over-smoothing."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from gdl_teach.core.validate import check_choice, check_edge_index, check_int
from gdl_teach.message_passing.datasets import hop_distances
from gdl_teach.message_passing.oversmoothing import PRECISIONS, oversmoothing_curve, propagate_gcn
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
    """A depth slider and a precision menu: node embeddings after ``num_steps`` GCN propagations, and the curves.

    The propagations ``A_hat^k X`` and the measures are computed once, in
    float32 and in float64, for all ``depths``; the controls only pick one.
    ``last_result`` is the one-row DataFrame of the measures at the chosen
    depth and precision.

    Args:
        data: a PyG node-task ``Data`` with ``x``, ``edge_index``, ``y``,
            ``train_mask`` and ``test_mask`` (e.g. :func:`make_sbm_node_task`).
        depths: the depths offered by the slider.
        num_steps: initial depth (one of ``depths``).
        precision: initial precision, ``"float64"`` or ``"float32"``.
    """

    def __init__(self, data: Any, depths: Sequence[int] = (0, 1, 2, 4, 8, 16, 32, 48, 56, 64, 96, 128, 160),
                 num_steps: int = 0, precision: str = "float64") -> None:
        depths = list(depths)
        if not depths or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in depths):
            raise ValueError(f"depths must be a non-empty list of ints >= 0, got {depths!r}")
        if num_steps not in depths:
            raise ValueError(f"num_steps must be one of depths {depths}, got {num_steps!r}")
        check_choice("precision", precision, list(PRECISIONS))
        self.data = data
        self.curves = {p: oversmoothing_curve(data, depths, precision=p) for p in PRECISIONS}
        self.embeddings = {p: propagate_gcn(data.x.to(dtype), data.edge_index, max(depths))
                           for p, dtype in PRECISIONS.items()}
        controls = {"num_steps": widgets.SelectionSlider(options=depths, value=num_steps, description="depth"),
                    "precision": widgets.Dropdown(options=list(PRECISIONS), value=precision,
                                                  description="precision")}
        super().__init__(controls, title="Over-smoothing: repeated GCN propagation")

    def draw(self, num_steps: int, precision: str) -> tuple[Any, pd.DataFrame]:
        fig = plot_oversmoothing(self.embeddings[precision][num_steps], self.data.y, self.curves, num_steps,
                                 precision)
        return fig, self.curves[precision].loc[[num_steps]].assign(precision=precision).round(4)
