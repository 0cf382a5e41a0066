"""Figures: plotly skeletons (body and camera frames), the camera view, result charts."""
from __future__ import annotations

import matplotlib.pyplot as plt
import plotly.graph_objects as go
import pytest
import torch

from gdl_teach.pose import skeleton, viz


def test_skeleton_figures() -> None:
    rest = skeleton.rest_positions()
    fig = viz.plot_skeleton([rest, rest + 100], names=["a", "b"], opacities=[0.3, 1.0], title="two")
    assert isinstance(fig, go.Figure) and len(fig.data) == 8 and fig.data[0].type == "scatter3d"
    cam = viz.plot_skeleton(rest, frame="camera")
    assert list(cam.data[-1].z) == pytest.approx((-rest[:, 1]).tolist())
    both = viz.plot_view_and_pose(rest[:, :2], [rest], ["pose"], [1.0])
    assert {t.type for t in both.data} == {"scatter", "scatter3d"}
    with pytest.raises(ValueError, match="pos must have shape"):
        viz.plot_skeleton(torch.zeros(16, 3))
    with pytest.raises(ValueError, match="one entry per pose"):
        viz.plot_skeleton([rest, rest], names=["only one"])


def test_result_charts() -> None:
    table = {"MLP": {"held-out": (100.0, 3.0), "noise": (120.0, 4.0)},
             "GCN": {"held-out": (150.0, 5.0), "noise": (160.0, 2.0)}}
    fig = viz.plot_condition_bars(table, reference=160.0)
    assert isinstance(fig, plt.Figure)
    plt.close(fig)
    fig = viz.plot_error_vs_budget({"MLP": {1000: (150.0, 5.0), 4000: (120.0, 3.0)}})
    assert fig.axes[0].get_xscale() == "log"
    plt.close(fig)
