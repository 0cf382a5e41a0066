"""Triangle meshes as tensors: areas, normals, edges, and the mesh as a PyG graph.

A mesh is two tensors, in PyG's convention (``torch_geometric.data.Data.pos``
and ``.face``):

* ``pos``: (N, 3) vertex positions;
* ``face``: (3, F) vertex ids of each triangle, counter-clockwise seen from
  outside, so the normal ``(b - a) x (c - a)`` points out.

Everything here is plain vector algebra; the operators built on it (the
cotangent Laplacian, heat diffusion, geodesics) live in
:mod:`~gdl_teach.geometry.laplacian`, :mod:`~gdl_teach.geometry.heat` and
:mod:`~gdl_teach.geometry.geodesics`.
"""
from __future__ import annotations

import math

import torch

from gdl_teach.core.validate import check_float, check_int, check_tensor

__all__ = ["check_mesh", "face_areas", "face_normals", "vertex_normals", "mesh_edges", "face_to_edge_index",
           "edge_lengths", "mean_edge_length", "is_watertight", "euler_characteristic", "icosphere", "grid_mesh"]


def check_mesh(pos: torch.Tensor, face: torch.Tensor, pos_name: str = "pos",
               face_name: str = "face") -> tuple[torch.Tensor, torch.Tensor]:
    """Check a mesh and return it: ``pos`` (N, 3) finite floats, ``face`` (3, F) ids in ``[0, N)``.

    Args:
        pos: (N, 3) vertex positions; face: (3, F) triangles.
        pos_name, face_name: the names the errors use.

    Raises:
        TypeError, ValueError: naming the argument, when the mesh is malformed
            (e.g. ``face`` given as (F, 3), the trimesh convention: transpose it).
    """
    pos = check_tensor(pos_name, pos, shape=(None, 3), floating=True, nonempty=True, finite=True)
    face = check_tensor(face_name, face, ndim=2, integer=True)
    if face.shape[0] != 3:
        hint = " (looks like (F, 3): pass face.t())" if face.shape[1] == 3 else ""
        raise ValueError(f"{face_name} must have shape (3, F) as in PyG, got {tuple(face.shape)}{hint}")
    if face.shape[1] == 0:
        raise ValueError(f"{face_name} must hold at least one triangle")
    if int(face.min()) < 0 or int(face.max()) >= pos.shape[0]:
        raise ValueError(f"{face_name} refers to vertices outside [0, {pos.shape[0] - 1}] "
                         f"(min {int(face.min())}, max {int(face.max())})")
    return pos, face


def _corners(pos: torch.Tensor, face: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return pos[face[0]], pos[face[1]], pos[face[2]]


def face_normals(pos: torch.Tensor, face: torch.Tensor, normalize: bool = True) -> torch.Tensor:
    """Normal of each triangle, ``(b - a) x (c - a)``; its length is twice the area.

    Args:
        pos: (N, 3) vertex positions.
        face: (3, F) counter-clockwise triangles.
        normalize: return unit normals (default) or the raw cross products.

    Returns:
        (F, 3) normals.
    """
    check_mesh(pos, face)
    a, b, c = _corners(pos, face)
    n = torch.linalg.cross(b - a, c - a, dim=1)
    return n / n.norm(dim=1, keepdim=True).clamp_min(1e-30) if normalize else n


def face_areas(pos: torch.Tensor, face: torch.Tensor) -> torch.Tensor:
    """Area of each triangle: half the length of the cross product of two edges.

    Args:
        pos: (N, 3); face: (3, F).

    Returns:
        (F,) areas.
    """
    return 0.5 * face_normals(pos, face, normalize=False).norm(dim=1)


def vertex_normals(pos: torch.Tensor, face: torch.Tensor) -> torch.Tensor:
    """Unit normal at each vertex: the area-weighted mean of its faces' normals.

    Args:
        pos: (N, 3); face: (3, F).

    Returns:
        (N, 3) unit normals.
    """
    n = face_normals(pos, face, normalize=False)  # length 2 * area: the weighting comes for free
    out = torch.zeros_like(pos)
    for k in range(3):
        out.index_add_(0, face[k], n)
    return out / out.norm(dim=1, keepdim=True).clamp_min(1e-30)


def mesh_edges(face: torch.Tensor) -> torch.Tensor:
    """The undirected edges of a triangle mesh, each once, as ``(i, j)`` with ``i < j``.

    Args:
        face: (3, F) triangles.

    Returns:
        (2, E) edges, sorted lexicographically.
    """
    face = check_tensor("face", face, shape=(3, None), integer=True)
    e = torch.cat([face[[0, 1]], face[[1, 2]], face[[2, 0]]], dim=1)
    e = torch.sort(e, dim=0).values
    return torch.unique(e, dim=1)


def face_to_edge_index(face: torch.Tensor, num_nodes: int | None = None) -> torch.Tensor:
    """The mesh as a graph: both directions of every edge, as PyG's ``FaceToEdge`` transform builds it.

    Args:
        face: (3, F) triangles.
        num_nodes: number of vertices N (only checked: ids must be below it).

    Returns:
        edge_index: (2, 2E), sorted by source then target (coalesced).
    """
    e = mesh_edges(face)
    if num_nodes is not None:
        num_nodes = check_int("num_nodes", num_nodes, min_value=1)
        if e.numel() and int(e.max()) >= num_nodes:
            raise ValueError(f"face refers to vertex {int(e.max())} but num_nodes is {num_nodes}")
    both = torch.cat([e, e.flip(0)], dim=1)
    order = torch.argsort(both[0] * (int(both.max()) + 1) + both[1])
    return both[:, order]


def edge_lengths(pos: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
    """Length of each edge ``|pos[j] - pos[i]|``.

    Args:
        pos: (N, 3); edge_index: (2, E).

    Returns:
        (E,) lengths.
    """
    check_tensor("pos", pos, ndim=2, floating=True)
    check_tensor("edge_index", edge_index, shape=(2, None), integer=True)
    return (pos[edge_index[1]] - pos[edge_index[0]]).norm(dim=1)


def mean_edge_length(pos: torch.Tensor, face: torch.Tensor) -> float:
    """The mean length ``h`` of the undirected edges: the mesh's resolution.

    Args:
        pos: (N, 3); face: (3, F).
    """
    check_mesh(pos, face)
    return float(edge_lengths(pos, mesh_edges(face)).mean())


def is_watertight(face: torch.Tensor) -> bool:
    """Whether every edge is shared by exactly two triangles (a closed surface without holes or fins).

    Args:
        face: (3, F) triangles.
    """
    face = check_tensor("face", face, shape=(3, None), integer=True)
    e = torch.sort(torch.cat([face[[0, 1]], face[[1, 2]], face[[2, 0]]], dim=1), dim=0).values
    _, counts = torch.unique(e, dim=1, return_counts=True)
    return bool((counts == 2).all())


def euler_characteristic(face: torch.Tensor, num_nodes: int) -> int:
    """``V - E + F``: 2 for a closed surface of genus 0 (a sphere, an animal without handles), 1 for a disc.

    Args:
        face: (3, F) triangles; num_nodes: V.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    return num_nodes - mesh_edges(face).shape[1] + int(face.shape[1])


def icosphere(num_subdivisions: int = 3, radius: float = 1.0,
              dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
    """A sphere meshed by subdividing an icosahedron: nearly uniform, well-shaped triangles.

    Each subdivision splits every triangle into four and pushes the new
    vertices onto the sphere: ``10 * 4**s + 2`` vertices.

    Args:
        num_subdivisions: s >= 0.
        radius: sphere radius.
        dtype: floating dtype of ``pos``.

    Returns:
        ``(pos, face)``: (N, 3) and (3, F), counter-clockwise seen from outside.
    """
    num_subdivisions = check_int("num_subdivisions", num_subdivisions, min_value=0, max_value=7)
    radius = check_float("radius", radius, min_value=0.0, strict_min=True)
    g = (1 + math.sqrt(5)) / 2
    verts = [(-1, g, 0), (1, g, 0), (-1, -g, 0), (1, -g, 0), (0, -1, g), (0, 1, g), (0, -1, -g), (0, 1, -g),
             (g, 0, -1), (g, 0, 1), (-g, 0, -1), (-g, 0, 1)]
    tris = [(0, 11, 5), (0, 5, 1), (0, 1, 7), (0, 7, 10), (0, 10, 11), (1, 5, 9), (5, 11, 4), (11, 10, 2),
            (10, 7, 6), (7, 1, 8), (3, 9, 4), (3, 4, 2), (3, 2, 6), (3, 6, 8), (3, 8, 9), (4, 9, 5), (2, 4, 11),
            (6, 2, 10), (8, 6, 7), (9, 8, 1)]
    pos = torch.tensor(verts, dtype=torch.float64)
    face = torch.tensor(tris, dtype=torch.long).t()
    for _ in range(num_subdivisions):
        pos, face = _subdivide(pos, face)
    pos = pos / pos.norm(dim=1, keepdim=True) * radius
    return pos.to(dtype), face


def _subdivide(pos: torch.Tensor, face: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Split each triangle into four through its edge midpoints (shared midpoints made once)."""
    edges = mesh_edges(face)
    n = pos.shape[0]
    key = edges[0] * n + edges[1]
    mid = (pos[edges[0]] + pos[edges[1]]) / 2
    mid = mid / mid.norm(dim=1, keepdim=True)

    def midpoint(i: torch.Tensor, j: torch.Tensor) -> torch.Tensor:
        k = torch.minimum(i, j) * n + torch.maximum(i, j)
        return n + torch.searchsorted(key, k)

    a, b, c = face
    ab, bc, ca = midpoint(a, b), midpoint(b, c), midpoint(c, a)
    new_face = torch.cat([torch.stack(t) for t in ((a, ab, ca), (b, bc, ab), (c, ca, bc), (ab, bc, ca))], dim=1)
    return torch.cat([pos / pos.norm(dim=1, keepdim=True), mid]), new_face


def grid_mesh(num_x: int, num_y: int, spacing: float = 1.0,
              dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
    """A flat square grid in the plane z = 0, each square cut into two right triangles along one diagonal.

    Vertex ``(i, j)`` (``i`` along x) has id ``j * num_x + i``.

    Args:
        num_x, num_y: vertices along x and y (>= 2).
        spacing: distance between neighbouring vertices.
        dtype: floating dtype of ``pos``.

    Returns:
        ``(pos, face)``: (num_x * num_y, 3) and (3, 2 (num_x - 1)(num_y - 1)), normals along +z.
    """
    num_x = check_int("num_x", num_x, min_value=2)
    num_y = check_int("num_y", num_y, min_value=2)
    spacing = check_float("spacing", spacing, min_value=0.0, strict_min=True)
    jj, ii = torch.meshgrid(torch.arange(num_y), torch.arange(num_x), indexing="ij")
    pos = torch.stack([ii.flatten() * spacing, jj.flatten() * spacing, torch.zeros(num_x * num_y)], 1).to(dtype)
    i, j = torch.meshgrid(torch.arange(num_x - 1), torch.arange(num_y - 1), indexing="ij")
    v00 = (j * num_x + i).flatten()
    v10, v01, v11 = v00 + 1, v00 + num_x, v00 + num_x + 1
    face = torch.cat([torch.stack([v00, v10, v11]), torch.stack([v00, v11, v01])], dim=1)
    return pos, face
