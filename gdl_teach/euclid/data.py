"""Data and measurements for lesson 01: Euclidean vs non-Euclidean data.

Four small, seeded, synthetic worlds, each described honestly as generated:

* **grids**: an image and the graph of its pixels (:func:`make_grid_graph`),
  where every edge carries the *offset* from target to source pixel, so a 3x3
  convolution becomes message passing (see :class:`gdl_teach.euclid.models.OffsetConv`);
* **shapes**: a cube and a square, their pairwise distances and corner
  angles, and how much an orthographic projection distorts them
  (:func:`projection_distortion`);
* **curved surfaces**: points on a sphere and on a Swiss roll, with graph
  geodesics on a k-NN graph (:func:`compare_distances`);
* **graphs to classify**: random graphs with and without a hub node
  (:func:`make_hub_graphs`), and random relabellings of them
  (:func:`relabel_graphs`).

Also two symmetry transforms for :func:`gdl_teach.core.symmetry.check_equivariance`
that the spine does not have yet: :func:`shift_images` / :func:`shift_output`.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch_geometric.data import Data

from gdl_teach.core.symmetry import permute_graph
from gdl_teach.core.validate import check_choice, check_edge_index, check_float, check_int, check_tensor

#: The 9 offsets ``(d_row, d_col)`` of a 3x3 kernel, in the row-major order of
#: its weights: offset id ``k`` multiplies ``weight[:, :, k // 3, k % 3]``.
OFFSETS_3X3: tuple[tuple[int, int], ...] = tuple((dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1))

_PADDINGS = ("zeros", "circular")


# --------------------------------------------------------------------------
# grids
# --------------------------------------------------------------------------
def make_grid_graph(height: int, width: int, padding: str = "zeros") -> Data:
    """The pixel grid of a ``height x width`` image as a graph with typed edges.

    Node ``i = row * width + col`` is a pixel. For each pixel ``i`` and each of
    the 9 offsets ``(dr, dc)`` of :data:`OFFSETS_3X3`, there is an edge
    ``j -> i`` from the pixel ``j = (row + dr, col + dc)`` that a 3x3 kernel
    centred on ``i`` reads, with ``edge_attr = k``, the offset's id. The
    ``(0, 0)`` offset is a self-loop.

    With ``padding="zeros"`` pixels outside the image do not exist, so border
    pixels have fewer incoming edges: a missing neighbour is exactly a zero in
    zero padding. With ``padding="circular"`` the grid wraps around (a torus),
    as ``Conv2d(padding_mode="circular")`` does.

    Args:
        height: number of rows H >= 1.
        width: number of columns W >= 1.
        padding: ``"zeros"`` or ``"circular"``.

    Returns:
        A PyG ``Data`` with ``edge_index`` (2, E), ``edge_attr`` (E,) long offset
        ids in ``[0, 9)``, ``pos`` (N, 2) plotting positions ``(col, -row)``,
        ``num_nodes = N = H * W``, and ``height``/``width``.
    """
    height = check_int("height", height, min_value=1)
    width = check_int("width", width, min_value=1)
    check_choice("padding", padding, _PADDINGS)
    rows, cols = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    rows, cols = rows.reshape(-1), cols.reshape(-1)  # (N,)
    src, dst, kind = [], [], []
    for k, (dr, dc) in enumerate(OFFSETS_3X3):
        r, c = rows + dr, cols + dc
        if padding == "circular":
            r, c = r % height, c % width
            keep = torch.ones_like(r, dtype=torch.bool)
        else:
            keep = (r >= 0) & (r < height) & (c >= 0) & (c < width)
        src.append((r * width + c)[keep])
        dst.append((rows * width + cols)[keep])
        kind.append(torch.full((int(keep.sum()),), k, dtype=torch.long))
    edge_index = torch.stack([torch.cat(src), torch.cat(dst)])  # (2, E)
    pos = torch.stack([cols.float(), -rows.float()], dim=1)  # (N, 2)
    return Data(edge_index=edge_index, edge_attr=torch.cat(kind), pos=pos, num_nodes=height * width,
                height=height, width=width)


def image_to_nodes(image: torch.Tensor) -> torch.Tensor:
    """Pixels as node features: (C, H, W) -> (H * W, C), node ``row * W + col``.

    Args:
        image: (C, H, W) float tensor.
    """
    image = check_tensor("image", image, ndim=3, floating=True)
    c = image.shape[0]
    return image.reshape(c, -1).t().contiguous()  # (H*W, C)


def nodes_to_image(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Node features back to an image: (H * W, C) -> (C, H, W).

    Args:
        x: (N, C) node features with N = height * width.
        height: H.
        width: W.
    """
    height = check_int("height", height, min_value=1)
    width = check_int("width", width, min_value=1)
    x = check_tensor("x", x, ndim=2)
    if x.shape[0] != height * width:
        raise ValueError(f"x must have height * width = {height * width} rows, got {x.shape[0]}")
    return x.t().reshape(x.shape[1], height, width)  # (C, H, W)


def make_toy_image(size: int = 16, seed: int = 0) -> torch.Tensor:
    """A synthetic grey-scale picture: a bright disk, a bar and a little noise.

    Args:
        size: height and width S >= 4.
        seed: seed of the noise.

    Returns:
        image: (1, S, S) float32 in roughly [0, 1].
    """
    size = check_int("size", size, min_value=4)
    seed = check_int("seed", seed, min_value=0)
    g = torch.Generator().manual_seed(seed)
    r, c = torch.meshgrid(torch.arange(size).float(), torch.arange(size).float(), indexing="ij")
    disk = (((r - 0.35 * size) ** 2 + (c - 0.35 * size) ** 2) < (0.22 * size) ** 2).float()
    bar = ((r > 0.65 * size) & (r < 0.8 * size) & (c > 0.3 * size)).float() * 0.7
    noise = 0.05 * torch.rand(size, size, generator=g)
    return (disk + bar + noise).unsqueeze(0)


def shift_images(keep_shift: bool = False, max_shift: int = 4) -> Callable[[tuple[Any, ...], torch.Generator], tuple[Any, ...]]:
    """Transform for inputs ``(images, *rest)``: shift images (B, C, H, W) circularly.

    A transform for :func:`gdl_teach.core.symmetry.check_invariance` and
    :func:`~gdl_teach.core.symmetry.check_equivariance`; with ``keep_shift=True``
    the shift ``(dr, dc)`` is appended so :func:`shift_output` can apply the
    same shift to the output.

    Args:
        keep_shift: append the (2,) shift tensor (for equivariance checks).
        max_shift: shifts are drawn from ``[-max_shift, max_shift]`` per axis.
    """
    max_shift = check_int("max_shift", max_shift, min_value=1)

    def transform(inputs: tuple[Any, ...], g: torch.Generator) -> tuple[Any, ...]:
        images, *rest = inputs
        check_tensor("images", images, ndim=4)
        shift = torch.randint(-max_shift, max_shift + 1, (2,), generator=g)
        out = (torch.roll(images, shifts=(int(shift[0]), int(shift[1])), dims=(-2, -1)), *rest)
        return (*out, shift) if keep_shift else out
    return transform


def shift_output(out: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Expected output of a shift-equivariant map: the output rolled by the same ``shift``.

    Args:
        out: (B, C, H, W) feature maps.
        shift: (2,) integer shift ``(dr, dc)``.
    """
    return torch.roll(out, shifts=(int(shift[0]), int(shift[1])), dims=(-2, -1))


def shift_error_map(f: Callable[[torch.Tensor], torch.Tensor], image: torch.Tensor,
                    shift: tuple[int, int] = (3, 5)) -> torch.Tensor:
    """Where shift-equivariance fails: ``|f(shift x) - shift f(x)|`` per pixel.

    Args:
        f: maps (1, C, H, W) images to (1, C', H, W) feature maps (e.g. a Conv2d).
        image: (C, H, W) image.
        shift: ``(dr, dc)`` circular shift in pixels.

    Returns:
        (H, W) largest absolute difference over channels.
    """
    if not callable(f):
        raise TypeError(f"f must be callable (e.g. a Conv2d), got {type(f).__name__}")
    image = check_tensor("image", image, ndim=3, floating=True)
    if not (isinstance(shift, (tuple, list)) and len(shift) == 2 and all(isinstance(s, int) for s in shift)):
        raise ValueError(f"shift must be two ints (d_row, d_col), got {shift!r}")
    x = image.unsqueeze(0)  # (1, C, H, W)
    with torch.no_grad():
        a = f(torch.roll(x, shifts=tuple(shift), dims=(-2, -1)))
        b = torch.roll(f(x), shifts=tuple(shift), dims=(-2, -1))
    return (a - b).abs().amax(dim=(0, 1))  # (H, W)


# --------------------------------------------------------------------------
# shapes and what a projection does to them
# --------------------------------------------------------------------------
def make_cube(side: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """A cube centred at the origin.

    Args:
        side: edge length > 0.

    Returns:
        ``(pos, edges)``: pos (8, 3) float64 corners, edges (2, 12) long, each edge once.
    """
    side = check_float("side", side, min_value=0.0, strict_min=True)
    corners = torch.tensor([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], dtype=torch.float64)
    pos = (corners - 0.5) * side  # (8, 3)
    edges = [(i, j) for i in range(8) for j in range(i + 1, 8) if int((corners[i] != corners[j]).sum()) == 1]
    return pos, torch.tensor(edges, dtype=torch.long).t().contiguous()


def make_square(side: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """A square centred at the origin.

    Args:
        side: edge length > 0.

    Returns:
        ``(pos, edges)``: pos (4, 2) float64 corners in order around the square, edges (2, 4) long.
    """
    side = check_float("side", side, min_value=0.0, strict_min=True)
    pos = (torch.tensor([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=torch.float64) - 0.5) * side
    return pos, torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])


def project_to_plane(pos: torch.Tensor, rot: torch.Tensor) -> torch.Tensor:
    """Rotate 3D points, then project them orthographically onto the image plane (drop z).

    Args:
        pos: (N, 3) points.
        rot: (3, 3) rotation matrix.

    Returns:
        (N, 2) projected points, the first two coordinates of ``pos @ rot.T``.
    """
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True, finite=True)
    rot = check_tensor("rot", rot, shape=(3, 3), floating=True, finite=True)
    return (pos @ rot.to(pos.dtype).T)[:, :2]


def pairwise_distances(pos: torch.Tensor) -> torch.Tensor:
    """All pairwise Euclidean distances.

    Args:
        pos: (N, D) points.

    Returns:
        (N, N) distances.
    """
    pos = check_tensor("pos", pos, ndim=2, floating=True, nonempty=True)
    return torch.cdist(pos, pos)


def corner_angles(pos: torch.Tensor, edges: torch.Tensor) -> torch.Tensor:
    """The angle between every two edges that meet at a corner, in degrees.

    An edge of zero length (a cube edge seen end-on) has no direction: angles
    involving it are NaN.

    Args:
        pos: (N, D) corners.
        edges: (2, E) undirected edges, each listed once.

    Returns:
        (A,) angles in degrees, in a fixed order (corner by corner).
    """
    pos = check_tensor("pos", pos, ndim=2, floating=True, nonempty=True)
    edges = check_edge_index("edges", edges, pos.shape[0])
    angles = []
    for v in range(pos.shape[0]):
        others = torch.cat([edges[1][edges[0] == v], edges[0][edges[1] == v]])
        vec = pos[others] - pos[v]  # (deg, D)
        norm = vec.norm(dim=1)
        for a in range(len(others)):
            for b in range(a + 1, len(others)):
                if min(float(norm[a]), float(norm[b])) < 1e-9:
                    angles.append(float("nan"))
                    continue
                cos = float((vec[a] @ vec[b]) / (norm[a] * norm[b]))
                angles.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return torch.tensor(angles, dtype=torch.float64)


def projection_distortion(true_pos: torch.Tensor, seen_pos: torch.Tensor, edges: torch.Tensor) -> dict[str, float]:
    """How much a view of a shape distorts its distances and angles.

    Args:
        true_pos: (N, D) the shape's real corners.
        seen_pos: (N, D') the same corners as seen (projected or rotated).
        edges: (2, E) the shape's edges, each once.

    Returns:
        ``max_dist_error`` and ``mean_dist_error`` (absolute, over all pairs),
        ``max_angle_error`` (degrees, over corner angles with both edges
        visible) and ``collapsed_edges`` (edges seen with zero length).
    """
    true_pos = check_tensor("true_pos", true_pos, ndim=2, floating=True, nonempty=True, finite=True)
    seen_pos = check_tensor("seen_pos", seen_pos, ndim=2, floating=True, nonempty=True, finite=True)
    if seen_pos.shape[0] != true_pos.shape[0]:
        raise ValueError(f"seen_pos must have one row per corner of true_pos ({true_pos.shape[0]}), got {seen_pos.shape[0]}")
    edges = check_edge_index("edges", edges, true_pos.shape[0])
    iu = torch.triu_indices(true_pos.shape[0], true_pos.shape[0], offset=1)
    d_err = (pairwise_distances(seen_pos.double()) - pairwise_distances(true_pos.double()))[iu[0], iu[1]].abs()
    a_err = (corner_angles(seen_pos.double(), edges) - corner_angles(true_pos.double(), edges)).abs()
    seen_len = (seen_pos[edges[0]] - seen_pos[edges[1]]).norm(dim=1)
    finite = a_err[~torch.isnan(a_err)]
    return {
        "max_dist_error": float(d_err.max()),
        "mean_dist_error": float(d_err.mean()),
        "max_angle_error": float(finite.max()) if finite.numel() else float("nan"),
        "collapsed_edges": int((seen_len < 1e-9).sum()),
    }


# --------------------------------------------------------------------------
# curved surfaces and geodesics
# --------------------------------------------------------------------------
def make_sphere_points(num_points: int = 800, radius: float = 1.0) -> torch.Tensor:
    """Evenly spread points on a sphere (a Fibonacci lattice; deterministic).

    Args:
        num_points: N >= 2.
        radius: sphere radius > 0.

    Returns:
        pos: (N, 3) float32 points with ``|pos| = radius``.
    """
    n = check_int("num_points", num_points, min_value=2)
    radius = check_float("radius", radius, min_value=0.0, strict_min=True)
    i = torch.arange(n, dtype=torch.float64) + 0.5
    z = 1 - 2 * i / n
    phi = math.pi * (1 + math.sqrt(5)) * i
    rho = torch.sqrt(1 - z**2)
    return (radius * torch.stack([rho * torch.cos(phi), rho * torch.sin(phi), z], dim=1)).float()


def _swiss_arc(t: np.ndarray) -> np.ndarray:
    # arc length of the spiral (t cos t, t sin t) from 0 to t
    return 0.5 * (t * np.sqrt(1 + t**2) + np.arcsinh(t))


#: The Swiss roll's spiral parameter range (as in scikit-learn's make_swiss_roll).
SWISS_T_RANGE: tuple[float, float] = (1.5 * math.pi, 4.5 * math.pi)


def swiss_roll_point(t: float, h: float) -> torch.Tensor:
    """The 3D point of the Swiss roll at spiral parameter ``t`` and height ``h``: (3,)."""
    t = check_float("t", t)
    h = check_float("h", h)
    return torch.tensor([t * math.cos(t), h, t * math.sin(t)], dtype=torch.float32)


def make_swiss_roll(num_points: int = 1500, height: float = 21.0, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Points sampled uniformly *by area* on a Swiss roll, with their unrolled coordinates.

    The roll is the spiral ``(t cos t, t sin t)`` for ``t`` in
    :data:`SWISS_T_RANGE`, extruded along y. Unrolled, it is a flat rectangle
    with coordinates (arc length ``s``, height ``h``); the surface's geodesic
    distance is the straight-line distance in those coordinates.

    Args:
        num_points: N >= 2.
        height: extent along y, > 0.
        seed: seed of the sampling.

    Returns:
        ``(pos, uv)``: pos (N, 3) float32 points in space, uv (N, 2) float32 unrolled ``(s, h)``.
    """
    n = check_int("num_points", num_points, min_value=2)
    height = check_float("height", height, min_value=0.0, strict_min=True)
    seed = check_int("seed", seed, min_value=0)
    rng = np.random.default_rng(seed)
    t_grid = np.linspace(*SWISS_T_RANGE, 4096)
    s_grid = _swiss_arc(t_grid)
    s = rng.uniform(s_grid[0], s_grid[-1], n)
    t = np.interp(s, s_grid, t_grid)  # invert the arc length
    h = rng.uniform(0.0, height, n)
    pos = np.stack([t * np.cos(t), h, t * np.sin(t)], axis=1)
    uv = np.stack([s, h], axis=1)
    return torch.tensor(pos, dtype=torch.float32), torch.tensor(uv, dtype=torch.float32)


def swiss_roll_unrolled(t: float, h: float) -> torch.Tensor:
    """Unrolled coordinates ``(s, h)`` of the Swiss-roll point at ``(t, h)``: (2,)."""
    t = check_float("t", t)
    h = check_float("h", h)
    return torch.tensor([float(_swiss_arc(np.array(t))), h], dtype=torch.float32)


def great_circle_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Length of the shortest path *on* a sphere centred at the origin between two of its points.

    Args:
        a: (3,) a point on the sphere.
        b: (3,) another point on the same sphere.
    """
    a = check_tensor("a", a, shape=(3,), floating=True, finite=True).double()
    b = check_tensor("b", b, shape=(3,), floating=True, finite=True).double()
    ra, rb = float(a.norm()), float(b.norm())
    if ra == 0 or abs(ra - rb) > 1e-3 * ra:
        raise ValueError(f"a and b must lie on one sphere around the origin, got radii {ra:.4g} and {rb:.4g}")
    cos = float(a @ b) / (ra * rb)
    return ra * math.acos(max(-1.0, min(1.0, cos)))


def nearest_point(pos: torch.Tensor, query: torch.Tensor) -> int:
    """Index of the point of ``pos`` (N, D) closest to ``query`` (D,)."""
    pos = check_tensor("pos", pos, ndim=2, floating=True, nonempty=True)
    query = check_tensor("query", query, shape=(pos.shape[1],), floating=True)
    return int((pos - query.to(pos.dtype)).norm(dim=1).argmin())


def graph_shortest_path(pos: torch.Tensor, edge_index: torch.Tensor, source: int, target: int) -> tuple[float, list[int]]:
    """Shortest path along the edges of a graph whose edge lengths are Euclidean (Dijkstra).

    The graph is made undirected first (a k-NN graph is not symmetric).

    Args:
        pos: (N, D) node positions.
        edge_index: (2, E) edges.
        source: start node id.
        target: end node id.

    Returns:
        ``(length, path)``: the path's length and its node ids from source to target.

    Raises:
        ValueError: when ``target`` cannot be reached from ``source``.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    pos = check_tensor("pos", pos, ndim=2, floating=True, nonempty=True, finite=True)
    n = pos.shape[0]
    edge_index = check_edge_index("edge_index", edge_index, n)
    source = check_int("source", source, min_value=0, max_value=n - 1)
    target = check_int("target", target, min_value=0, max_value=n - 1)
    pairs = torch.unique(torch.sort(edge_index.cpu(), dim=0).values, dim=1)  # (2, E'): each undirected edge once
    pairs = pairs[:, pairs[0] != pairs[1]]  # self-loops never shorten a path
    src, dst = pairs.numpy()
    w = (pos[pairs[0]] - pos[pairs[1]]).double().norm(dim=1).cpu().numpy()
    w = np.maximum(w, 1e-12)  # scipy treats explicit zeros as missing edges
    # one entry per edge: a sparse matrix would *add* duplicated entries
    graph = coo_matrix((w, (src, dst)), shape=(n, n)).tocsr()
    dist, pred = dijkstra(graph, directed=False, indices=source, return_predecessors=True)
    if not np.isfinite(dist[target]):
        raise ValueError(f"target {target} cannot be reached from source {source}: the graph is disconnected "
                         "(use a larger k)")
    path = [target]
    while path[-1] != source:
        path.append(int(pred[path[-1]]))
    return float(dist[target]), path[::-1]


@dataclass
class DistanceComparison:
    """Straight-line, graph-geodesic and analytic-geodesic distance between two points."""

    straight: float
    graph: float
    analytic: float
    path: list[int]

    def as_row(self) -> dict[str, float]:
        """The three distances and two ratios, for a table."""
        return {"straight line": self.straight, "graph geodesic": self.graph, "analytic geodesic": self.analytic,
                "analytic / straight": self.analytic / self.straight,
                "graph / analytic": self.graph / self.analytic}


def compare_distances(pos: torch.Tensor, edge_index: torch.Tensor, source: int, target: int,
                      analytic: float) -> DistanceComparison:
    """Compare the straight line through space with the path along the surface.

    Args:
        pos: (N, 3) points sampled on a surface.
        edge_index: (2, E) a neighbourhood graph on them (e.g. ``knn_graph(pos, k)``).
        source: start point id.
        target: end point id.
        analytic: the true geodesic distance on the surface (e.g. great-circle).
    """
    analytic = check_float("analytic", analytic, min_value=0.0, strict_min=True)
    length, path = graph_shortest_path(pos, edge_index, source, target)
    straight = float((pos[source] - pos[target]).double().norm())
    return DistanceComparison(straight=straight, graph=length, analytic=analytic, path=path)


# --------------------------------------------------------------------------
# graphs to classify
# --------------------------------------------------------------------------
def _undirected(pairs: list[tuple[int, int]]) -> torch.Tensor:
    e = torch.tensor(pairs, dtype=torch.long).t()  # (2, m)
    return torch.cat([e, e.flip(0)], dim=1)  # (2, 2m): both directions


def make_hub_graphs(num_graphs: int = 400, num_nodes: int = 12, num_edges: int = 18, hub_degree: int = 8,
                    seed: int = 0) -> list[Data]:
    """A synthetic graph-classification set: does the graph have a hub?

    Class 0: a uniformly random graph with ``num_nodes`` nodes and exactly
    ``num_edges`` edges. Class 1: node 0 is a hub linked to ``hub_degree``
    random other nodes, and the remaining edges are random among the others,
    again exactly ``num_edges`` in all. Both classes have the same number of
    nodes and edges, so counting them says nothing about the class. The nodes
    come *in generation order*: in class 1 the hub is always node 0, an
    accident of labelling that a model of the flattened adjacency matrix can
    exploit and a permutation-invariant model cannot even see.

    Args:
        num_graphs: number of graphs (classes alternate 0, 1, 0, ...), >= 2.
        num_nodes: N per graph, >= 4.
        num_edges: edges per graph (each counted once), hub_degree < num_edges <= N(N-1)/2.
        hub_degree: neighbours of the hub in class 1, in [1, N - 1].
        seed: seed of the generator.

    Returns:
        A list of ``Data`` with ``x`` (N, 1) ones, ``edge_index`` (2, 2 * num_edges)
        both directions, ``y`` (1,) class id.
    """
    num_graphs = check_int("num_graphs", num_graphs, min_value=2)
    n = check_int("num_nodes", num_nodes, min_value=4)
    hub_degree = check_int("hub_degree", hub_degree, min_value=1, max_value=n - 1)
    m = check_int("num_edges", num_edges, min_value=hub_degree + 1, max_value=n * (n - 1) // 2)
    if m - hub_degree > (n - 1) * (n - 2) // 2:
        raise ValueError(f"num_edges={m} is too many: only {(n - 1) * (n - 2) // 2} edges fit besides the hub's")
    seed = check_int("seed", seed, min_value=0)
    rng = np.random.default_rng(seed)
    all_pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    rest_pairs = [(i, j) for (i, j) in all_pairs if i > 0]
    graphs = []
    for g in range(num_graphs):
        label = g % 2
        if label == 0:
            pairs = [all_pairs[p] for p in rng.choice(len(all_pairs), m, replace=False)]
        else:
            hub = [(0, int(j)) for j in 1 + rng.choice(n - 1, hub_degree, replace=False)]
            pairs = hub + [rest_pairs[p] for p in rng.choice(len(rest_pairs), m - hub_degree, replace=False)]
        graphs.append(Data(x=torch.ones(n, 1), edge_index=_undirected(pairs), y=torch.tensor([label]), num_nodes=n))
    return graphs


def relabel_graphs(graphs: list[Data], seed: int = 0) -> list[Data]:
    """The same graphs with their nodes renumbered by a random permutation each.

    Relabelling changes nothing about a graph, only the order in which its
    nodes are written down.

    Args:
        graphs: a list of ``Data`` with ``x`` (N, F) and ``edge_index`` (2, E).
        seed: seed of the permutations.

    Returns:
        New ``Data`` objects; ``y`` is kept.
    """
    if not isinstance(graphs, (list, tuple)) or not graphs or not all(isinstance(d, Data) for d in graphs):
        raise TypeError("graphs must be a non-empty list of torch_geometric Data objects")
    seed = check_int("seed", seed, min_value=0)
    g = torch.Generator().manual_seed(seed)
    out = []
    for d in graphs:
        perm = torch.randperm(d.num_nodes, generator=g)
        x, edge_index = permute_graph(d.x, d.edge_index, perm)
        out.append(Data(x=x, edge_index=edge_index, y=d.y, num_nodes=d.num_nodes))
    return out
