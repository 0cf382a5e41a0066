"""Pictures for lesson 07: rotatable meshes (plotly ``Mesh3d``) and the spectral plots (matplotlib)."""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import plotly.colors as pc
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from gdl_teach.core.validate import check_tensor
from gdl_teach.geometry.mesh import check_mesh

#: one colour per class (parts, error kinds), readable on white
PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974",
           "#64B5CD")
_SCENE = {"aspectmode": "data", "xaxis": {"visible": False}, "yaxis": {"visible": False},
          "zaxis": {"visible": False}, "camera": {"eye": {"x": 0.3, "y": 2.0, "z": 0.7}}}


def mesh_trace(pos: torch.Tensor, face: torch.Tensor, color: torch.Tensor | None = None, *,
               labels: Sequence[str] | None = None, colorscale: str | list = "Viridis", cmin: float | None = None,
               cmax: float | None = None, colorbar_title: str = "", showscale: bool = True) -> go.Mesh3d:
    """One ``go.Mesh3d`` trace: a surface coloured by a value per vertex, or by a class per vertex.

    Args:
        pos: (N, 3) vertex positions; face: (3, F) triangles.
        color: (N,) values (a colour scale) or, with ``labels``, class ids (one colour each).
        labels: class names; hovering a vertex shows its class.
        colorscale, cmin, cmax: the colour scale of values and its range.
        colorbar_title: caption of the colour bar.
        showscale: draw the colour bar.
    """
    pos, face = check_mesh(pos, face)
    p, f = pos.detach().cpu().numpy(), face.cpu().numpy()
    kw: dict = {"x": p[:, 0], "y": p[:, 1], "z": p[:, 2], "i": f[0], "j": f[1], "k": f[2],
                "flatshading": False, "lighting": {"ambient": 0.55, "diffuse": 0.7, "specular": 0.15},
                "hoverinfo": "text"}
    if color is None:
        return go.Mesh3d(**kw, color="#B0B7C3", text=None)
    color = check_tensor("color", color, shape=(p.shape[0],)).detach().cpu()
    if labels is not None:
        ids = color.long().numpy()
        kw["vertexcolor"] = [PALETTE[i % len(PALETTE)] for i in ids]
        kw["text"] = [labels[i] if 0 <= i < len(labels) else str(i) for i in ids]
        return go.Mesh3d(**kw)
    values = color.double().numpy()
    kw["text"] = [f"{v:.3g}" for v in values]
    return go.Mesh3d(**kw, intensity=values, colorscale=colorscale, cmin=cmin, cmax=cmax, showscale=showscale,
                     colorbar={"title": {"text": colorbar_title}, "len": 0.6, "thickness": 12})


def plot_mesh(pos: torch.Tensor, face: torch.Tensor, color: torch.Tensor | None = None, *,
              labels: Sequence[str] | None = None, title: str | None = None, colorscale: str | list = "Viridis",
              cmin: float | None = None, cmax: float | None = None, colorbar_title: str = "",
              height: int = 420) -> go.Figure:
    """A rotatable view of one mesh; see :func:`mesh_trace` for the colouring.

    With ``labels`` a legend of the class colours is drawn under the title.

    Returns:
        A ``plotly.graph_objects.Figure`` (drag to turn, scroll to zoom).
    """
    fig = go.Figure(mesh_trace(pos, face, color, labels=labels, colorscale=colorscale, cmin=cmin, cmax=cmax,
                               colorbar_title=colorbar_title))
    if labels is not None:
        for i, name in enumerate(labels):  # legend entries: empty traces with the class colours
            fig.add_trace(go.Scatter3d(x=[None], y=[None], z=[None], mode="markers", name=name,
                                       marker={"color": PALETTE[i % len(PALETTE)], "size": 8}))
    fig.update_layout(title=title, height=height, margin={"l": 0, "r": 0, "t": 40 if title else 0, "b": 0},
                      scene=_SCENE, showlegend=labels is not None, legend={"orientation": "h", "y": 1.02})
    return fig


def plot_meshes(meshes: Sequence[tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]], titles: Sequence[str],
                *, labels: Sequence[str] | None = None, colorscale: str | list = "Viridis", shared_range: bool = True,
                height: int = 340) -> go.Figure:
    """Several meshes side by side, each in its own rotatable scene.

    Args:
        meshes: ``(pos, face, color)`` per panel.
        titles: one per panel.
        labels: class names when the colours are classes.
        colorscale: for values.
        shared_range: one colour range for all panels (values only).
        height: figure height in pixels.
    """
    if len(meshes) != len(titles) or not meshes:
        raise ValueError(f"meshes and titles must be non-empty and of equal length, got {len(meshes)} and "
                         f"{len(titles)}")
    fig = make_subplots(rows=1, cols=len(meshes), specs=[[{"type": "scene"}] * len(meshes)],
                        subplot_titles=list(titles), horizontal_spacing=0.01)
    values = [c for *_, c in meshes if c is not None and labels is None]
    lo = float(min(v.min() for v in values)) if values and shared_range else None
    hi = float(max(v.max() for v in values)) if values and shared_range else None
    for col, (pos, face, color) in enumerate(meshes, start=1):
        fig.add_trace(mesh_trace(pos, face, color, labels=labels, colorscale=colorscale, cmin=lo, cmax=hi,
                                 showscale=col == len(meshes)), row=1, col=col)
    fig.update_layout(height=height, margin={"l": 0, "r": 0, "t": 30, "b": 0}, showlegend=False)
    fig.update_scenes(**_SCENE)
    return fig


def banded_colorscale(num_bands: int, base: str = "Viridis", shade: float = 0.7) -> list[list]:
    """A plotly colour scale of ``num_bands`` flat bands, every other one darker: level sets of a distance show.

    Args:
        num_bands: how many bands between ``cmin`` and ``cmax``.
        base: a plotly sequential colour scale to sample.
        shade: brightness of the darker bands (1 = none).
    """
    colors = pc.sample_colorscale(base, [(i + 0.5) / num_bands for i in range(num_bands)], colortype="tuple")
    scale = []
    for i, (r, g, b) in enumerate(colors):
        f = shade if i % 2 else 1.0
        rgb = f"rgb({int(255 * r * f)},{int(255 * g * f)},{int(255 * b * f)})"
        scale += [[i / num_bands, rgb], [(i + 1) / num_bands, rgb]]
    return scale


def plot_smoothing(steps: Sequence[int], residual: Sequence[float], spectra: dict[int, np.ndarray],
                   eigenvalues: np.ndarray, ax: Sequence[plt.Axes] | None = None) -> plt.Figure:
    """Repeated averaging as a low-pass filter: the spectrum after k steps, and the distance to the top eigenvector.

    Args:
        steps: step counts k of the right panel.
        residual: relative distance of ``A^k x`` from the top eigenvector's direction, per k.
        spectra: k -> (K,) energy of ``A^k x`` in each of the top K eigenvectors (left panel).
        eigenvalues: (K,) the eigenvalues of those eigenvectors, descending.
        ax: two axes to draw into (new figure if ``None``).
    """
    if ax is None:
        fig, ax = plt.subplots(1, 2, figsize=(11, 3.4))
    fig = ax[0].figure
    width = 0.8 / max(len(spectra), 1)
    for n, (k, energy) in enumerate(spectra.items()):
        ax[0].bar(np.arange(len(energy)) + n * width, energy / energy.sum(), width=width, label=f"after {k} steps")
    ax[0].set_xlabel("eigenvector (by eigenvalue, largest first)")
    ax[0].set_ylabel("share of the signal's energy")
    ax[0].set_xticks(range(0, len(eigenvalues), 5))
    ax[0].legend(fontsize=8)
    ax[1].semilogy(steps, residual, "o-", ms=3, label="measured")
    ax[1].semilogy(steps, [abs(eigenvalues[1]) ** k * residual[0] for k in steps], "--", label=r"$|\mu_2|^k$")
    ax[1].set_xlabel("averaging steps k")
    ax[1].set_ylabel("distance from top eigenvector")
    ax[1].legend(fontsize=8)
    fig.tight_layout()
    return fig
