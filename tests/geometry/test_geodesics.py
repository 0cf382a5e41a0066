"""Tests for gdl_teach.geometry.geodesics: Dijkstra, the heat method (Crane et al. 2013) and exact distances."""
from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from gdl_teach.geometry import geodesics, laplacian, mesh


@pytest.fixture(scope="module")
def sphere() -> tuple[torch.Tensor, torch.Tensor]:
    return mesh.icosphere(4)


def _error(d: torch.Tensor, exact: torch.Tensor) -> float:
    far = exact > 0.2
    return float(((d - exact).abs()[far] / exact[far]).mean())


def test_heat_method_matches_great_circles(sphere: tuple) -> None:
    pos, face = sphere
    exact = geodesics.sphere_geodesic_distances(pos, 0)
    d = geodesics.heat_method_distances(pos, face, 0)
    assert float(d[0]) == 0.0
    assert _error(d, exact) < 0.02
    assert float(exact.max()) == pytest.approx(math.pi, rel=1e-6), "the antipode is pi R away"


def test_time_step_pitfall() -> None:
    """Too short a step is noisy everywhere; too long a step bends the distances near a boundary."""
    pos, face = mesh.grid_mesh(31, 31, 1 / 30)
    source = 15 * 31 + 9
    exact = (pos - pos[source]).norm(dim=1)
    err = {c: _error(geodesics.heat_method_distances(pos, face, source, time_factor=c), exact)
           for c in (0.1, 1.0, 100.0)}
    assert err[0.1] > 3 * err[1.0] and err[100.0] > 3 * err[1.0]


def test_dijkstra_overestimates_on_a_flat_grid() -> None:
    pos, face = mesh.grid_mesh(21, 21, 0.05)
    exact = (pos - pos[0]).norm(dim=1)
    d = geodesics.dijkstra_distances(pos, face, 0)
    assert bool((d >= exact - 1e-12).all()) and _error(d, exact) > 0.02


def test_gradient_operator_builds_the_laplacian_and_is_exact_on_linear_functions(sphere: tuple) -> None:
    pos, face = mesh.icosphere(2)
    grad = geodesics.gradient_operator(pos, face)
    area = mesh.face_areas(pos, face).numpy()
    assert abs(grad.T @ sp.diags(np.repeat(area, 3)) @ grad - laplacian.cotangent_laplacian(pos, face)).max() < 1e-12
    flat, flat_face = mesh.grid_mesh(4, 4)
    g = (grad_flat := geodesics.gradient_operator(flat, flat_face)) @ (2 * flat[:, 0] - flat[:, 1]).numpy()
    assert grad_flat.shape == (3 * flat_face.shape[1], 16)
    assert np.allclose(g.reshape(-1, 3), [2.0, -1.0, 0.0])


def test_heat_method_factorises_once_and_takes_several_sources(sphere: tuple) -> None:
    pos, face = sphere
    method = geodesics.HeatMethod(pos, face, time_factor=1.0)
    assert method.t == pytest.approx(method.h ** 2)
    both = method([0, 100])
    nearest = torch.minimum(method(0), method(100))
    assert abs(float(both[0])) < 1e-3 and abs(float(both[100])) < 1e-3
    assert float((both - nearest).abs().mean()) < 0.05, "distance to the nearer of the two sources"


def test_errors_name_the_argument(sphere: tuple) -> None:
    pos, face = sphere
    with pytest.raises(ValueError, match="source must be <="):
        geodesics.dijkstra_distances(pos, face, pos.shape[0])
    with pytest.raises(ValueError, match="time_factor must be > 0"):
        geodesics.HeatMethod(pos, face, time_factor=0.0)
    with pytest.raises(ValueError, match="source must be a vertex id or a non-empty list"):
        geodesics.heat_method_distances(pos, face, [])
