"""Checks for lesson 07: cotangents of a triangle, one implicit heat step, the limit of repeated averaging, the HKS."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla
import torch

from gdl_teach.data.karate import load_karate_club
from gdl_teach.exercises.core import ExerciseFailed, call_answer, check_close, exercise, expect, passed
from gdl_teach.geometry.heat import heat_implicit_euler
from gdl_teach.geometry.laplacian import (
    corner_cotangents,
    cotangent_laplacian,
    laplacian_eigenbasis,
    mass_matrix,
    normalized_adjacency,
)
from gdl_teach.geometry.mesh import grid_mesh, icosphere
from gdl_teach.meshes.descriptors import heat_kernel_signature

# ----------------------------------------------------------------------------- exercise 1


def reference_triangle_cotangents(p0: torch.Tensor, p1: torch.Tensor, p2: torch.Tensor) -> torch.Tensor:
    """(3,) the cotangent of the angle at ``p0``, ``p1`` and ``p2`` of one triangle (each a (3,) point)."""
    pos = torch.stack([p0, p1, p2]).double()
    return corner_cotangents(pos, torch.tensor([[0], [1], [2]]))[0]


_TRIANGLES = [
    ("a right angle at p0", (0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 2.0, 0.0)),
    ("an equilateral triangle", (0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.5, math.sqrt(3) / 2, 0.0)),
    ("an obtuse angle at p2", (0.0, 0.0, 0.0), (2.0, 0.0, 0.0), (1.0, 0.3, 0.0)),
    ("a triangle tilted in 3D", (0.2, -0.1, 0.4), (1.3, 0.5, -0.2), (-0.4, 0.9, 1.1)),
]


def _cotangent_hint(got: torch.Tensor, want: torch.Tensor, angles: torch.Tensor) -> str:
    close = lambda a: bool(torch.allclose(got, a, atol=1e-4))
    if not bool(torch.isfinite(got).all()):
        return ("your answer is infinite at a right angle, where the cotangent is 0: cot = cos / sin, "
                "not sin / cos (the tangent).")
    if close(angles):
        return "you returned the angles themselves; the cotangent is cos / sin."
    if close(torch.cos(angles)):
        return "that is the cosine of each angle; divide by the sine (cot = cos / sin)."
    if close(torch.tan(angles)):
        return "that is the tangent (sin / cos); the cotangent is its inverse, cos / sin."
    if close(want / 2):
        return "the 1/2 belongs to the Laplacian's edge weight, (cot a + cot b) / 2, not to the cotangent."
    if close(want.abs()) and bool((want < 0).any()):
        return "an obtuse angle has a negative cotangent: keep the sign of the dot product."
    if close(want[[1, 2, 0]]) or close(want[[2, 0, 1]]):
        return "the values are right but in the wrong order: entry k is the angle at corner p_k."
    return "at corner p0, with u = p1 - p0 and v = p2 - p0: cot = (u . v) / |u x v|."


@exercise(reference=reference_triangle_cotangents)
def check_triangle_cotangents(triangle_cotangents: Callable[..., torch.Tensor]) -> None:
    """Check a learner's ``triangle_cotangents(p0, p1, p2) -> (3,)``."""
    for name, *corners in _TRIANGLES:
        pts = [torch.tensor(c, dtype=torch.float64) for c in corners]
        got = call_answer("triangle_cotangents", triangle_cotangents, *pts)
        want = reference_triangle_cotangents(*pts)
        expect(isinstance(got, torch.Tensor) and tuple(got.shape) == (3,),
               f"triangle_cotangents must return a tensor of shape (3,), got {getattr(got, 'shape', type(got))}.")
        cos = want / torch.sqrt(1 + want ** 2)
        angles = torch.arccos(cos)
        if not torch.allclose(got.double(), want, atol=1e-6):
            expect(False, f"on {name}: {_cotangent_hint(got.double(), want, angles)} "
                   f"(expected {[round(v, 4) for v in want.tolist()]})")
    passed("the cotangents match. On the obtuse triangle the angle at p2 has a negative cotangent: its edge gets "
           "a negative weight in the Laplacian, one reason meshes with many obtuse triangles behave worse.")


# ----------------------------------------------------------------------------- exercise 2


def reference_heat_step(laplacian: torch.Tensor, mass: torch.Tensor, u: torch.Tensor, tau: float) -> torch.Tensor:
    """One backward-Euler step of the heat equation: solve ``(M + tau L) u_new = M u`` (dense (N, N) matrices)."""
    return heat_implicit_euler(sp.csr_matrix(laplacian.numpy()), sp.csr_matrix(mass.numpy()), u, tau)


def _heat_case() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    pos, face = grid_mesh(9, 7, 0.25)
    pos = pos + torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64) * 0.2 * torch.sin(pos[:, :1] * 2)  # a bump
    u = torch.zeros(pos.shape[0], dtype=torch.float64)
    u[31] = 1.0
    return (torch.from_numpy(cotangent_laplacian(pos, face).toarray()),
            torch.from_numpy(mass_matrix(pos, face).toarray()), u)


@exercise(reference=reference_heat_step)
def check_heat_step(heat_step: Callable[..., torch.Tensor]) -> None:
    """Check a learner's ``heat_step(L, M, u, tau) -> (N,)`` on a small bumpy grid (dense matrices)."""
    stiffness, mass, u = _heat_case()
    for tau in (0.05, 0.5):
        got = call_answer("heat_step", heat_step, stiffness, mass, u, tau)
        want = reference_heat_step(stiffness, mass, u, tau)
        expect(isinstance(got, torch.Tensor) and got.shape == want.shape,
               f"heat_step must return a tensor of shape {tuple(want.shape)}, got {getattr(got, 'shape', type(got))}.")
        got = got.double()
        wrong = {
            "that is the explicit (forward) Euler step u - tau M^-1 L u: it blows up for large tau. Solve "
            "(M + tau L) u_new = M u instead (torch.linalg.solve)": u - tau * (stiffness @ u) / mass.diagonal(),
            "the right-hand side is M u, not u: heat is u times the area each vertex stands for":
                torch.linalg.solve(mass + tau * stiffness, u),
            "the sign: L is positive semi-definite here (L @ ones = 0, diagonal > 0), so the step solves "
            "(M + tau L) u_new = M u": torch.linalg.solve(mass - tau * stiffness, mass @ u),
        }
        for hint, value in wrong.items():
            expect(not torch.allclose(got, value, atol=1e-8), hint + ".")
        check_close("heat_step", got, want, atol=1e-8, hint="Solve (M + tau L) u_new = M u.")
    total_before, total_after = float(mass.diagonal() @ u), float(mass.diagonal() @ want)
    passed(f"one implicit step. The total heat sum_i M_ii u_i stays {total_before:.4f} -> {total_after:.4f}: "
           "the step spreads heat, it does not create or lose any.")


# ----------------------------------------------------------------------------- exercise 3

SMOOTHING_CHOICES = ("zero", "constant", "sqrt(degree + 1)", "Fiedler vector")


def smoothing_limit_similarity(edge_index: torch.Tensor, num_nodes: int, steps: int = 100,
                               seed: int = 0) -> dict[str, float]:
    """|cosine| between ``A^steps x`` (x random, A GCN's normalised adjacency) and each candidate of the exercise."""
    adj = normalized_adjacency(edge_index, num_nodes)
    x = np.random.default_rng(seed).standard_normal(num_nodes)
    for _ in range(steps):
        x = adj @ x
    deg = np.asarray((adj != 0).sum(axis=1)).ravel()  # degree + 1 (the self-loop)
    lap = sp.diags(deg - 1.0) - (adj != 0).astype(float) + sp.eye(num_nodes)
    _, vecs = sla.eigsh(lap.tocsc(), k=2, sigma=-1e-3, which="LM", v0=np.ones(num_nodes))
    candidates = {"constant": np.ones(num_nodes), "sqrt(degree + 1)": np.sqrt(deg), "Fiedler vector": vecs[:, 1]}
    cos = {k: float(abs(v @ x) / (np.linalg.norm(v) * np.linalg.norm(x))) for k, v in candidates.items()}
    return {"zero": float(np.linalg.norm(x) < 1e-8), **cos, "norm": float(np.linalg.norm(x))}


def reference_smoothing_limit() -> str:
    """The answer of exercise 3: ``A^k x`` lines up with the top eigenvector of ``A``, ``sqrt(degree + 1)``."""
    return "sqrt(degree + 1)"


@exercise(reference=reference_smoothing_limit)
def check_smoothing_limit(smoothing_limit: Callable[[], str]) -> None:
    """Check the learner's prediction (a function returning one of the choices) on the karate club (lesson 02)."""
    prediction = call_answer("smoothing_limit", smoothing_limit)
    if not isinstance(prediction, str) or prediction not in SMOOTHING_CHOICES:
        raise ExerciseFailed(f"Not yet: smoothing_limit must return one of {list(SMOOTHING_CHOICES)}, "
                             f"got {prediction!r}.")
    karate = load_karate_club()
    sim = smoothing_limit_similarity(karate.edge_index, karate.num_nodes)
    measured = ", ".join(f"{k} {sim[k]:.3f}" for k in ("constant", "sqrt(degree + 1)", "Fiedler vector"))
    hints = {
        "zero": f"the top eigenvalue of D^-1/2 (A + I) D^-1/2 is exactly 1, so that component never fades (the "
                f"vector's length after 100 steps is {sim['norm']:.3f}, not 0).",
        "constant": "the constant vector is the limit of the random-walk average D^-1 (A + I); the symmetric "
                    "normalisation D^-1/2 (A + I) D^-1/2 has a different top eigenvector. Which vector v gives "
                    "D^-1/2 (A + I) D^-1/2 v = v?",
        "Fiedler vector": "the Fiedler vector is the slowest *non-constant* mode of the Laplacian; under "
                          "averaging it fades too (its eigenvalue is below 1), just more slowly than the others.",
    }
    expect(prediction == reference_smoothing_limit(),
           hints.get(prediction, "") + f" Measured |cosine| with each: {measured}.")
    passed(f"A^100 x lines up with sqrt(degree + 1) (|cosine| {sim['sqrt(degree + 1)']:.4f}); every other "
           "eigen-component was multiplied by its eigenvalue (< 1 in size) 100 times. This is over-smoothing.")


# ----------------------------------------------------------------------------- exercise 4


def reference_hks_at(evals: torch.Tensor, evecs: torch.Tensor, t: float) -> torch.Tensor:
    """(N,) the heat kernel signature at one time: ``sum_i exp(-lambda_i t) phi_i(x)^2``."""
    return heat_kernel_signature(evals, evecs, torch.tensor([float(t)], dtype=evals.dtype))[:, 0]


def _hks_case() -> tuple[torch.Tensor, torch.Tensor]:
    pos, face = icosphere(2)
    pos = pos * torch.tensor([1.4, 1.0, 0.7], dtype=torch.float64)  # an ellipsoid: the HKS varies over it
    evals, evecs, _ = laplacian_eigenbasis(pos, face, 12)
    return evals, evecs


@exercise(reference=reference_hks_at)
def check_hks_at(hks_at: Callable[..., torch.Tensor]) -> None:
    """Check a learner's ``hks_at(evals, evecs, t) -> (N,)``."""
    evals, evecs = _hks_case()
    for t in (0.05, 0.5):
        got = call_answer("hks_at", hks_at, evals, evecs, t)
        want = reference_hks_at(evals, evecs, t)
        expect(isinstance(got, torch.Tensor), f"hks_at must return a torch.Tensor, got {type(got).__name__}.")
        if tuple(got.shape) == (evals.shape[0],):
            expect(False, f"hks_at returned one value per eigenpair ({evals.shape[0]}); sum over the eigenpairs "
                   "instead, to get one value per vertex: (N,).")
        decay = torch.exp(-evals * t)
        wrong = {"the eigenvectors must be squared: phi_i(x)^2 (the heat kernel k_t(x, x) multiplies phi_i(x) "
                 "by itself)": evecs @ decay,
                 "the decay is exp(-lambda t), with a minus sign: high frequencies fade": (evecs ** 2) @ torch.exp(
                     evals * t),
                 "each term is weighted by exp(-lambda_i t), not by lambda_i": (evecs ** 2) @ evals}
        if got.shape == want.shape:
            for hint, value in wrong.items():
                expect(not torch.allclose(got.double(), value, rtol=1e-6), hint + ".")
        check_close("hks_at", got, want, atol=1e-8, hint="HKS(x, t) = sum_i exp(-lambda_i t) phi_i(x)^2.")
    passed("the heat kernel signature: the heat that stays at each point. Small t sees the local shape, large t "
           "the whole surface; it only uses the eigenpairs, so turning the surface cannot change it.")
