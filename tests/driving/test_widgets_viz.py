"""gdl_teach.driving.widgets and viz: the explorer redraws when its first control moves; figures draw."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import torch

from gdl_teach.driving import lidar, neighbourhoods, scene, viz, widgets
from gdl_teach.geometry import neighbors


def test_explorer_redraws_when_the_beams_change(street: scene.Scene) -> None:
    explorer = widgets.SensorExplorer(street)
    first_fig, first = explorer.last_figure, dict(explorer.last_result)
    assert explorer.draw_count == 1 and first["points"] > 0
    explorer.controls["beams"].value = 64  # the first control: the browser test moves it
    assert explorer.draw_count == 2 and explorer.last_figure is not first_fig
    assert explorer.last_result["points"] > 1.5 * first["points"]
    explorer.controls["pitch"].value = 4.0
    explorer.controls["noise"].value = 0.2
    assert explorer.draw_count == 4


def test_explorer_errors_name_the_argument(street: scene.Scene) -> None:
    with pytest.raises(ValueError, match="pitch must be <= 6"):
        widgets.SensorExplorer(street, pitch=10.0)
    with pytest.raises(ValueError, match="sensor.num_beams must be one of"):
        widgets.SensorExplorer(street, sensor=lidar.Sensor(num_beams=40))
    with pytest.raises(TypeError, match="scene must be a Scene"):
        widgets.SensorExplorer("street")


def test_figures(scan: lidar.Scan) -> None:
    fig3d = viz.plot_scan_3d(scan, boxes=scan.boxes.numpy()[:2], title="t")
    assert isinstance(fig3d, go.Figure)
    names = [t.name for t in fig3d.data]
    assert names[: len(scene.CLASSES)] == list(scene.CLASSES) and "boxes" in names
    assert sum(len(t.x) for t in fig3d.data[: len(scene.CLASSES)]) == scan.num_points
    for fig in (viz.plot_projections(scan),
                viz.plot_neighbourhoods(scan, 0, neighbors.knn_graph(scan.pos, 8),
                                        neighbors.radius_graph(scan.pos, 1.0), radius=1.0),
                viz.plot_boxes(scan, scan.y, scan.boxes.numpy(), scan.boxes.numpy())):
        assert isinstance(fig, plt.Figure)
        plt.close(fig)
    table = pd.DataFrame(np.full((2, 7), 50.0), index=["a", "b"], columns=list(scene.CLASSES))
    plt.close(viz.plot_per_class(table))
    plt.close(viz.plot_robustness(pd.DataFrame([[50.0, 40.0]], index=["a"], columns=["x", "y"])))
    with pytest.raises(ValueError, match="labels must have shape"):
        viz.plot_scan_3d(scan, labels=scan.y[:-1])


def test_neighbourhood_shape_on_a_ring() -> None:
    angles = torch.linspace(0, 2 * torch.pi, 201)[:-1]
    ring = torch.stack([10 * torch.cos(angles), 10 * torch.sin(angles), torch.zeros(200)], 1)
    shape = neighbourhoods.neighbourhood_shape(ring, neighbors.knn_graph(ring, 4))
    assert shape["neighbours"] == 4 and shape["reach across rings (m)"] < 0.05
    assert shape["reach along the ring (m)"] == pytest.approx(2 * 10 * 2 * torch.pi / 200, rel=0.05)
    assert shape["one-sidedness"] < 0.05
    table = neighbourhoods.neighbourhood_table(ring, {"knn": neighbors.knn_graph(ring, 4)}, torch.ones(200),
                                               bands=((5, 15),))
    assert table.loc[("knn", "5-15 m"), "neighbours"] == 4


def test_step_cost(scan: lidar.Scan) -> None:
    keep = torch.arange(scan.num_points) < 600
    cost = neighbourhoods.step_cost(scan.pos[keep], scan.y[keep], torch.zeros(600, dtype=torch.long), 7, repeats=1)
    assert list(cost.index) == ["DGCNN (EdgeConv, k=16)", "PointNet++ (ours)"]
    assert cost.iloc[0]["edge-MLP inputs"] == 2 * 16 * 600 > cost.iloc[1]["edge-MLP inputs"]
