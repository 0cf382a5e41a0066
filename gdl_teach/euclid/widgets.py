"""The explorer of lesson 01: rotate a cube, watch its projection distort; rotate a square, watch nothing change."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd
import torch

from gdl_teach.core.symmetry import rotation_matrix
from gdl_teach.core.validate import check_float
from gdl_teach.euclid.data import make_cube, make_square, project_to_plane, projection_distortion
from gdl_teach.euclid.viz import plot_projection
from gdl_teach.viz.explorer import Explorer


def rotation_matrix64(angles: tuple[float, float, float] | float) -> torch.Tensor:
    """:func:`gdl_teach.core.symmetry.rotation_matrix` in float64 (degrees), so the square's distortion reads 0."""
    return rotation_matrix(angles, dtype=torch.float64)


def distortion_table(angle_x: float, angle_y: float, angle_z: float) -> pd.DataFrame:
    """How a view distorts distances and angles: the cube projected to 2D vs the square rotated in 2D.

    Args:
        angle_x: rotation of the cube about x, degrees.
        angle_y: rotation of the cube about y, degrees.
        angle_z: rotation about z, degrees (of the cube, and of the square in its plane).

    Returns:
        A two-row table: maximum and mean absolute error of all pairwise
        distances, maximum absolute error of the corner angles (degrees) and
        the number of edges seen end-on (zero length).
    """
    angles = tuple(check_float(name, a) for name, a in
                   (("angle_x", angle_x), ("angle_y", angle_y), ("angle_z", angle_z)))
    cube, cube_edges = make_cube()
    square, square_edges = make_square()
    rows = {
        "cube: 3D -> 2D projection": projection_distortion(
            cube, project_to_plane(cube, rotation_matrix64(angles)), cube_edges),
        "square: 2D -> rotated 2D": projection_distortion(
            square, square @ rotation_matrix64(angles[2]).T, square_edges),
    }
    table = pd.DataFrame(rows).T
    table.columns = ["max |d dist|", "mean |d dist|", "max |d angle| (deg)", "edges seen end-on"]
    return table.astype({"edges seen end-on": int})


class CubeProjectionExplorer(Explorer):
    """Three angle sliders rotate a cube; the figure shows it in 3D, its 2D projection and a rotated square.

    ``last_result`` is the :func:`distortion_table` of the current angles:
    the projection changes distances and angles of the cube, while rotating the
    square within its own plane changes none (zero deviation).

    Args:
        angle_x: initial rotation about x, degrees.
        angle_y: initial rotation about y, degrees.
        angle_z: initial rotation about z, degrees.
    """

    def __init__(self, angle_x: float = 30, angle_y: float = 20, angle_z: float = 10) -> None:
        controls = {
            name: widgets.FloatSlider(value=check_float(name, value, min_value=-180, max_value=180),
                                      min=-180, max=180, step=5, description=name, continuous_update=False)
            for name, value in (("angle_x", angle_x), ("angle_y", angle_y), ("angle_z", angle_z))
        }
        super().__init__(controls, title="Rotate the cube: what does its 2D picture preserve?")

    def draw(self, angle_x: float, angle_y: float, angle_z: float) -> tuple[Any, pd.DataFrame]:
        """Figure of the rotated cube, its projection and the rotated square; the distortion table."""
        cube, cube_edges = make_cube()
        square, square_edges = make_square()
        fig = plot_projection(cube, cube_edges, rotation_matrix64((angle_x, angle_y, angle_z)),
                              square, square_edges, rotation_matrix64(angle_z))
        return fig, distortion_table(angle_x, angle_y, angle_z)
