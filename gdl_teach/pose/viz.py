"""Pictures of poses: a rotatable 3D skeleton (plotly), the camera's 2D view, and result charts.

Colours: the person's left side blue, right side red, the spine grey, in
every picture of the lesson.
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from gdl_teach.core.validate import check_tensor
from gdl_teach.pose.skeleton import BONES, JOINT_NAMES, LEFT, NUM_JOINTS, RIGHT

SIDE_COLOURS = {"left": "#1f77b4", "right": "#d62728", "centre": "#7f7f7f"}


def _side(joint: int) -> str:
    return "left" if joint in LEFT else "right" if joint in RIGHT else "centre"


def _display_axes(pos: np.ndarray, frame: str) -> np.ndarray:
    """Body frame stays (x right, y forward, z up); camera frame (X right, Y down, Z depth) -> (X, Z, -Y)."""
    return pos if frame == "body" else np.stack([pos[:, 0], pos[:, 2], -pos[:, 1]], axis=1)


def skeleton_traces(pos: torch.Tensor, name: str = "pose", frame: str = "body", opacity: float = 1.0,
                    scene: str = "scene") -> list[go.Scatter3d]:
    """Plotly 3D traces of one skeleton: one line trace per side and the joints as markers.

    Args:
        pos: (17, 3) joint positions, mm.
        name: legend name.
        frame: ``"body"`` (z up) or ``"camera"`` (drawn with depth going into the picture and up as up).
        opacity: of every trace (a faded "before" pose).
        scene: which 3D scene of a figure to draw into.
    """
    check_tensor("pos", pos, shape=(NUM_JOINTS, 3), floating=True, finite=True)
    p = _display_axes(pos.detach().cpu().double().numpy(), frame)
    traces = []
    for side, colour in SIDE_COLOURS.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        zs: list[float | None] = []
        for a, b in BONES:
            if _side(b) == side:
                xs += [p[a, 0], p[b, 0], None]
                ys += [p[a, 1], p[b, 1], None]
                zs += [p[a, 2], p[b, 2], None]
        traces.append(go.Scatter3d(x=xs, y=ys, z=zs, mode="lines", line={"color": colour, "width": 7},
                                   opacity=opacity, name=f"{name} ({side})", hoverinfo="skip", scene=scene,
                                   showlegend=False))
    traces.append(go.Scatter3d(x=p[:, 0], y=p[:, 1], z=p[:, 2], mode="markers", opacity=opacity,
                               marker={"size": 4, "color": [SIDE_COLOURS[_side(j)] for j in range(NUM_JOINTS)]},
                               text=list(JOINT_NAMES), hoverinfo="text", name=name, scene=scene, showlegend=False))
    return traces


def _scene_layout(frame: str, poses: Sequence[torch.Tensor]) -> dict:
    """Equal scale on all axes with the longest fitting the view (plotly's "data" mode crops a standing person).

    A nearly flat axis keeps at least 15% of the longest, so a side-on pose can still be turned.
    """
    titles = ("x (right)", "y (forward)", "z (up)") if frame == "body" else ("X (image right)", "Z (depth)", "up")
    axes = {f"{a}axis": {"title": t, "showticklabels": False} for a, t in zip("xyz", titles)}
    points = torch.cat([p.reshape(-1, 3) for p in poses]).float()
    extent = (points.amax(0) - points.amin(0)).clamp_min(1e-6)
    if frame == "camera":  # drawn as (x, depth, -y): see skeleton_traces
        extent = extent[[0, 2, 1]]
    ratio = (extent / extent.max()).clamp_min(0.15).tolist()
    return {"aspectmode": "manual", "aspectratio": dict(zip("xyz", ratio)), **axes,
            "camera": {"eye": {"x": 1.2, "y": 1.2, "z": 0.45}}}


def plot_skeleton(poses: torch.Tensor | Sequence[torch.Tensor], names: Sequence[str] | None = None,
                  frame: str = "body", title: str = "", opacities: Sequence[float] | None = None) -> go.Figure:
    """A rotatable 3D view of one or more skeletons (drag to turn it).

    Args:
        poses: (17, 3), or a list of (17, 3) poses drawn in the same scene.
        names: one name per pose.
        frame: ``"body"`` or ``"camera"``.
        title: figure title.
        opacities: one per pose (default 1).
    """
    poses = [poses] if isinstance(poses, torch.Tensor) else list(poses)
    names = list(names) if names is not None else [f"pose {k}" for k in range(len(poses))]
    opacities = list(opacities) if opacities is not None else [1.0] * len(poses)
    if not len(names) == len(opacities) == len(poses):
        raise ValueError(f"names and opacities must have one entry per pose ({len(poses)})")
    fig = go.Figure()
    for pos, name, alpha in zip(poses, names, opacities):
        for trace in skeleton_traces(pos, name, frame, alpha):
            fig.add_trace(trace)
    fig.update_layout(title=title, height=420, margin={"l": 0, "r": 0, "t": 40 if title else 0, "b": 0},
                      scene=_scene_layout(frame, poses))
    return fig


def plot_gallery(poses: Sequence[torch.Tensor], names: Sequence[str], spacing: float = 900.0,
                 title: str = "") -> go.Figure:
    """Several poses side by side (shifted along x by ``spacing`` mm), each labelled above its head."""
    if len(poses) != len(names) or not poses:
        raise ValueError(f"poses and names must be non-empty and of equal length, got {len(poses)} and {len(names)}")
    shifted = [pos - torch.tensor([k * spacing, 0.0, 0.0]) for k, pos in enumerate(poses)]  # seen from the front: left to right
    fig = plot_skeleton(shifted, names, title=title)
    tops = [float(p[:, 2].max()) + 150 for p in shifted]
    fig.add_trace(go.Scatter3d(x=[-k * spacing for k in range(len(poses))], y=[0.0] * len(poses), z=tops,
                               mode="text", text=list(names), showlegend=False, hoverinfo="skip"))
    fig.update_layout(height=360, scene_camera={"eye": {"x": 0.0, "y": 1.6, "z": 0.4}})
    return fig


def image_traces(uv: torch.Tensor, name: str = "image", dash: str = "solid") -> list[go.Scatter]:
    """Plotly 2D traces of a skeleton as the camera sees it: uv (17, 2) pixels, image y pointing down."""
    check_tensor("uv", uv, shape=(NUM_JOINTS, 2), floating=True)
    p = uv.detach().cpu().double().numpy()
    traces = []
    for side, colour in SIDE_COLOURS.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b in BONES:
            if _side(b) == side:
                xs += [p[a, 0], p[b, 0], None]
                ys += [-p[a, 1], -p[b, 1], None]
        traces.append(go.Scatter(x=xs, y=ys, mode="lines", line={"color": colour, "width": 4, "dash": dash},
                                 name=f"{name} ({side})", showlegend=False, hoverinfo="skip"))
    traces.append(go.Scatter(x=p[:, 0], y=-p[:, 1], mode="markers", marker={"size": 6, "color": "black"},
                             text=list(JOINT_NAMES), hoverinfo="text", showlegend=False, name=name))
    return traces


def plot_view_and_pose(uv: torch.Tensor, poses: Sequence[torch.Tensor], names: Sequence[str],
                       opacities: Sequence[float], title: str = "") -> go.Figure:
    """Left: the camera's image (2D); right: 3D poses in camera coordinates that all give this image."""
    fig = make_subplots(rows=1, cols=2, specs=[[{"type": "xy"}, {"type": "scene"}]], column_widths=[0.4, 0.6],
                        subplot_titles=("what the camera sees (pixels)", "in 3D (drag to turn)"))
    for trace in image_traces(uv):
        fig.add_trace(trace, row=1, col=1)
    for pos, name, alpha in zip(poses, names, opacities):
        for trace in skeleton_traces(pos, name, "camera", alpha):
            fig.add_trace(trace, row=1, col=2)
    fig.update_xaxes(scaleanchor="y", scaleratio=1, row=1, col=1)
    fig.update_layout(title=title, height=430, margin={"l": 10, "r": 0, "t": 60, "b": 10},
                      scene=_scene_layout("camera", poses))
    return fig


def plot_condition_bars(table: dict[str, dict[str, tuple[float, float]]], ylabel: str = "MPJPE (mm)",
                        reference: float | None = None, title: str = "") -> plt.Figure:
    """Grouped bars: one group per test condition, one bar per model, mean with a std error bar.

    Args:
        table: model -> condition -> (mean, std).
        ylabel: the metric.
        reference: a horizontal line (e.g. the zero-depth baseline).
        title: figure title.
    """
    models = list(table)
    conditions = list(next(iter(table.values())))
    fig, ax = plt.subplots(figsize=(10, 3.6))
    width = 0.8 / len(models)
    x = np.arange(len(conditions))
    for k, model in enumerate(models):
        mean = [table[model][c][0] for c in conditions]
        std = [table[model][c][1] for c in conditions]
        ax.bar(x + (k - (len(models) - 1) / 2) * width, mean, width, yerr=std, capsize=2, label=model)
    if reference is not None:
        ax.axhline(reference, color="black", ls="--", lw=1, label="zero depth (held-out)")
    ax.set_xticks(x, conditions)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    return fig


def plot_error_vs_budget(curves: dict[str, dict[int, tuple[float, float]]], xlabel: str = "trainable parameters",
                         ylabel: str = "MPJPE (mm)", title: str = "") -> plt.Figure:
    """Error against a budget (parameters, training poses), one line per model with std bands.

    Args:
        curves: model -> budget -> (mean, std).
        xlabel, ylabel, title: labels.
    """
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for model, points in curves.items():
        xs = np.array(sorted(points))
        mean = np.array([points[b][0] for b in xs])
        std = np.array([points[b][1] for b in xs])
        ax.plot(xs, mean, marker="o", label=model)
        ax.fill_between(xs, mean - std, mean + std, alpha=0.2)
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
