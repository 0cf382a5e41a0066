"""Explorers: every control redraws; forward kinematics keeps bones; a depth flip keeps the image."""
from __future__ import annotations

import pytest

from gdl_teach.pose import widgets


def test_pose_explorer_redraws_and_keeps_bone_lengths() -> None:
    e = widgets.PoseExplorer("walk")
    first = e.last_figure.to_json()
    e.controls["pose"].value = "squat"
    assert e.last_figure.to_json() != first, "the first dropdown changes the figure"
    before = e.last_figure.to_json()
    e.controls["L shoulder"].value = 60
    assert e.last_figure.to_json() != before
    assert e.last_result.iloc[0]["largest bone-length change (mm)"] < 1e-3
    e.controls["R knee"].value = 90  # bent beyond the knee's limit: clamped, counted
    assert e.last_result.iloc[0]["angles at a limit"] >= 1


def test_camera_explorer_flip_keeps_the_image() -> None:
    e = widgets.CameraExplorer("walk", azimuth=30)
    first = e.last_figure.to_json()
    e.controls["flip"].value = "left forearm"
    assert e.last_figure.to_json() != first, "the first dropdown changes the figure"
    row = e.last_result.iloc[0]
    assert row["image change (px)"] < 1e-3 and row["largest 3D move (mm)"] > 50
    assert row["bone-length change (mm)"] < 1e-2
    e.controls["azimuth"].value = 180
    assert e.last_result.iloc[0]["image change (px)"] < 1e-3


def test_constructors_check_their_arguments() -> None:
    with pytest.raises(ValueError, match="pose must be one of"):
        widgets.PoseExplorer("moonwalk")
    with pytest.raises(ValueError, match="azimuth must be <= 180"):
        widgets.CameraExplorer(azimuth=270)
    assert "bone ending at" in widgets.limits_table().columns
