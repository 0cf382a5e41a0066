"""What a model is given at each vertex: intrinsic descriptors (HKS, a landmark distance) or coordinates.

* The **heat kernel signature** (Sun, Ovsjanikov & Guibas 2009,
  https://doi.org/10.1111/j.1467-8659.2009.01515.x) is the heat that stays at
  a vertex after time ``t`` when a unit of heat starts there:

  .. math:: \\mathrm{HKS}(x, t) = k_t(x, x) = \\sum_i e^{-\\lambda_i t} \\phi_i(x)^2 .

  Small ``t`` sees the local curvature, large ``t`` the whole shape. It is
  built from the Laplacian's eigenpairs only, so it depends on lengths and
  angles measured along the surface: it does not change when the surface is
  turned, and barely when it bends without stretching (a new pose).
* The **geodesic distance to a landmark** is intrinsic too, but a landmark on
  one side breaks the left/right symmetry that no intrinsic descriptor can.
* **Coordinates** ``xyz`` are extrinsic: turn the animal and every one changes.
  :func:`pca_frame` is the practitioner's fix, a canonical frame from the
  principal axes.
"""
from __future__ import annotations

import math

import torch

from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.geometry.geodesics import HeatMethod

__all__ = ["heat_kernel_signature", "hks_times", "hks_features", "landmark_distance", "centered_xyz", "pca_frame"]


def heat_kernel_signature(evals: torch.Tensor, evecs: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
    """The heat kernel signature at every vertex and time: ``sum_i exp(-lambda_i t) phi_i(x)^2``.

    Args:
        evals: (k,) Laplacian eigenvalues.
        evecs: (N, k) M-orthonormal eigenvectors.
        times: (T,) diffusion times.

    Returns:
        (N, T) HKS values.
    """
    check_tensor("evals", evals, ndim=1, floating=True, nonempty=True)
    check_tensor("evecs", evecs, shape=(None, evals.shape[0]), floating=True)
    times = check_tensor("times", times, ndim=1, floating=True, nonempty=True)
    decay = torch.exp(-evals[:, None] * times[None, :].to(evals.dtype))  # (k, T)
    return (evecs ** 2) @ decay


def hks_times(evals: torch.Tensor, num_times: int = 16) -> torch.Tensor:
    """Log-spaced times from ``4 ln 10 / lambda_max`` to ``2 / lambda_1``.

    The shortest is Sun et al.'s: the truncated basis can still resolve it. The
    longest stops where heat has spread almost evenly (Sun et al. go on to
    ``4 ln 10 / lambda_1``, where the signature is nearly the same at every
    vertex and its tiny differences depend more on the mesh than on the shape).

    Args:
        evals: (k,) ascending eigenvalues, the first ~0.
        num_times: T.

    Returns:
        (T,) times.
    """
    evals = check_tensor("evals", evals, ndim=1, floating=True)
    num_times = check_int("num_times", num_times, min_value=1)
    if evals.shape[0] < 2 or float(evals[1]) <= 0:
        raise ValueError("evals must hold at least two eigenvalues, the second one positive")
    lo, hi = 4 * math.log(10) / float(evals[-1]), 2.0 / float(evals[1])
    return torch.logspace(math.log10(lo), math.log10(hi), num_times, dtype=evals.dtype)


def hks_features(evals: torch.Tensor, evecs: torch.Tensor, mass: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
    """Model input from the HKS: ``log(HKS * area)``.

    Heat spreads over the whole surface in the end, so ``HKS -> 1 / area`` for
    large ``t``; multiplying by the area makes the values dimensionless (1 is
    "as much heat as an even spread") and the log spreads them out.

    Args:
        evals: (k,); evecs: (N, k); mass: (N,) vertex areas; times: (T,).

    Returns:
        (N, T) float32 features.
    """
    check_tensor("mass", mass, shape=(evecs.shape[0],), floating=True)
    return torch.log(heat_kernel_signature(evals, evecs, times) * mass.sum()).float()


def landmark_distance(pos: torch.Tensor, face: torch.Tensor, landmark: int) -> torch.Tensor:
    """Geodesic distance from one landmark vertex (heat method, ``t = 10 h^2``) as a model input.

    Args:
        pos: (N, 3) vertex positions; face: (3, F) triangles; landmark: the vertex id.

    Returns:
        (N, 1) float32 distances.
    """
    return HeatMethod(pos, face, time_factor=10.0)(landmark).float()[:, None]


def centered_xyz(pos: torch.Tensor, mass: torch.Tensor) -> torch.Tensor:
    """Coordinates minus the area-weighted centroid: translation removed, rotation not.

    Args:
        pos: (N, 3) positions; mass: (N,) vertex areas (the weights).

    Returns:
        (N, 3) float32 coordinates.
    """
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
    mass = check_tensor("mass", mass, shape=(pos.shape[0],), floating=True)
    w = (mass / mass.sum()).to(pos.dtype)
    return (pos - (w[:, None] * pos).sum(dim=0)).float()


def pca_frame(pos: torch.Tensor, mass: torch.Tensor) -> torch.Tensor:
    """Coordinates in a canonical frame: centred, turned onto the principal axes, signs fixed by skewness.

    The practitioner's way to make an xyz model see every rotated copy the
    same way. The first two axes (longest first) point where the third moment
    is positive; the third is their cross product, so the frame is a proper
    rotation (a reflection would swap left and right). It fails where the
    shape's principal axes or skewness are ambiguous.

    Args:
        pos: (N, 3) positions; mass: (N,) vertex areas.

    Returns:
        (N, 3) float32 coordinates in the canonical frame.
    """
    x = centered_xyz(pos, mass).double()
    w = (mass / mass.sum()).double()
    cov = (w[:, None] * x).T @ x
    _, vecs = torch.linalg.eigh(cov)            # ascending variance
    axes = vecs[:, [2, 1]].T                    # (2, 3): the two longest axes
    skew = ((x @ axes.T) ** 3 * w[:, None]).sum(dim=0)
    axes = axes * torch.where(skew < 0, -1.0, 1.0).double()[:, None]
    frame = torch.cat([axes, torch.linalg.cross(axes[0], axes[1])[None]])
    return (x @ frame.T).float()
