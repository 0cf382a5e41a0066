"""Tests for gdl_teach.geometry.laplacian: cotangent Laplacian, mass matrix, eigenbasis, graph averaging."""
from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse.linalg as sla
import torch

from gdl_teach.geometry import laplacian, mesh


def test_cotangents_of_known_triangles() -> None:
    equilateral = torch.tensor([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, math.sqrt(3) / 2, 0.0]])
    cot = laplacian.corner_cotangents(equilateral, torch.tensor([[0], [1], [2]]))
    assert torch.allclose(cot, torch.full((1, 3), 1 / math.sqrt(3), dtype=cot.dtype), atol=1e-6)
    obtuse = torch.tensor([[0.0, 0.0, 0.0], [2.0, 0.0, 0.0], [1.0, 0.3, 0.0]])
    assert float(laplacian.corner_cotangents(obtuse, torch.tensor([[0], [1], [2]]))[0, 2]) < 0


def test_flat_grid_matches_the_analytic_laplacian() -> None:
    """On a grid of right triangles the diagonal edges get weight cot(90) = 0 and the axis edges 1: the 5-point stencil."""
    h = 0.1
    pos, face = mesh.grid_mesh(9, 8, spacing=h)
    stiffness, mass = laplacian.cotangent_laplacian(pos, face), laplacian.mass_matrix(pos, face)
    x, y = pos[:, 0].numpy(), pos[:, 1].numpy()
    interior = (x > h / 2) & (x < 8 * h - h / 2) & (y > h / 2) & (y < 7 * h - h / 2)
    dense = stiffness.toarray()
    i = int(np.flatnonzero(interior)[0])
    assert dense[i, i] == pytest.approx(4.0) and sorted(dense[i][dense[i] != 0])[:4] == pytest.approx([-1.0] * 4)
    assert mass.diagonal()[interior] == pytest.approx(np.full(interior.sum(), h * h))
    u = x ** 2 + y ** 2  # Laplacian 4 everywhere, so -M^-1 L u = 4 at interior vertices
    assert (-(stiffness @ u) / mass.diagonal())[interior] == pytest.approx(np.full(interior.sum(), 4.0))


def test_constants_in_the_kernel_symmetric_positive_semidefinite() -> None:
    pos, face = mesh.icosphere(2)
    pos = pos * torch.tensor([1.5, 1.0, 0.6], dtype=pos.dtype)
    stiffness = laplacian.cotangent_laplacian(pos, face)
    assert np.abs(stiffness @ np.ones(pos.shape[0])).max() < 1e-12
    assert abs(stiffness - stiffness.T).max() < 1e-14
    assert np.linalg.eigvalsh(stiffness.toarray()).min() > -1e-10
    assert laplacian.mass_matrix(pos, face).diagonal().sum() == pytest.approx(float(mesh.face_areas(pos, face).sum()))


def test_sphere_eigenvalues_are_l_l_plus_1_over_r_squared() -> None:
    radius = 2.0
    pos, face = mesh.icosphere(4, radius=radius)
    evals, evecs, mass = laplacian.laplacian_eigenbasis(pos, face, num_eigs=16)
    exact = torch.tensor([deg * (deg + 1) / radius ** 2 for deg in range(4) for _ in range(2 * deg + 1)], dtype=evals.dtype)
    assert abs(float(evals[0])) < 1e-8
    assert torch.allclose(evals[1:], exact[1:], rtol=0.01)
    gram = evecs.T @ (mass[:, None] * evecs)
    assert torch.allclose(gram, torch.eye(16, dtype=gram.dtype), atol=1e-8), "M-orthonormal"
    assert bool((evals[1:] >= evals[:-1]).all())
    peaks = evecs[evecs.abs().argmax(dim=0), torch.arange(16)]
    assert bool((peaks > 0).all()), "each eigenvector is signed by its largest entry"


def test_eigenbasis_rejects_too_many_eigenpairs() -> None:
    pos, face = mesh.icosphere(0)
    with pytest.raises(ValueError, match="num_eigs must be <= 11"):
        laplacian.laplacian_eigenbasis(pos, face, num_eigs=12)


def test_normalized_adjacency_top_eigenvector_is_sqrt_degree() -> None:
    pos, face = mesh.grid_mesh(6, 5)
    edge_index = mesh.face_to_edge_index(face)
    adj = laplacian.normalized_adjacency(edge_index, pos.shape[0])
    assert abs(adj - adj.T).max() < 1e-15
    deg = np.bincount(edge_index[0].numpy()) + 1
    top = np.sqrt(deg) / np.linalg.norm(np.sqrt(deg))
    assert np.allclose(adj @ top, top)
    mu = sla.eigsh(adj, k=3, which="LA")[0]
    assert mu.max() == pytest.approx(1.0) and np.sort(mu)[-2] < 1 - 1e-3
    doubled = laplacian.normalized_adjacency(torch.cat([edge_index, edge_index], dim=1), pos.shape[0])
    assert abs(doubled - adj).max() == 0, "a repeated edge counts once"
