"""The explorer of lesson 01: one camera, two shapes (a solid cube and a flat square), rotated alike."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd
import torch

from gdl_teach.core.symmetry import rotation_matrix
from gdl_teach.core.validate import check_slider_value
from gdl_teach.euclid.projection import distortion_table, make_cube, make_square
from gdl_teach.euclid.viz import plot_projection
from gdl_teach.viz.explorer import Explorer

#: The angle sliders' range and step, in degrees.
ANGLE_MIN, ANGLE_MAX, ANGLE_STEP = -180, 180, 5


def _angle_on_slider(name: str, value: Any) -> float:
    """``value`` as a float, if the angle slider can show it (in range and on a step); else a clear error."""
    return float(check_slider_value(name, value, float(ANGLE_MIN), float(ANGLE_MAX), float(ANGLE_STEP)))


class CubeProjectionExplorer(Explorer):
    """Three angle sliders rotate a cube and a flat square alike; the figure shows both in 3D and in the picture.

    ``last_result`` is the :func:`gdl_teach.euclid.projection.distortion_table`
    of the current angles: how far each picture's distances and angles are from
    the shape's true ones, and how much depth the camera dropped. The square's
    picture is exact while its plane faces the camera (``angle_x`` and
    ``angle_y`` zero, any ``angle_z``); the cube's never is.

    Args:
        angle_x: initial rotation about x, degrees, a multiple of 5 in [-180, 180].
        angle_y: initial rotation about y, degrees, likewise.
        angle_z: initial rotation about z (the camera's axis), degrees, likewise.
    """

    def __init__(self, angle_x: float = 30, angle_y: float = 20, angle_z: float = 10) -> None:
        angles = {name: _angle_on_slider(name, value)
                  for name, value in (("angle_x", angle_x), ("angle_y", angle_y), ("angle_z", angle_z))}
        controls = {
            name: widgets.FloatSlider(value=value, min=ANGLE_MIN, max=ANGLE_MAX, step=ANGLE_STEP,
                                      description=name, continuous_update=False)
            for name, value in angles.items()
        }
        super().__init__(controls, title="One camera, two shapes: what does the picture keep?")

    def draw(self, angle_x: float, angle_y: float, angle_z: float) -> tuple[Any, pd.DataFrame]:
        """Figure of the rotated cube and square and their pictures; the distortion table."""
        cube, cube_edges = make_cube()
        square, square_edges = make_square()
        fig = plot_projection(cube, cube_edges, square, square_edges,
                              rotation_matrix((angle_x, angle_y, angle_z), dtype=torch.float64))
        return fig, distortion_table(angle_x, angle_y, angle_z)
