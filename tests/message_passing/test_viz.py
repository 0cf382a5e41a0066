"""gdl_teach.message_passing.viz: the lesson's figures draw, refuse bad input, and copy GPU tensors to the CPU."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.message_passing import oversmoothing, viz
from gdl_teach.message_passing.datasets import GENERATOR_NAMES, make_generator_graphs, make_wl_pair
from gdl_teach.message_passing.wl import wl_colors
from tests.message_passing.conftest import on_accelerator


def test_figures_and_their_errors(karate: Data, sbm: Data) -> None:
    assert isinstance(viz.plot_receptive_field(karate, 0, 2), plt.Axes)
    a, b = make_wl_pair()
    assert isinstance(viz.plot_wl_colors([a, b], wl_colors([a, b])), plt.Figure)
    graphs = make_generator_graphs(num_per_class=2, min_nodes=8, max_nodes=10)
    assert len(viz.plot_graph_gallery(graphs, GENERATOR_NAMES, per_class=2).axes) == 8
    hs = oversmoothing.propagate_gcn(sbm.x, sbm.edge_index, 2)
    curves = {p: oversmoothing.oversmoothing_curve(sbm, [0, 2], precision=p) for p in ("float32", "float64")}
    assert isinstance(viz.plot_oversmoothing(hs[2], sbm.y, curves, 2, "float32"), plt.Figure)
    spectrum = oversmoothing.top_eigenvalues(sbm.edge_index, sbm.num_nodes, y=sbm.y, k=5)
    assert len(viz.plot_spectrum(spectrum).collections) >= 2
    with pytest.raises(TypeError, match="table must be the DataFrame returned by top_eigenvalues"):
        viz.plot_spectrum(spectrum[["eigenvalue"]])
    with pytest.raises(ValueError, match="node must be <= 33"):
        viz.plot_receptive_field(karate, 40, 1)
    with pytest.raises(ValueError, match="graphs and colors must be non-empty and of equal length"):
        viz.plot_wl_colors([a, b], wl_colors([a]))
    with pytest.raises(TypeError, match="curves must be"):
        viz.plot_oversmoothing(hs[2], sbm.y, {"depth": [0]}, 2, "float64")
    with pytest.raises(TypeError, match="summary must be the DataFrame"):
        viz.plot_accuracy_bars([0.5, 0.7])
    plt.close("all")


def test_figures_copy_accelerator_tensors_to_the_cpu(karate: Data, sbm: Data) -> None:
    # Regression: plot_oversmoothing called .numpy() on the embeddings and labels, which a CUDA tensor refuses.
    hs = oversmoothing.propagate_gcn(sbm.x, sbm.edge_index, 2)
    curves = {p: oversmoothing.oversmoothing_curve(sbm, [0, 2], precision=p) for p in ("float32", "float64")}
    fig = viz.plot_oversmoothing(on_accelerator(hs[2]), on_accelerator(sbm.y), curves, 2, "float64")
    assert isinstance(fig, plt.Figure)
    assert isinstance(viz.plot_receptive_field(on_accelerator(karate), 0, 2), plt.Axes)
    a, b = (on_accelerator(g) for g in make_wl_pair())
    assert isinstance(viz.plot_wl_colors([a, b], [on_accelerator(c) for c in wl_colors([a, b])]), plt.Figure)
    with pytest.raises(TypeError, match="Use Tensor.cpu"):  # the stand-in does refuse, as CUDA would
        on_accelerator(torch.ones(2)).numpy()
    plt.close("all")
