"""gdl_teach.message_passing.widgets: both explorers redraw when a control moves and validate their arguments."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from torch_geometric.data import Data

from gdl_teach.message_passing.widgets import OversmoothingExplorer, ReceptiveFieldExplorer
from tests.message_passing.conftest import on_accelerator


def test_receptive_field_widget_redraws(karate: Data) -> None:
    explorer = ReceptiveFieldExplorer(karate, node=0, k=1)
    first_fig, first = explorer.last_figure, explorer.last_result.copy()
    explorer.controls["k"].value = 3
    assert explorer.last_figure is not first_fig and explorer.draw_count == 2
    assert int(explorer.last_result["nodes reached"].iloc[0]) > int(first["nodes reached"].iloc[0])
    explorer.controls["node"].value = 16
    assert int(explorer.last_result["node"].iloc[0]) == 16
    assert explorer.last_figure.axes[0].get_title().startswith("3-hop receptive field of node 16")
    with pytest.raises(ValueError, match="node must be <= 33"):
        ReceptiveFieldExplorer(karate, node=34)
    with pytest.raises(ValueError, match="k must be <= 4"):
        ReceptiveFieldExplorer(karate, k=5)
    with pytest.raises(TypeError, match="data must be a PyG Data"):
        ReceptiveFieldExplorer("karate")
    plt.close("all")


def test_oversmoothing_widget_redraws(sbm: Data) -> None:
    explorer = OversmoothingExplorer(sbm, depths=(0, 2, 32), num_steps=0)
    start = explorer.last_result.copy()
    explorer.controls["num_steps"].value = 32
    assert explorer.draw_count == 2 and list(explorer.last_result.index) == [32]
    assert float(explorer.last_result["mean_distance"].iloc[0]) < float(start["mean_distance"].iloc[0])
    assert "depth 32, float64" in explorer.last_figure.axes[0].get_title()
    explorer.controls["precision"].value = "float32"
    assert explorer.draw_count == 3 and explorer.last_result["precision"].iloc[0] == "float32"
    assert "depth 32, float32" in explorer.last_figure.axes[0].get_title()
    with pytest.raises(ValueError, match="num_steps must be one of depths"):
        OversmoothingExplorer(sbm, depths=(0, 2), num_steps=5)
    with pytest.raises(ValueError, match="depths must be a non-empty list"):
        OversmoothingExplorer(sbm, depths=())
    with pytest.raises(ValueError, match="precision must be one of"):
        OversmoothingExplorer(sbm, depths=(0, 2), precision="float16")
    plt.close("all")


def test_oversmoothing_widget_draws_accelerator_data(sbm: Data) -> None:
    explorer = OversmoothingExplorer(on_accelerator(sbm), depths=(0, 2), num_steps=2)
    assert explorer.draw_count == 1 and "depth 2" in explorer.last_figure.axes[0].get_title()
    plt.close("all")
