"""Tests for gdl_teach.geometry.heat: implicit Euler vs the eigenbasis vs the analytic decay on a sphere."""
from __future__ import annotations

import math

import pytest
import torch

from gdl_teach.geometry import heat, laplacian, mesh


@pytest.fixture(scope="module")
def sphere() -> dict:
    pos, face = mesh.icosphere(3)
    evals, evecs, mass = laplacian.laplacian_eigenbasis(pos, face, num_eigs=25)
    return {"pos": pos, "face": face, "L": laplacian.cotangent_laplacian(pos, face),
            "M": laplacian.mass_matrix(pos, face), "evals": evals, "evecs": evecs, "mass": mass}


def test_heat_on_a_sphere_decays_like_exp_minus_2t(sphere: dict) -> None:
    """z is an l = 1 eigenfunction of the unit sphere: it decays as exp(-2 t)."""
    u0, t = sphere["pos"][:, 2].clone(), 0.3
    exact = math.exp(-2 * t) * u0
    spectral = heat.heat_spectral(sphere["evals"], sphere["evecs"], sphere["mass"], u0, t)
    assert torch.allclose(spectral, exact, atol=5e-3)
    one_step = heat.heat_implicit_euler(sphere["L"], sphere["M"], u0, t)
    many = heat.heat_implicit_euler(sphere["L"], sphere["M"], u0, t, num_steps=200)
    assert torch.allclose(one_step, u0 / (1 + 2 * t), atol=5e-3), "one backward step: 1 / (1 + lambda t)"
    assert torch.allclose(many, exact, atol=5e-3)


def test_heat_is_conserved_and_spreads(sphere: dict) -> None:
    n = sphere["pos"].shape[0]
    u0 = torch.zeros(n, 2, dtype=torch.float64)
    u0[0, 0], u0[5, 1] = 1.0 / float(sphere["mass"][0]), 1.0 / float(sphere["mass"][5])
    mass = torch.from_numpy(sphere["M"].diagonal())
    u = heat.heat_implicit_euler(sphere["L"], sphere["M"], u0, 0.1, num_steps=3)
    assert torch.allclose((mass[:, None] * u).sum(dim=0), torch.ones(2, dtype=u.dtype))
    assert float(u[:, 0].max()) < float(u0[:, 0].max())


def test_heat_kernel_is_symmetric_and_integrates_to_one(sphere: dict) -> None:
    t = 0.2
    k0 = heat.heat_kernel(sphere["evals"], sphere["evecs"], t, source=0)
    k9 = heat.heat_kernel(sphere["evals"], sphere["evecs"], t, source=9)
    assert float(k0[9]) == pytest.approx(float(k9[0]))
    assert float((k0 * sphere["mass"]).sum()) == pytest.approx(1.0, abs=1e-6)


def test_errors_name_the_argument(sphere: dict) -> None:
    with pytest.raises(ValueError, match="u0 must have shape"):
        heat.heat_implicit_euler(sphere["L"], sphere["M"], torch.zeros(3, dtype=torch.float64), 0.1)
    with pytest.raises(ValueError, match="t must be >= 0"):
        heat.heat_spectral(sphere["evals"], sphere["evecs"], sphere["mass"], sphere["pos"][:, 0], -1.0)
    with pytest.raises(TypeError, match="SciPy sparse"):
        heat.heat_implicit_euler(sphere["L"].toarray(), sphere["M"], sphere["pos"][:, 0], 0.1)
    with pytest.raises(ValueError, match="t must be > 0"):
        heat.heat_kernel(sphere["evals"], sphere["evecs"], 0.0, source=0)
