"""The explorer of lesson 01: rotate a cube, watch its projection distort; rotate a square, watch nothing change."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd
import torch

from gdl_teach.core.symmetry import rotation_matrix
from gdl_teach.core.validate import check_float
from gdl_teach.euclid.projection import distortion_table, make_cube, make_square
from gdl_teach.euclid.viz import plot_projection
from gdl_teach.viz.explorer import Explorer

#: The angle sliders' range and step, in degrees.
ANGLE_MIN, ANGLE_MAX, ANGLE_STEP = -180, 180, 5


def _angle_on_slider(name: str, value: Any) -> float:
    """``value`` as a float, if the angle slider can show it (in range and on a step); else a clear error."""
    value = check_float(name, value, min_value=ANGLE_MIN, max_value=ANGLE_MAX)
    if (value - ANGLE_MIN) % ANGLE_STEP:
        raise ValueError(f"{name} must be a multiple of {ANGLE_STEP} degrees (the slider's step), got {value:g}; "
                         f"the slider would show {ANGLE_STEP * round(value / ANGLE_STEP)} instead")
    return value


class CubeProjectionExplorer(Explorer):
    """Three angle sliders rotate a cube; the figure shows it in 3D, its 2D projection and a rotated square.

    ``last_result`` is the :func:`gdl_teach.euclid.projection.distortion_table`
    of the current angles: the projection changes distances and angles of the
    cube, while rotating the square within its own plane changes none (zero
    deviation).

    Args:
        angle_x: initial rotation about x, degrees, a multiple of 5 in [-180, 180].
        angle_y: initial rotation about y, degrees, likewise.
        angle_z: initial rotation about z, degrees, likewise.
    """

    def __init__(self, angle_x: float = 30, angle_y: float = 20, angle_z: float = 10) -> None:
        angles = {name: _angle_on_slider(name, value)
                  for name, value in (("angle_x", angle_x), ("angle_y", angle_y), ("angle_z", angle_z))}
        controls = {
            name: widgets.FloatSlider(value=value, min=ANGLE_MIN, max=ANGLE_MAX, step=ANGLE_STEP,
                                      description=name, continuous_update=False)
            for name, value in angles.items()
        }
        super().__init__(controls, title="Rotate the cube: what does its 2D picture preserve?")

    def draw(self, angle_x: float, angle_y: float, angle_z: float) -> tuple[Any, pd.DataFrame]:
        """Figure of the rotated cube, its projection and the rotated square; the distortion table."""
        cube, cube_edges = make_cube()
        square, square_edges = make_square()
        fig = plot_projection(cube, cube_edges, rotation_matrix((angle_x, angle_y, angle_z), dtype=torch.float64),
                              square, square_edges, rotation_matrix(angle_z, dtype=torch.float64))
        return fig, distortion_table(angle_x, angle_y, angle_z)
