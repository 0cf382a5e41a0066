"""Symmetries, measured: random rotations and permutations, and invariance checks.

A function ``f`` is *invariant* to a transform ``g`` when ``f(g x) = f(x)`` and
*equivariant* when ``f(g x) = g f(x)``. The lessons and the tests use the same
two checkers, :func:`check_invariance` and :func:`check_equivariance`, which
report the largest deviation they saw so a learner sees a number, not a
yes/no.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from gdl_teach.core.validate import check_float, check_int, check_tensor


def random_rotation(dim: int = 3, generator: torch.Generator | None = None) -> torch.Tensor:
    """Sample a rotation matrix uniformly (Haar measure) from SO(dim).

    Args:
        dim: 2 or 3 (any dim >= 2 works).
        generator: optional torch RNG for reproducibility.

    Returns:
        R: (dim, dim) float32 orthogonal matrix with det(R) = +1.
    """
    dim = check_int("dim", dim, min_value=2)
    a = torch.randn(dim, dim, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r)).unsqueeze(0)  # make the decomposition unique
    if torch.det(q) < 0:
        q[:, 0] = -q[:, 0]
    return q.float()


def rotation_matrix(angles: tuple[float, ...] | float, degrees: bool = True,
                    dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Rotation from angles: one angle gives a 2D rotation, three (x, y, z) a 3D one.

    The 3D rotation is ``Rz @ Ry @ Rx`` (rotate about x first). It is built in
    float64 and cast to ``dtype``: ask for ``torch.float64`` when a lesson
    measures distortions near zero (float32 is orthogonal only to about 1e-7).

    Args:
        angles: a number (2D) or a tuple of three numbers (3D).
        degrees: whether the angles are in degrees (default) or radians.
        dtype: floating dtype of the result.

    Returns:
        R: (2, 2) or (3, 3) rotation matrix.
    """
    def rad(name: str, a: Any) -> float:
        a = check_float(name, a)
        return math.radians(a) if degrees else a

    f64 = torch.float64
    if isinstance(angles, (int, float)) and not isinstance(angles, bool):
        t = rad("angles", angles)
        c, s = math.cos(t), math.sin(t)
        return torch.tensor([[c, -s], [s, c]], dtype=f64).to(dtype)
    if not isinstance(angles, (tuple, list)) or len(angles) != 3:
        raise ValueError(f"angles must be one number (2D) or three numbers (3D), got {angles!r}")
    ax, ay, az = (rad(f"angles[{i}]", a) for i, a in enumerate(angles))
    rx = torch.tensor([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]], dtype=f64)
    ry = torch.tensor([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]], dtype=f64)
    rz = torch.tensor([[math.cos(az), -math.sin(az), 0], [math.sin(az), math.cos(az), 0], [0, 0, 1]], dtype=f64)
    return (rz @ ry @ rx).to(dtype)


def random_permutation(num_items: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """A random permutation of ``range(num_items)`` as a (num_items,) long tensor."""
    num_items = check_int("num_items", num_items, min_value=1)
    return torch.randperm(num_items, generator=generator)


def permute_graph(x: torch.Tensor, edge_index: torch.Tensor, perm: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Relabel a graph's nodes: new node ``i`` is old node ``perm[i]``.

    Args:
        x: (N, F) node features.
        edge_index: (2, E) edges in old labels.
        perm: (N,) permutation.

    Returns:
        ``(x[perm], edge_index relabelled)``: (N, F) and (2, E).
    """
    x = check_tensor("x", x, nonempty=True)
    perm = check_tensor("perm", perm, shape=(x.shape[0],), integer=True)
    if not torch.equal(torch.sort(perm).values, torch.arange(x.shape[0], device=perm.device)):
        raise ValueError("perm must be a permutation of range(N)")
    inverse = torch.empty_like(perm)
    inverse[perm] = torch.arange(perm.numel(), device=perm.device)
    return x[perm], inverse[edge_index]


@dataclass
class SymmetryReport:
    """Result of a symmetry check: the largest deviation seen over the trials."""

    kind: str
    max_error: float
    atol: float
    trials: int

    @property
    def passed(self) -> bool:
        return self.max_error <= self.atol

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        verdict = "holds" if self.passed else "BROKEN"
        return f"{self.kind} {verdict}: max |difference| = {self.max_error:.2e} over {self.trials} trials (atol {self.atol:g})"


def _as_tuple(out: Any) -> tuple[torch.Tensor, ...]:
    if isinstance(out, torch.Tensor):
        return (out,)
    if isinstance(out, (tuple, list)) and all(isinstance(o, torch.Tensor) for o in out):
        return tuple(out)
    raise TypeError(f"the function under test must return a tensor or a tuple of tensors, got {type(out).__name__}")


def _max_diff(a: Any, b: Any) -> float:
    ta, tb = _as_tuple(a), _as_tuple(b)
    if len(ta) != len(tb):
        raise ValueError(f"outputs differ in number: {len(ta)} vs {len(tb)}")
    diffs = []
    for u, v in zip(ta, tb):
        if u.shape != v.shape:
            raise ValueError(f"outputs differ in shape: {tuple(u.shape)} vs {tuple(v.shape)}")
        diffs.append(float((u.detach().float() - v.detach().float()).abs().max()) if u.numel() else 0.0)
    return max(diffs)


def check_invariance(
    f: Callable[..., Any],
    inputs: tuple[Any, ...],
    transform: Callable[[tuple[Any, ...], torch.Generator], tuple[Any, ...]],
    trials: int = 5,
    atol: float = 1e-4,
    seed: int = 0,
) -> SymmetryReport:
    """Measure whether ``f(*transform(inputs)) == f(*inputs)``.

    Args:
        f: the model or function under test.
        inputs: the arguments of ``f``, e.g. ``(x, edge_index)``.
        transform: maps ``(inputs, generator)`` to transformed inputs; see
            :func:`rotate_inputs` and :func:`permute_inputs`.
        trials: how many random transforms to try.
        atol: tolerance on the largest absolute difference.
        seed: seed of the transforms' generator.

    Returns:
        A :class:`SymmetryReport`; ``bool(report)`` tells whether it holds.
    """
    _check_common(f, inputs, transform, trials, atol)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        ref = f(*inputs)
        worst = max(_max_diff(f(*transform(inputs, g)), ref) for _ in range(trials))
    return SymmetryReport("invariance", worst, atol, trials)


def check_equivariance(
    f: Callable[..., Any],
    inputs: tuple[Any, ...],
    transform: Callable[[tuple[Any, ...], torch.Generator], tuple[Any, ...]],
    output_transform: Callable[[Any, tuple[Any, ...]], Any],
    trials: int = 5,
    atol: float = 1e-4,
    seed: int = 0,
) -> SymmetryReport:
    """Measure whether ``f(g x) == g f(x)``.

    The same random transform must act on input and output, so ``transform``
    records what it did: it returns the transformed inputs and
    ``output_transform(output, transformed_inputs)`` is called with a handle it
    can use. In practice use the ready-made pairs :func:`permute_inputs` /
    :func:`permute_output` or :func:`rotate_inputs` / :func:`rotate_output`,
    which pass the permutation or rotation along as the last input.

    Args:
        f: the model or function under test.
        inputs: the arguments of ``f``.
        transform: maps ``(inputs, generator)`` to ``(*new_inputs, g)`` where
            ``g`` (the permutation or rotation) is appended as the last element.
        output_transform: maps ``(f(inputs), g)`` to the expected transformed output.
        trials: how many random transforms to try.
        atol: tolerance on the largest absolute difference.
        seed: seed of the transforms' generator.
    """
    _check_common(f, inputs, transform, trials, atol)
    if not callable(output_transform):
        raise TypeError(f"output_transform must be callable, got {type(output_transform).__name__}")
    gen = torch.Generator().manual_seed(seed)
    worst = 0.0
    with torch.no_grad():
        ref = f(*inputs)
        for _ in range(trials):
            *new_inputs, g = transform(inputs, gen)
            worst = max(worst, _max_diff(f(*new_inputs), output_transform(ref, g)))
    return SymmetryReport("equivariance", worst, atol, trials)


def _check_common(f: Any, inputs: Any, transform: Any, trials: int, atol: float) -> None:
    if not callable(f):
        raise TypeError(f"f must be callable (a model or function), got {type(f).__name__}")
    if not isinstance(inputs, tuple):
        raise TypeError(f"inputs must be a tuple of f's arguments, got {type(inputs).__name__}")
    if not callable(transform):
        raise TypeError(f"transform must be callable, got {type(transform).__name__}")
    check_int("trials", trials, min_value=1)
    check_float("atol", atol, min_value=0.0)


# Ready-made transforms -------------------------------------------------------

def permute_nodes(keep_perm: bool = False) -> Callable[[tuple[Any, ...], torch.Generator], tuple[Any, ...]]:
    """Transform for inputs ``(x, edge_index, *rest)``: relabel the nodes at random.

    With ``keep_perm=True`` the permutation is appended (for equivariance checks).
    """
    def transform(inputs: tuple[Any, ...], g: torch.Generator) -> tuple[Any, ...]:
        x, edge_index, *rest = inputs
        perm = torch.randperm(x.shape[0], generator=g).to(x.device)
        new_x, new_ei = permute_graph(x, edge_index, perm)
        out = (new_x, new_ei, *rest)
        return (*out, perm) if keep_perm else out
    return transform


def permute_rows(keep_perm: bool = False) -> Callable[[tuple[Any, ...], torch.Generator], tuple[Any, ...]]:
    """Transform for inputs ``(x, *rest)``: shuffle the rows of ``x`` (a set of points)."""
    def transform(inputs: tuple[Any, ...], g: torch.Generator) -> tuple[Any, ...]:
        x, *rest = inputs
        perm = torch.randperm(x.shape[0], generator=g).to(x.device)
        out = (x[perm], *rest)
        return (*out, perm) if keep_perm else out
    return transform


def permute_output(out: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
    """Expected output of a node-equivariant function after relabelling: ``out[perm]``."""
    return out[perm]


def rotate_points(translate: bool = False, keep_rotation: bool = False, dim: int = 3
                  ) -> Callable[[tuple[Any, ...], torch.Generator], tuple[Any, ...]]:
    """Transform for inputs ``(pos, *rest)``: rotate (and optionally translate) the points.

    ``pos`` is (N, dim). With ``keep_rotation=True`` the rotation matrix is appended.
    """
    def transform(inputs: tuple[Any, ...], g: torch.Generator) -> tuple[Any, ...]:
        pos, *rest = inputs
        rot = random_rotation(dim, generator=g).to(pos.device, pos.dtype)
        new_pos = pos @ rot.T
        if translate:
            new_pos = new_pos + torch.randn(dim, generator=g).to(pos.device, pos.dtype)
        out = (new_pos, *rest)
        return (*out, rot) if keep_rotation else out
    return transform


def rotate_output(out: torch.Tensor, rot: torch.Tensor) -> torch.Tensor:
    """Expected output of a rotation-equivariant vector function: ``out @ R^T``."""
    return out @ rot.T
