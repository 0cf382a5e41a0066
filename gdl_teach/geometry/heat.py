"""Heat diffusion on a surface: by implicit Euler steps, in the Laplacian eigenbasis, and the heat kernel.

The heat equation ``du/dt = -Delta u`` spreads a function over the surface.
With the cotangent Laplacian ``L`` (stiffness) and lumped mass ``M`` of
:mod:`~gdl_teach.geometry.laplacian` it reads ``M du/dt = -L u``. Two ways to
solve it:

* **implicit (backward) Euler**: ``(M + tau L) u_{k+1} = M u_k``, one sparse
  linear solve per step of length ``tau``; stable for any ``tau``, and with a
  single big step it is the first step of the heat method for geodesics;
* **the eigenbasis**: with ``L phi_i = lambda_i M phi_i``,
  ``u_t = sum_i exp(-lambda_i t) <phi_i, u_0>_M phi_i``: each frequency decays
  at its own rate, high ones first. Diffusion is a low-pass filter.

The *heat kernel* ``k_t(x, y) = sum_i exp(-lambda_i t) phi_i(x) phi_i(y)`` is
the heat at ``y`` after time ``t`` from a unit of heat at ``x``.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla
import torch

from gdl_teach.core.validate import check_float, check_int, check_tensor

__all__ = ["heat_implicit_euler", "heat_spectral", "heat_kernel"]


def _check_spectral(evals: torch.Tensor, evecs: torch.Tensor) -> None:
    check_tensor("evals", evals, ndim=1, floating=True, nonempty=True)
    check_tensor("evecs", evecs, shape=(None, evals.shape[0]), floating=True)


def heat_implicit_euler(laplacian: sp.spmatrix, mass: sp.spmatrix, u0: torch.Tensor, t: float,
                        num_steps: int = 1) -> torch.Tensor:
    """Diffuse ``u0`` for time ``t`` with ``num_steps`` backward-Euler steps ``(M + tau L) u' = M u``.

    Args:
        laplacian: (N, N) cotangent Laplacian (stiffness), SciPy sparse.
        mass: (N, N) mass matrix, SciPy sparse.
        u0: (N,) or (N, C) initial heat.
        t: total time >= 0.
        num_steps: number of equal steps ``tau = t / num_steps``; one factorisation serves them all.

    Returns:
        u_t: same shape as ``u0``, float64.
    """
    if not sp.issparse(laplacian) or not sp.issparse(mass):
        raise TypeError("laplacian and mass must be SciPy sparse matrices (from geometry.laplacian)")
    n = laplacian.shape[0]
    u0 = check_tensor("u0", u0, floating=True, finite=True)
    if u0.dim() not in (1, 2) or u0.shape[0] != n:
        raise ValueError(f"u0 must have shape ({n},) or ({n}, C) to match the Laplacian, got {tuple(u0.shape)}")
    t = check_float("t", t, min_value=0.0)
    num_steps = check_int("num_steps", num_steps, min_value=1)
    solve = sla.factorized((mass + (t / num_steps) * laplacian).tocsc())
    u = u0.detach().cpu().double().numpy()
    for _ in range(num_steps):
        rhs = mass @ u
        u = solve(rhs) if u.ndim == 1 else np.stack([solve(rhs[:, c]) for c in range(u.shape[1])], 1)
    return torch.from_numpy(u)


def heat_spectral(evals: torch.Tensor, evecs: torch.Tensor, mass: torch.Tensor, u0: torch.Tensor,
                  t: float) -> torch.Tensor:
    """Diffuse ``u0`` for time ``t`` in the eigenbasis: ``Phi diag(exp(-lambda t)) Phi^T M u0``.

    Exact for the part of ``u0`` the ``k`` eigenvectors can represent; the
    rest is dropped (it would decay fastest anyway).

    Args:
        evals: (k,) eigenvalues; evecs: (N, k) M-orthonormal eigenvectors;
        mass: (N,) lumped vertex areas.
        u0: (N,) or (N, C) initial heat.
        t: time >= 0.

    Returns:
        u_t: same shape as ``u0``.
    """
    _check_spectral(evals, evecs)
    check_tensor("mass", mass, shape=(evecs.shape[0],), floating=True)
    u0 = check_tensor("u0", u0, floating=True)
    if u0.dim() not in (1, 2) or u0.shape[0] != evecs.shape[0]:
        raise ValueError(f"u0 must have shape ({evecs.shape[0]},) or ({evecs.shape[0]}, C), got {tuple(u0.shape)}")
    t = check_float("t", t, min_value=0.0)
    squeeze = u0.dim() == 1
    u = u0.to(evecs.dtype).reshape(u0.shape[0], -1)
    coeffs = evecs.T @ (mass.to(evecs.dtype)[:, None] * u)  # (k, C): <phi_i, u>_M
    out = evecs @ (torch.exp(-evals * t)[:, None] * coeffs)
    return out.squeeze(1) if squeeze else out


def heat_kernel(evals: torch.Tensor, evecs: torch.Tensor, t: float, source: int) -> torch.Tensor:
    """The heat kernel ``k_t(source, y)`` for every vertex ``y``: heat from a unit point source.

    Args:
        evals: (k,); evecs: (N, k) M-orthonormal.
        t: time > 0 (at ``t = 0`` the kernel is a spike the truncated basis cannot hold).
        source: vertex id.

    Returns:
        (N,) heat per unit area.
    """
    _check_spectral(evals, evecs)
    t = check_float("t", t, min_value=0.0, strict_min=True)
    source = check_int("source", source, min_value=0, max_value=evecs.shape[0] - 1)
    return evecs @ (torch.exp(-evals * t) * evecs[source])
