"""Tests for gdl_teach.meshes.measurements: geodesic errors, paw distances, repeated averaging."""
from __future__ import annotations

import numpy as np
import torch

from gdl_teach.core.symmetry import check_invariance
from gdl_teach.data.karate import load_karate_club
from gdl_teach.geometry import geodesics, mesh
from gdl_teach.meshes import measurements, shape


def test_geodesic_errors_on_a_sphere() -> None:
    pos, face = mesh.icosphere(3)
    exact = geodesics.sphere_geodesic_distances(pos, 0)
    errors = measurements.geodesic_errors(pos, face, 0, exact, time_factors=(0.1, 1.0))
    assert list(errors.index) == ["straight line", "Dijkstra on edges", "heat method, t = 0.1 h^2",
                                  "heat method, t = 1 h^2"]
    assert errors["heat method, t = 1 h^2"] < errors["Dijkstra on edges"] < errors["straight line"]


def test_paws_stay_apart_along_the_surface(animal: shape.Quadruped) -> None:
    table = measurements.paw_distances(animal, num_poses=2)
    assert list(table.index) == ["rest", "pose 1", "pose 2"]
    change = table.filter(like="change").iloc[1:].abs().mean()
    assert change.iloc[1] < change.iloc[0] and change.iloc[1] < 0.05


def test_pose_transform_plugs_into_the_checker(animal: shape.Quadruped) -> None:
    same_faces = lambda pos: mesh.face_areas(pos, animal.face).sum()[None]  # noqa: E731
    report = check_invariance(same_faces, (animal.pos,), measurements.pose_transform(animal), trials=2, atol=0.2)
    assert report.passed and report.max_error > 0


def test_repeated_averaging_converges_to_sqrt_degree() -> None:
    club = load_karate_club()
    run = measurements.repeated_averaging(club.edge_index, club.num_nodes, steps=range(0, 61, 10))
    assert run["steps"][0] == 0 and all(a > b for a, b in zip(run["residual"], run["residual"][1:]))
    assert run["residual"][-1] < 1e-2 and run["eigenvalues"][0] == np.float64(run["eigenvalues"].max())
    deg = torch.bincount(club.edge_index[0]).numpy() + 1
    assert np.allclose(np.abs(run["top"]), np.sqrt(deg) / np.linalg.norm(np.sqrt(deg)), atol=1e-8)
