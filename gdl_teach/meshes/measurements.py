"""The lesson's smaller measurements: geodesic errors against exact answers, distances between poses,
and repeated averaging on a graph as a low-pass filter.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse.linalg as sla
import torch

from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.geometry.geodesics import HeatMethod, dijkstra_distances
from gdl_teach.geometry.laplacian import normalized_adjacency
from gdl_teach.geometry.mesh import check_mesh
from gdl_teach.meshes.shape import Quadruped, paw_vertex, random_poses, rest_pose


def geodesic_errors(pos: torch.Tensor, face: torch.Tensor, source: int, exact: torch.Tensor,
                    time_factors: Sequence[float] = (0.1, 1.0, 10.0, 100.0)) -> pd.Series:
    """Mean relative error of straight-line, Dijkstra and heat-method distances against ``exact``.

    Vertices closer to the source than 3 mean edge lengths are left out (a
    relative error there divides by almost nothing).

    Args:
        pos: (N, 3); face: (3, F); source: vertex id.
        exact: (N,) exact geodesic distances from ``source``.
        time_factors: heat-method times ``t = factor * h^2`` to try.

    Returns:
        A pandas Series: method -> mean relative error.
    """
    pos, face = check_mesh(pos, face)
    exact = check_tensor("exact", exact, shape=(pos.shape[0],), floating=True).double()
    heat = {f: HeatMethod(pos, face, time_factor=f) for f in time_factors}
    far = exact > 3 * next(iter(heat.values())).h if heat else exact > 0

    def error(d: torch.Tensor) -> float:
        return float(((d.double() - exact).abs()[far] / exact[far]).mean())

    out = {"straight line": error((pos - pos[source]).norm(dim=1)),
           "Dijkstra on edges": error(dijkstra_distances(pos, face, source))}
    out.update({f"heat method, t = {f:g} h^2": error(h(source)) for f, h in heat.items()})
    return pd.Series(out, name="mean relative error")


def paw_distances(animal: Quadruped, num_poses: int = 4, seed: int = 2) -> pd.DataFrame:
    """Front-left paw to hind-right paw, straight and along the surface, in the rest pose and new poses.

    Args:
        animal: the template; num_poses: how many random poses; seed: seed of the poses.

    Returns:
        One row per pose (``rest``, ``pose 1``, ...), columns ``straight line`` and
        ``geodesic (heat method)``, plus their relative change from the rest pose.
    """
    a, b = paw_vertex(animal, 3), paw_vertex(animal, 6)
    poses = [rest_pose()] + list(random_poses(num_poses, seed=seed))
    rows = []
    for angles in poses:
        pos = animal.pose(angles).double()
        rows.append({"straight line": float((pos[a] - pos[b]).norm()),
                     "geodesic (heat method)": float(HeatMethod(pos, animal.face, time_factor=1.0)(a)[b])})
    table = pd.DataFrame(rows, index=["rest"] + [f"pose {i + 1}" for i in range(num_poses)])
    for col in ("straight line", "geodesic (heat method)"):
        table[f"{col}: change"] = table[col] / table[col].iloc[0] - 1
    return table


def pose_transform(animal: Quadruped) -> Callable[[tuple[Any, ...], torch.Generator], tuple[Any, ...]]:
    """A transform for :func:`gdl_teach.core.symmetry.check_invariance`: the animal in a random new pose.

    The inputs are ``(pos, *rest)`` with ``pos`` the rest pose; the transform
    replaces ``pos`` by a random pose drawn with the checker's generator.

    Args:
        animal: the template whose skinning makes the poses.
    """
    def transform(inputs: tuple[Any, ...], g: torch.Generator) -> tuple[Any, ...]:
        pos, *rest = inputs
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
        return (animal.pose(random_poses(1, seed=seed)[0]).to(pos.dtype), *rest)
    return transform


def repeated_averaging(edge_index: torch.Tensor, num_nodes: int, steps: Sequence[int], num_eigs: int = 20,
                       seed: int = 0) -> dict[str, Any]:
    """Average a random signal over the graph again and again (``x <- A x``, GCN's ``A``), in float64.

    Measures how far ``A^k x`` is from the direction of ``A``'s top eigenvector
    (``sqrt(degree + 1)``) and how its energy spreads over the top eigenvectors.

    Args:
        edge_index: (2, E) both directions of every edge; num_nodes: N.
        steps: the step counts k to report (must include 0).
        num_eigs: how many of the largest eigenpairs of ``A`` to compute (``eigsh``).
        seed: seed of the random signal.

    Returns:
        ``{"steps", "residual", "spectra", "eigenvalues", "top"}``: residual[i] is
        ``|x_k - proj_top x_k| / |x_k|`` at ``steps[i]``; spectra maps a few k to the
        energy in each eigenvector; eigenvalues are descending; top is (N,) the top eigenvector.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=3)
    steps = sorted(check_int("steps", int(k), min_value=0) for k in steps)
    if steps[0] != 0:
        raise ValueError("steps must include 0 (the signal before any averaging)")
    adj = normalized_adjacency(edge_index, num_nodes)
    mu, vecs = sla.eigsh(adj, k=num_eigs, which="LA", v0=np.ones(num_nodes))
    order = np.argsort(-mu)
    mu, vecs = mu[order], vecs[:, order] * np.sign(vecs[:, order].sum(axis=0))
    x = np.random.default_rng(seed).standard_normal(num_nodes)
    residual, spectra, done = [], {}, 0
    for k in steps:
        for _ in range(k - done):
            x = adj @ x
        done = k
        top = vecs[:, 0] * (vecs[:, 0] @ x)
        residual.append(float(np.linalg.norm(x - top) / np.linalg.norm(x)))
        spectra[k] = (vecs.T @ x) ** 2
    pick = {k: spectra[k] for k in (steps[0], steps[len(steps) // 4], steps[-1])}
    return {"steps": steps, "residual": residual, "spectra": pick, "eigenvalues": mu, "top": vecs[:, 0],
            "signal": x}
