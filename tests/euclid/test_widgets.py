"""gdl_teach.euclid.widgets: the explorer redraws when a slider moves and accepts only values its sliders show."""
from __future__ import annotations

import pandas as pd
import pytest

from gdl_teach.euclid.widgets import CubeProjectionExplorer


def test_explorer_redraws_when_a_slider_moves() -> None:
    explorer = CubeProjectionExplorer(angle_x=30, angle_y=20, angle_z=10)
    first_fig, first_table = explorer.last_figure, explorer.last_result.copy()
    assert isinstance(first_table, pd.DataFrame) and explorer.draw_count == 1
    explorer.controls["angle_x"].value = 75.0
    assert explorer.draw_count == 2 and explorer.last_figure is not first_fig
    assert not explorer.last_result.equals(first_table)
    cube_row = explorer.last_result.iloc[0]
    assert cube_row["max |d dist|"] > 0.1
    # the 3D panel's drawn lines moved with the slider
    old = [line.get_data_3d()[0].tolist() for line in first_fig.axes[0].lines]
    new = [line.get_data_3d()[0].tolist() for line in explorer.last_figure.axes[0].lines]
    assert old != new


def test_the_square_is_exact_only_while_it_faces_the_camera() -> None:
    explorer = CubeProjectionExplorer(angle_x=0, angle_y=0, angle_z=0)
    for value in (45.0, -90.0, 135.0):  # turning about the camera's axis keeps the square facing it
        explorer.controls["angle_z"].value = value
        square = explorer.last_result.iloc[1]
        assert square["max |d dist|"] < 1e-12 and square["max |d angle| (deg)"] < 1e-9
        assert int(explorer.last_result.iloc[0]["edges seen end-on"]) == 4  # the cube never is exact
    explorer.controls["angle_x"].value = 40.0
    assert explorer.last_result.iloc[1]["max |d dist|"] > 0.1


@pytest.mark.parametrize("kwargs,error,match", [
    ({"angle_x": 400}, ValueError, "angle_x must be within the slider's range"),
    ({"angle_y": -185}, ValueError, "angle_y must be within the slider's range"),
    ({"angle_z": 33}, ValueError, "angle_z must be on the slider's steps of 5.* would show 35"),
    ({"angle_x": 12.5}, ValueError, "angle_x must be on the slider's steps of 5"),
    ({"angle_y": "ten"}, TypeError, "angle_y must be a number"),
])
def test_explorer_rejects_angles_its_sliders_cannot_show(kwargs, error, match: str) -> None:  # noqa: ANN001
    with pytest.raises(error, match=match):
        CubeProjectionExplorer(**kwargs)


def test_the_sliders_show_the_angles_given() -> None:
    explorer = CubeProjectionExplorer(angle_x=-180, angle_y=180, angle_z=-35)
    assert explorer.values() == {"angle_x": -180, "angle_y": 180, "angle_z": -35}
