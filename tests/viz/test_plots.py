"""The shared plots: plot_graph, plot_history, plot_point_cloud."""
from __future__ import annotations

import matplotlib.pyplot as plt
import plotly.graph_objects as go
import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.core.training import History
from gdl_teach.data.karate import load_karate_club
from gdl_teach.viz import plot_graph, plot_history, plot_point_cloud


def test_plots_return_axes_and_figures() -> None:
    data = load_karate_club()
    ax = plot_graph(data, node_color="y", highlight=[0, 33])
    assert isinstance(ax, plt.Axes)
    plt.close("all")
    with pytest.raises(ValueError, match="node_color must have one value per node"):
        plot_graph(data, node_color=torch.zeros(3))
    with pytest.raises(ValueError, match="highlight contains node ids outside"):
        plot_graph(data, highlight=[99])
    with pytest.raises(TypeError, match="data must be a PyG Data"):
        plot_graph(torch.zeros(3))
    with pytest.raises(ValueError, match="node_color='y' but data has no y"):
        plot_graph(Data(edge_index=torch.tensor([[0], [1]]), num_nodes=2))
    fig = plot_point_cloud(torch.randn(50, 3), color=torch.arange(50), edges=torch.tensor([[0, 1], [1, 2]]))
    assert isinstance(fig, go.Figure) and len(fig.data) == 2
    with pytest.raises(ValueError, match=r"pos must have shape \(N, 3\)"):
        plot_point_cloud(torch.randn(5, 2))
    with pytest.raises(ValueError, match="pos must not be empty"):
        plot_point_cloud(torch.zeros(0, 3))
    hist = History(train_loss=[1.0, 0.5], val_loss=[1.1, 0.7], best_epoch=1)
    assert isinstance(plot_history(hist), plt.Axes)
    with pytest.raises(ValueError, match="history is empty"):
        plot_history(History())
    plt.close("all")
