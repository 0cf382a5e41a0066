"""gdl_teach.euclid.viz: every figure draws, and rejects bad input with a clear error."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch

from gdl_teach.euclid.geodesics import make_sphere_points
from gdl_teach.euclid.grid import make_grid_graph
from gdl_teach.euclid.projection import make_cube, make_square
from gdl_teach.euclid.viz import plot_conv_vs_graph, plot_geodesic, plot_grid_graph, plot_projection, plot_shift_errors


@pytest.fixture(autouse=True)
def _close_figures() -> None:
    yield
    plt.close("all")


def test_grid_graph_figure() -> None:
    grid = make_grid_graph(5, 5)
    assert plot_grid_graph(grid, node=12) is not None
    with pytest.raises(ValueError, match="node must be <= 24"):
        plot_grid_graph(grid, node=25)
    with pytest.raises(TypeError, match="grid must be a Data"):
        plot_grid_graph(object(), node=0)


def test_conv_and_shift_figures() -> None:
    img = torch.rand(1, 6, 6)
    out = torch.rand(2, 6, 6)
    assert len(plot_conv_vs_graph(img, out, out).axes) >= 4
    with pytest.raises(ValueError, match="graph_out must have shape"):
        plot_conv_vs_graph(img, out, out[:1])
    assert plot_shift_errors({"a": torch.rand(6, 6), "b": torch.zeros(6, 6)}) is not None
    with pytest.raises(TypeError, match="maps must be a non-empty dict"):
        plot_shift_errors({})


def test_projection_and_geodesic_figures() -> None:
    cube, ce = make_cube()
    square, se = make_square()
    fig = plot_projection(cube, ce, square, se, torch.eye(3))
    assert len(fig.axes) == 4  # cube in 3D, its picture; square in 3D, its picture
    with pytest.raises(ValueError, match="rot must have shape"):
        plot_projection(cube, ce, square, se, torch.eye(2))
    with pytest.raises(ValueError, match="square must have shape"):
        plot_projection(cube, ce, square[:, :2], se, torch.eye(3))
    sphere = make_sphere_points(50)
    assert plot_geodesic(sphere, [0, 1, 2]) is not None
    with pytest.raises(ValueError, match="path must be a list"):
        plot_geodesic(sphere, [0, 99])
