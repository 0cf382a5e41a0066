"""The Laplacian of a surface (cotangent weights) and of a graph, and their eigenbases.

On a triangle mesh the Laplace-Beltrami operator is discretised by the
*cotangent Laplacian* (Pinkall & Polthier 1993; Meyer et al. 2003,
https://doi.org/10.1007/978-3-662-05105-4_2): for a function ``u`` on the
vertices,

.. math::

    (L u)_i = \\tfrac12 \\sum_{j \\sim i} (\\cot\\alpha_{ij} + \\cot\\beta_{ij}) (u_i - u_j),

where ``alpha_ij`` and ``beta_ij`` are the two angles opposite the edge
``(i, j)``. ``L`` is the *stiffness* matrix: symmetric, positive semi-definite,
constant functions in its kernel; it integrates the Laplacian over a vertex's
area. The (lumped) *mass matrix* ``M`` holds that area: a third of the area of
each triangle around the vertex. The surface's Fourier basis solves the
generalised eigenproblem ``L phi = lambda M phi`` (``phi`` orthonormal in
``<u, v>_M = u^T M v``), which SciPy's ``eigsh`` solves in shift-invert mode.

Everything is computed in float64 with SciPy sparse matrices. On a graph the
same role is played by the combinatorial Laplacian ``D - A`` or by the
normalised adjacency that GCN averages with (:func:`normalized_adjacency`).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla
import torch

from gdl_teach.core.validate import check_edge_index, check_int
from gdl_teach.geometry.mesh import check_mesh

__all__ = ["corner_cotangents", "cotangent_laplacian", "mass_matrix", "laplacian_eigenbasis",
           "normalized_adjacency"]


def _numpy(pos: torch.Tensor, face: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    pos, face = check_mesh(pos, face)
    return pos.detach().cpu().double().numpy(), face.detach().cpu().long().numpy()


def corner_cotangents(pos: torch.Tensor, face: torch.Tensor) -> torch.Tensor:
    """The cotangent of the angle at each corner of each triangle.

    At corner ``a`` with edges ``u = b - a`` and ``v = c - a``,
    ``cot = (u . v) / |u x v|``: cosine over sine, both up to the same factor.

    Args:
        pos: (N, 3) vertex positions.
        face: (3, F) triangles.

    Returns:
        (F, 3) float64: column ``k`` is the cotangent at vertex ``face[k]``.
    """
    p, f = _numpy(pos, face)
    return torch.from_numpy(_corner_cotangents(p, f))


def _corner_cotangents(p: np.ndarray, f: np.ndarray) -> np.ndarray:
    out = np.empty((f.shape[1], 3))
    for k in range(3):
        a, b, c = p[f[k]], p[f[(k + 1) % 3]], p[f[(k + 2) % 3]]
        u, v = b - a, c - a
        out[:, k] = (u * v).sum(1) / np.maximum(np.linalg.norm(np.cross(u, v), axis=1), 1e-30)
    return out


def cotangent_laplacian(pos: torch.Tensor, face: torch.Tensor) -> sp.csr_matrix:
    """The cotangent Laplacian (stiffness matrix) ``L`` of a triangle mesh.

    Each triangle adds ``cot(angle at k) / 2`` to the weight of the edge
    opposite its corner ``k``; ``L = D - W`` with ``W`` those weights and
    ``D`` their row sums, so ``L @ ones = 0``.

    Args:
        pos: (N, 3) vertex positions.
        face: (3, F) triangles.

    Returns:
        (N, N) symmetric positive semi-definite ``scipy.sparse.csr_matrix`` (float64).
    """
    p, f = _numpy(pos, face)
    n = p.shape[0]
    cot = _corner_cotangents(p, f)
    rows, cols, vals = [], [], []
    for k in range(3):
        i, j = f[(k + 1) % 3], f[(k + 2) % 3]  # the edge opposite corner k
        rows += [i, j]
        cols += [j, i]
        vals += [0.5 * cot[:, k]] * 2
    w = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)).tocsr()
    return (sp.diags(np.asarray(w.sum(axis=1)).ravel()) - w).tocsr()


def mass_matrix(pos: torch.Tensor, face: torch.Tensor) -> sp.csr_matrix:
    """The lumped (barycentric) mass matrix: a third of each adjacent triangle's area on the diagonal.

    Args:
        pos: (N, 3) vertex positions.
        face: (3, F) triangles.

    Returns:
        (N, N) diagonal ``scipy.sparse.csr_matrix``; its entries sum to the surface area.
    """
    p, f = _numpy(pos, face)
    area = 0.5 * np.linalg.norm(np.cross(p[f[1]] - p[f[0]], p[f[2]] - p[f[0]]), axis=1)
    mass = np.bincount(f.ravel(), weights=np.tile(area / 3, 3), minlength=p.shape[0])
    return sp.diags(mass).tocsr()


def laplacian_eigenbasis(pos: torch.Tensor, face: torch.Tensor,
                         num_eigs: int = 32) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The ``num_eigs`` lowest-frequency eigenpairs of ``L phi = lambda M phi``: the mesh's Fourier basis.

    Solved by ``scipy.sparse.linalg.eigsh`` in shift-invert mode around a
    small negative shift (``L`` itself is singular). The eigenvectors are
    M-orthonormal (``phi^T M phi = I``) and each is signed so that its entry of
    largest magnitude is positive (an eigenvector is only defined up to sign).

    Args:
        pos: (N, 3) vertex positions.
        face: (3, F) triangles.
        num_eigs: k, how many eigenpairs (1 <= k < N).

    Returns:
        ``(evals, evecs, mass)``: (k,) ascending eigenvalues (the first is ~0),
        (N, k) eigenvectors and (N,) lumped vertex areas, float64 tensors.
    """
    stiffness, mass = cotangent_laplacian(pos, face), mass_matrix(pos, face)
    n = stiffness.shape[0]
    num_eigs = check_int("num_eigs", num_eigs, min_value=1, max_value=n - 1)
    m = mass.diagonal()
    sigma = -1e-8 * stiffness.diagonal().mean() / m.mean()
    v0 = np.random.default_rng(0).standard_normal(n)  # a fixed start: the same basis on every run
    evals, evecs = sla.eigsh(stiffness, k=num_eigs, M=mass, sigma=sigma, which="LM", v0=v0)
    order = np.argsort(evals)
    evals, evecs = np.clip(evals[order], 0.0, None), evecs[:, order]
    peak = evecs[np.abs(evecs).argmax(axis=0), np.arange(num_eigs)]
    evecs = evecs * np.sign(peak)
    return torch.from_numpy(evals), torch.from_numpy(np.ascontiguousarray(evecs)), torch.from_numpy(m.copy())


def normalized_adjacency(edge_index: torch.Tensor, num_nodes: int, add_self_loops: bool = True) -> sp.csr_matrix:
    """GCN's averaging operator ``D^-1/2 (A + I) D^-1/2`` of a graph (Kipf & Welling 2017).

    Its eigenvalues lie in (-1, 1]; the top one is 1, with eigenvector
    proportional to ``sqrt(degree + 1)``. Applying it again and again keeps
    only that eigenvector: the low-pass filter behind over-smoothing.

    Args:
        edge_index: (2, E) edges, both directions listed (as PyG stores undirected graphs).
        num_nodes: N.
        add_self_loops: add ``I`` before normalising (GCN's renormalisation trick).

    Returns:
        (N, N) symmetric ``scipy.sparse.csr_matrix`` (float64).
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    ei = check_edge_index("edge_index", edge_index, num_nodes).cpu().numpy()
    a = sp.coo_matrix((np.ones(ei.shape[1]), (ei[0], ei[1])), shape=(num_nodes, num_nodes)).tocsr()
    a.data[:] = 1.0  # repeated edges count once
    if add_self_loops:
        a = a + sp.eye(num_nodes, format="csr")
    deg = np.asarray(a.sum(axis=1)).ravel()
    inv_sqrt = np.where(deg > 0, 1.0 / np.sqrt(np.maximum(deg, 1e-300)), 0.0)
    d = sp.diags(inv_sqrt)
    return (d @ a @ d).tocsr()
