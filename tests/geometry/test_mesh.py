"""Tests for gdl_teach.geometry.mesh: areas, normals, edges, the mesh as a PyG graph, test meshes."""
from __future__ import annotations

import math

import pytest
import torch
from torch_geometric.data import Data
from torch_geometric.transforms import FaceToEdge

from gdl_teach.geometry import mesh


@pytest.mark.parametrize("num_subdivisions", [0, 1, 3])
def test_icosphere_is_a_closed_outward_sphere(num_subdivisions: int) -> None:
    pos, face = mesh.icosphere(num_subdivisions, radius=2.0)
    assert pos.shape == (10 * 4 ** num_subdivisions + 2, 3)
    assert torch.allclose(pos.norm(dim=1), torch.full((pos.shape[0],), 2.0, dtype=pos.dtype))
    assert mesh.is_watertight(face) and mesh.euler_characteristic(face, pos.shape[0]) == 2
    centroids = pos[face].mean(dim=0)
    assert bool(((mesh.face_normals(pos, face) * centroids).sum(dim=1) > 0).all()), "normals must point out"
    area = float(mesh.face_areas(pos, face).sum())
    assert area < 4 * math.pi * 4 and (num_subdivisions < 3 or area > 0.99 * 4 * math.pi * 4)


def test_grid_mesh_areas_normals_and_boundary() -> None:
    pos, face = mesh.grid_mesh(5, 4, spacing=0.5)
    assert pos.shape == (20, 3) and face.shape == (3, 2 * 4 * 3)
    assert torch.allclose(mesh.face_areas(pos, face), torch.full((24,), 0.125, dtype=pos.dtype))
    assert torch.allclose(mesh.face_normals(pos, face), torch.tensor([0.0, 0.0, 1.0], dtype=pos.dtype).expand(24, 3))
    assert not mesh.is_watertight(face), "a flat grid has a boundary"
    assert mesh.euler_characteristic(face, 20) == 1, "a disc"
    assert mesh.mean_edge_length(pos, face) > 0.5


def test_face_to_edge_index_matches_pyg() -> None:
    pos, face = mesh.icosphere(2)
    ours = mesh.face_to_edge_index(face, pos.shape[0])
    theirs = FaceToEdge()(Data(pos=pos, face=face, num_nodes=pos.shape[0])).edge_index
    assert torch.equal(ours, theirs)
    edges = mesh.mesh_edges(face)
    assert edges.shape[1] * 2 == ours.shape[1] and bool((edges[0] < edges[1]).all())


def test_edge_lengths_and_vertex_normals() -> None:
    pos, face = mesh.icosphere(2)
    lengths = mesh.edge_lengths(pos, mesh.mesh_edges(face))
    assert bool((lengths > 0).all())
    normals = mesh.vertex_normals(pos, face)
    assert torch.allclose(normals.norm(dim=1), torch.ones(pos.shape[0], dtype=pos.dtype))
    assert bool(((normals * pos).sum(dim=1) > 0.99).all()), "on a sphere the vertex normal is the position"


def test_errors_name_the_argument() -> None:
    pos, face = mesh.icosphere(0)
    with pytest.raises(ValueError, match=r"face must have shape \(3, F\).*face.t\(\)"):
        mesh.face_areas(pos, face.t())
    with pytest.raises(ValueError, match="face refers to vertices outside"):
        mesh.face_areas(pos[:5], face)
    with pytest.raises(ValueError, match="pos must have shape"):
        mesh.face_areas(pos[:, :2], face)
    with pytest.raises(TypeError, match="pos must be a floating-point"):
        mesh.face_areas(pos.long(), face)
    with pytest.raises(ValueError, match="num_nodes is 3"):
        mesh.face_to_edge_index(face, 3)
    with pytest.raises(ValueError, match="num_subdivisions must be <= 7"):
        mesh.icosphere(9)
