"""Explorers for lesson 07: pose the animal, walk through the eigenvectors, let heat spread, pick a source."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
import torch

from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.geometry.geodesics import HeatMethod, dijkstra_distances
from gdl_teach.geometry.heat import heat_spectral
from gdl_teach.geometry.mesh import check_mesh, edge_lengths, mesh_edges
from gdl_teach.meshes.shape import PART_NAMES, Quadruped, paw_vertex, rest_pose
from gdl_teach.meshes.viz import banded_colorscale, plot_mesh
from gdl_teach.viz.explorer import Explorer


def _slider(description: str, low: float, high: float, step: float, value: float = 0.0) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=False, layout=widgets.Layout(width="260px"))


class PoseExplorer(Explorer):
    """Sliders for the joints: the posed animal, coloured by part or by how much its edges stretched.

    ``last_result`` holds the paw-to-paw distances (straight and along the
    surface, by the heat method) and the edge stretch of the pose shown.

    Args:
        animal: the template (:func:`~gdl_teach.meshes.shape.make_quadruped`).
    """

    def __init__(self, animal: Quadruped) -> None:
        if not isinstance(animal, Quadruped):
            raise TypeError(f"animal must be a Quadruped (from shape.make_quadruped), got {type(animal).__name__}")
        self.animal = animal
        self.edges = mesh_edges(animal.face)
        self.rest_lengths = edge_lengths(animal.pos, self.edges)
        self.paws = (paw_vertex(animal, 3), paw_vertex(animal, 6))
        self.rest = self._distances(animal.pos)
        controls = {"front": _slider("front legs", -20, 20, 5), "hind": _slider("hind legs", -20, 20, 5),
                    "head": _slider("head turn", -30, 30, 10), "tail": _slider("tail wag", -40, 40, 10),
                    "colour": widgets.Dropdown(options=["part", "edge stretch"], value="part", description="colour",
                                               layout=widgets.Layout(width="210px"))}
        super().__init__(controls, title="Pose the animal: every pose moves the same vertices")

    def _distances(self, pos: torch.Tensor) -> tuple[float, float]:
        a, b = self.paws
        along = float(HeatMethod(pos.double(), self.animal.face)(a)[b])
        return float((pos[a] - pos[b]).norm()), along

    def draw(self, front: float, hind: float, head: float, tail: float, colour: str) -> tuple[go.Figure, dict]:
        """The animal in the pose set by the sliders (degrees)."""
        angles = rest_pose()
        angles[3, 1], angles[4, 1], angles[5, 1], angles[6, 1] = front, -front, hind, -hind
        angles[1, 2], angles[2, 2] = head, tail
        pos = self.animal.pose(angles)
        stretch = (edge_lengths(pos, self.edges) / self.rest_lengths - 1).abs()
        straight, along = self._distances(pos)
        result = {"straight": straight, "geodesic": along, "straight change": straight / self.rest[0] - 1,
                  "geodesic change": along / self.rest[1] - 1, "median stretch": float(stretch.median()),
                  "max stretch": float(stretch.max())}
        title = (f"paw to paw: straight {straight:.2f} ({result['straight change']:+.1%}), along the surface "
                 f"{along:.2f} ({result['geodesic change']:+.1%})")
        if colour == "part":
            return plot_mesh(pos, self.animal.face, self.animal.part, labels=PART_NAMES, title=title), result
        per_vertex = torch.zeros(self.animal.num_nodes).scatter_reduce(0, self.edges.flatten(), stretch.repeat(2),
                                                                       "amax", include_self=False)
        fig = plot_mesh(pos, self.animal.face, 100 * per_vertex, title=title, colorscale="Reds", cmin=0, cmax=10,
                        colorbar_title="edge stretch %")
        return fig, result


class EigenExplorer(Explorer):
    """A slider over the Laplacian eigenvectors: the mesh's Fourier basis, lowest frequency first.

    Args:
        pos: (N, 3); face: (3, F).
        evals: (k,) eigenvalues; evecs: (N, k) eigenvectors (from ``laplacian_eigenbasis``).
        index: the eigenvector shown first.
    """

    def __init__(self, pos: torch.Tensor, face: torch.Tensor, evals: torch.Tensor, evecs: torch.Tensor,
                 index: int = 1) -> None:
        self.pos, self.face = check_mesh(pos, face)
        self.evals = check_tensor("evals", evals, ndim=1, floating=True, nonempty=True)
        self.evecs = check_tensor("evecs", evecs, shape=(pos.shape[0], evals.shape[0]), floating=True)
        index = check_int("index", index, min_value=0, max_value=evals.shape[0] - 1)
        slider = widgets.IntSlider(value=index, min=0, max=evals.shape[0] - 1, description="eigenvector",
                                   continuous_update=False, layout=widgets.Layout(width="420px"))
        super().__init__({"index": slider}, title="The Laplacian's eigenvectors: a Fourier basis of the surface")

    def draw(self, index: int) -> tuple[go.Figure, dict]:
        """Eigenvector ``index`` as a colour on the surface."""
        phi = self.evecs[:, index]
        bound = float(phi.abs().max())
        title = f"eigenvector {index}: eigenvalue {float(self.evals[index]):.2f}"
        fig = plot_mesh(self.pos, self.face, phi, title=title, colorscale="RdBu", cmin=-bound, cmax=bound)
        sign_changes = int((torch.sign(phi[mesh_edges(self.face)]).diff(dim=0) != 0).sum())
        return fig, {"index": index, "eigenvalue": float(self.evals[index]), "edges changing sign": sign_changes}


class HeatExplorer(Explorer):
    """Heat from a point source, spread for a time ``t`` (in the eigenbasis): pick the source and the time.

    Args:
        pos, face: the mesh; evals, evecs, mass: its eigenbasis and vertex areas.
        sources: name -> vertex id of the points offered as sources.
    """

    def __init__(self, pos: torch.Tensor, face: torch.Tensor, evals: torch.Tensor, evecs: torch.Tensor,
                 mass: torch.Tensor, sources: dict[str, int]) -> None:
        self.pos, self.face = check_mesh(pos, face)
        self.evals, self.evecs, self.mass = evals, evecs, check_tensor("mass", mass, shape=(pos.shape[0],))
        self.sources = _check_sources(sources, pos.shape[0])
        controls = {"source": widgets.Dropdown(options=list(self.sources), description="source",
                                               layout=widgets.Layout(width="230px")),
                    "log10_t": _slider("log10 t", -3.0, 0.5, 0.25, value=-1.5)}
        super().__init__(controls, title="Heat diffusion: high frequencies fade first")

    def draw(self, source: str, log10_t: float) -> tuple[go.Figure, dict]:
        """The heat after time ``10 ** log10_t`` from a unit of heat at ``source``."""
        u0 = torch.zeros(self.pos.shape[0], dtype=self.evecs.dtype)
        u0[self.sources[source]] = 1.0 / float(self.mass[self.sources[source]])  # one unit of heat in total
        u = heat_spectral(self.evals, self.evecs, self.mass, u0, 10.0 ** log10_t)
        fig = plot_mesh(self.pos, self.face, u, title=f"t = {10 ** log10_t:.3g}: heat per unit area",
                        colorscale="Inferno", cmin=0.0, colorbar_title="heat")
        return fig, {"t": 10.0 ** log10_t, "total heat": float((u * self.mass).sum()), "peak": float(u.max())}


class GeodesicExplorer(Explorer):
    """Pick a source and a method: distances over the surface, straight, along edges or by the heat method.

    Args:
        pos, face: the mesh.
        sources: name -> vertex id of the points offered as sources.
    """

    METHODS = ("heat method", "Dijkstra on edges", "straight line")

    def __init__(self, pos: torch.Tensor, face: torch.Tensor, sources: dict[str, int]) -> None:
        self.pos, self.face = check_mesh(pos, face)
        self.sources = _check_sources(sources, pos.shape[0])
        self.heat = HeatMethod(pos.double(), face)
        controls = {"source": widgets.Dropdown(options=list(self.sources), description="source",
                                               layout=widgets.Layout(width="230px")),
                    "method": widgets.Dropdown(options=self.METHODS, description="method",
                                               layout=widgets.Layout(width="260px"))}
        super().__init__(controls, title="Distances from a source: along the surface or through the air")

    def distances(self, source: str, method: str) -> torch.Tensor:
        """(N,) distances from the named source by the named method."""
        s = self.sources[source]
        if method == "heat method":
            return self.heat(s)
        if method == "Dijkstra on edges":
            return dijkstra_distances(self.pos, self.face, s)
        return (self.pos - self.pos[s]).norm(dim=1).double()

    def draw(self, source: str, method: str) -> tuple[go.Figure, dict]:
        """Distances from ``source`` in bands 0.2 wide: the borders between bands are the level sets."""
        d = self.distances(source, method)
        num_bands = int(np.ceil(float(d.max()) / 0.2))
        fig = plot_mesh(self.pos, self.face, d, title=f"{method} from the {source}: farthest point "
                        f"{float(d.max()):.2f} away", colorscale=banded_colorscale(num_bands), cmin=0.0,
                        cmax=0.2 * num_bands, colorbar_title="distance")
        return fig, {"source": source, "method": method, "max": float(d.max())}


def _check_sources(sources: dict[str, int], num_nodes: int) -> dict[str, int]:
    if not isinstance(sources, dict) or not sources:
        raise TypeError("sources must be a non-empty dict name -> vertex id")
    return {str(k): check_int(f"sources[{k!r}]", v, min_value=0, max_value=num_nodes - 1) for k, v in sources.items()}
