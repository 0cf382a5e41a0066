"""Explorers for lesson 03: pose a skeleton with joint-angle sliders; film it and flip a limb's depth."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
import torch

from gdl_teach.core.validate import check_choice, check_float
from gdl_teach.pose.camera import flip_depth, one_camera, project, root_relative, to_camera
from gdl_teach.pose.kinematics import angle_limits, bone_lengths, clamp_to_limits, forward_kinematics
from gdl_teach.pose.motions import MOTIONS, pose_angles
from gdl_teach.pose.skeleton import JOINT_NAMES
from gdl_teach.pose.viz import plot_skeleton, plot_view_and_pose
from gdl_teach.viz.explorer import Explorer

POSES = ("rest", *MOTIONS)
#: slider label -> (joint, axis, sign) of the angle it moves; positive slider values bend the way the label says.
ANGLE_SLIDERS = {
    "L shoulder": ("LElbow", 0, 1), "L elbow": ("LWrist", 0, 1), "R hip": ("RKnee", 0, 1),
    "R knee": ("RFoot", 0, -1), "bend forward": ("Thorax", 0, -1), "head turn": ("Neck/Nose", 2, 1),
}
#: dropdown label -> the joint whose bone (and everything below it) is turned over.
FLIPS = {
    "nothing": None, "left forearm": "LWrist", "right shin": "RFoot", "left arm": "LElbow",
    "right leg": "RKnee", "head": "Neck/Nose", "upper body": "Thorax",
}


def _wrap(explorer: Explorer) -> None:
    explorer.children[-2].layout.flex_flow = "row wrap"  # many controls: let them wrap


class PoseExplorer(Explorer):
    """A starting pose, then sliders that add to six joint angles; forward kinematics draws the result.

    ``last_result`` is a one-row DataFrame: the largest change of any bone's
    length (forward kinematics keeps it at 0) and how many angles hit a limit.

    Args:
        pose: the starting pose, ``"rest"`` or a motion name.
        title: header above the controls.
    """

    def __init__(self, pose: str = "walk", title: str = "Pose the skeleton: forward kinematics") -> None:
        check_choice("pose", pose, POSES)
        controls: dict[str, widgets.ValueWidget] = {
            "pose": widgets.Dropdown(options=list(POSES), value=pose, description="start from",
                                     layout=widgets.Layout(width="220px"))}
        for label in ANGLE_SLIDERS:
            controls[label] = widgets.IntSlider(value=0, min=-90, max=90, step=5, description=label,
                                                continuous_update=False, layout=widgets.Layout(width="300px"))
        super().__init__(controls, title=title)
        _wrap(self)

    def angles(self, pose: str, **offsets: float) -> torch.Tensor:
        """(17, 3) radians: the pose's angles plus the slider offsets (degrees), clamped to the limits."""
        deg = torch.rad2deg(pose_angles(pose))
        for label, value in offsets.items():
            joint, axis, sign = ANGLE_SLIDERS[label]
            deg[JOINT_NAMES.index(joint), axis] += sign * float(value)
        return torch.deg2rad(deg)

    def draw(self, pose: str, **offsets: float) -> tuple[go.Figure, pd.DataFrame]:
        raw = self.angles(pose, **offsets)[None]
        angles = clamp_to_limits(raw)
        pos = forward_kinematics(angles)
        rest = forward_kinematics(torch.zeros_like(angles))
        change = float((bone_lengths(pos) - bone_lengths(rest)).abs().max())
        clamped = int((torch.rad2deg(raw - angles).abs() > 1e-3).sum())
        fig = plot_skeleton(pos[0], ["pose"], title=f"{pose}, moved by the sliders")
        table = pd.DataFrame([{"largest bone-length change (mm)": round(change, 6), "angles at a limit": clamped}])
        return fig, table


class CameraExplorer(Explorer):
    """Film a pose, then turn one limb over in depth: the image stays the same, the 3D pose does not.

    The first control chooses the limb to flip (see
    :func:`~gdl_teach.pose.camera.flip_depth`); the sliders move the camera.
    ``last_result`` is a one-row DataFrame: how far the image moved (pixels),
    how far the joints moved in 3D, and the largest bone-length change.

    Args:
        pose: the pose filmed, ``"rest"`` or a motion name.
        azimuth: starting azimuth in degrees (0: the camera faces the person).
        elevation: starting elevation in degrees.
        title: header above the controls.
    """

    def __init__(self, pose: str = "walk", azimuth: float = 30.0, elevation: float = 10.0,
                 title: str = "Depth ambiguity: flip a limb, keep the image") -> None:
        check_choice("pose", pose, POSES)
        azimuth = check_float("azimuth", azimuth, min_value=-180, max_value=180)
        elevation = check_float("elevation", elevation, min_value=-30, max_value=60)
        controls = {
            "flip": widgets.Dropdown(options=list(FLIPS), value="nothing", description="flip the depth of",
                                     style={"description_width": "initial"}, layout=widgets.Layout(width="260px")),
            "pose": widgets.Dropdown(options=list(POSES), value=pose, description="pose",
                                     layout=widgets.Layout(width="200px")),
            "azimuth": widgets.IntSlider(value=round(azimuth), min=-180, max=180, step=15, description="azimuth",
                                         continuous_update=False),
            "elevation": widgets.IntSlider(value=round(elevation), min=-30, max=60, step=5,
                                           description="elevation", continuous_update=False),
        }
        super().__init__(controls, title=title)
        _wrap(self)

    def draw(self, flip: str, pose: str, azimuth: float, elevation: float) -> tuple[go.Figure, pd.DataFrame]:
        camera = one_camera(azimuth=azimuth, elevation=elevation)
        pos_cam = to_camera(forward_kinematics(pose_angles(pose)[None]), camera)[0]
        joint = FLIPS[flip]
        flipped = flip_depth(pos_cam, joint) if joint else pos_cam.clone()
        uv, uv_flipped = project(pos_cam[None], camera.focal)[0], project(flipped[None], camera.focal)[0]
        before, after = root_relative(pos_cam[None])[0], root_relative(flipped[None])[0]
        length_change = (bone_lengths(flipped[None]) - bone_lengths(pos_cam[None])).abs().max()
        names, alphas = (["filmed pose"], [1.0]) if joint is None else (["filmed pose", "flipped"], [0.25, 1.0])
        poses = [before] if joint is None else [before, after]
        fig = plot_view_and_pose(uv, poses, names, alphas,
                                 title=f"{pose}, camera at azimuth {azimuth}°, elevation {elevation}°"
                                 + ("" if joint is None else f": {flip} flipped (faded: as filmed)"))
        table = pd.DataFrame([{
            "image change (px)": round(float((uv_flipped - uv).abs().max()), 4),
            "largest 3D move (mm)": round(float((after - before).norm(dim=-1).max()), 1),
            "MPJPE between the two (mm)": round(float((after - before).norm(dim=-1).mean()), 1),
            "bone-length change (mm)": round(float(length_change), 3)}])
        return fig, table


def limits_table() -> pd.DataFrame:
    """The joint limits in degrees, one row per joint that moves (for reading, not for code)."""
    limits = angle_limits()
    rows: list[dict[str, Any]] = []
    for j, name in enumerate(JOINT_NAMES):
        if bool((limits[j, :, 1] > limits[j, :, 0]).any()):
            rows.append({"bone ending at": name, **{f"{axis} (deg)": f"{int(lo)} .. {int(hi)}"
                                                    for axis, (lo, hi) in zip(("flex", "abduct", "twist"),
                                                                              limits[j].tolist())}})
    return pd.DataFrame(rows)
