"""Tests for gdl_teach.meshes.shape: the generated animal, its labels, skinning and re-meshing."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.geometry import mesh
from gdl_teach.meshes import shape


def test_the_animal_is_a_closed_genus_zero_surface(animal: shape.Quadruped) -> None:
    assert mesh.is_watertight(animal.face)
    assert mesh.euler_characteristic(animal.face, animal.num_nodes) == 2
    volume = torch.einsum("ij,ij->i", animal.pos[animal.face[0]],
                          torch.linalg.cross(animal.pos[animal.face[1]], animal.pos[animal.face[2]])).sum() / 6
    assert float(volume) > 0, "normals point out"


def test_parts_and_skinning_weights(animal: shape.Quadruped) -> None:
    counts = torch.bincount(animal.part, minlength=len(shape.PART_NAMES))
    assert bool((counts > 20).all()), counts
    legs = animal.part >= 3
    assert float(animal.pos[legs, 2].mean()) < float(animal.pos[~legs, 2].mean()), "legs are below the body"
    assert float(animal.pos[animal.part == 1, 0].mean()) > 0.6 > -0.6 > float(animal.pos[animal.part == 2, 0].mean())
    assert torch.allclose(animal.weights.sum(dim=1), torch.ones(animal.num_nodes), atol=1e-5)
    assert bool((animal.weights >= 0).all())


def test_every_pose_keeps_the_vertices_and_rest_is_identity(animal: shape.Quadruped) -> None:
    assert torch.allclose(animal.pose(shape.rest_pose()), animal.pos, atol=1e-6)
    poses = shape.random_poses(3, seed=4)
    assert poses.shape == (3, 7, 3)
    assert bool((poses.abs() <= torch.tensor(shape.POSE_RANGE, dtype=torch.float32)).all())
    for angles in poses:
        posed = animal.pose(angles)
        assert posed.shape == animal.pos.shape and not torch.allclose(posed, animal.pos)
        body = animal.weights[:, 0] > 0.999
        assert torch.allclose(posed[body], animal.pos[body], atol=2e-3), "the body does not move"


def test_skinning_is_nearly_isometric(animal: shape.Quadruped) -> None:
    edges = mesh.mesh_edges(animal.face)
    rest = mesh.edge_lengths(animal.pos, edges)
    for angles in shape.random_poses(3, seed=5):
        change = (mesh.edge_lengths(animal.pose(angles), edges) / rest - 1).abs()
        assert float(change.median()) < 0.015 and float(change.quantile(0.95)) < 0.08, change.quantile(0.95)


def test_the_template_is_mirror_symmetric(animal: shape.Quadruped) -> None:
    mirror = shape.mirror_vertex(animal)
    assert torch.allclose(animal.pos[mirror] * torch.tensor([1.0, -1.0, 1.0]), animal.pos, atol=1e-5)
    assert torch.equal(animal.part[mirror], animal.part)


def test_remeshing_gives_other_triangles_of_the_same_surface(animal: shape.Quadruped) -> None:
    other = shape.make_quadruped(0.07, grid_seed=3)
    assert other.num_nodes != animal.num_nodes and mesh.is_watertight(other.face)
    nearest = torch.cdist(other.pos, animal.pos).min(dim=1).values
    assert float(nearest.max()) < 0.1, "both meshes lie on the same surface"
    part = shape.transfer_labels(animal, other, animal.part)
    assert float((part == other.part).float().mean()) > 0.9


def test_correspondence_regions_come_in_mirror_pairs(animal: shape.Quadruped) -> None:
    region, centers, mirror = shape.correspondence_regions(animal, 20)
    assert region.shape == (animal.num_nodes,) and int(region.min()) == 0
    assert torch.equal(torch.unique(region), torch.arange(centers.numel())), "no empty patch"
    assert torch.equal(mirror[mirror], torch.arange(centers.numel())), "the mirror of the mirror is the patch"
    assert torch.equal(region[centers], torch.arange(centers.numel()))
    assert int((mirror != torch.arange(centers.numel())).sum()) >= centers.numel() // 2


def test_landmarks_and_the_marching_sphere(animal: shape.Quadruped) -> None:
    marks = shape.landmarks(animal)
    assert set(marks) >= {"nose", "tail tip", "front left paw", "hind right paw"}
    assert float(animal.pos[marks["front left paw"], 1]) > 0 > float(animal.pos[marks["front right paw"], 1])
    pos, face = shape.marching_sphere(0.1)
    assert mesh.is_watertight(face) and torch.allclose(pos.norm(dim=1), torch.ones(pos.shape[0], dtype=pos.dtype),
                                                         atol=0.02)


def test_errors_name_the_argument(animal: shape.Quadruped) -> None:
    with pytest.raises(ValueError, match="grid_spacing must be <= 0.1"):
        shape.make_quadruped(0.5)
    with pytest.raises(ValueError, match="angles must have shape"):
        animal.pose(torch.zeros(6, 3))
    with pytest.raises(ValueError, match="scale must be <= 1.5"):
        shape.random_poses(2, scale=3.0)
    with pytest.raises(ValueError, match="bone must be >= 3"):
        shape.paw_vertex(animal, 1)
