"""Actions of the Euclidean group E(n) on point sets, for the kit's symmetry checker.

Haar-random rotations and reflections, mirror images, and transforms for
:func:`gdl_teach.core.symmetry.check_equivariance` that act with one random
element of E(n) (or one relabelling of the nodes) on a model's inputs and say
what its output should become. Used by the tests of every layer in
``gdl_teach.nn`` that claims a Euclidean symmetry, and by lesson 08.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from gdl_teach.core.validate import check_int, check_tensor

Transform = Callable[[tuple[Any, ...], torch.Generator], tuple[Any, ...]]

__all__ = ["random_orthogonal", "random_orthogonals", "mirror", "euclidean_transform", "euclidean_output",
           "permute_points", "permute_output"]


def random_orthogonal(dim: int = 3, reflect: bool = False, generator: torch.Generator | None = None) -> torch.Tensor:
    """A Haar-random rotation (``det = +1``), or a Haar-random rotation followed by a reflection (``det = -1``).

    The QR decomposition of a matrix of independent normals gives an
    orthogonal ``Q``; fixing the signs of ``R``'s diagonal makes ``Q`` uniform
    (Haar) over O(dim) (Mezzadri 2007, https://arxiv.org/abs/math-ph/0609050).
    Flipping one column then sets the determinant, which leaves the
    distribution uniform over each of the two halves of O(dim).

    Args:
        dim: the dimension (>= 2).
        reflect: return an improper matrix (a mirror image), ``det = -1``.
        generator: torch RNG for reproducibility.

    Returns:
        ``(dim, dim)`` float64 orthogonal matrix.
    """
    dim = check_int("dim", dim, min_value=2)
    a = torch.randn(dim, dim, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r))  # column j times sign(R_jj): now Haar on O(dim)
    if (torch.det(q) < 0) != reflect:
        q[:, 0] = -q[:, 0]
    return q


def random_orthogonals(num_matrices: int, dim: int = 3, generator: torch.Generator | None = None) -> torch.Tensor:
    """``num_matrices`` independent Haar-random rotations at once (for augmentation): ``(num_matrices, dim, dim)`` float64."""
    num_matrices = check_int("num_matrices", num_matrices, min_value=1)
    dim = check_int("dim", dim, min_value=2)
    a = torch.randn(num_matrices, dim, dim, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r, dim1=-2, dim2=-1)).unsqueeze(-2)
    q[:, :, 0] *= torch.sign(torch.linalg.det(q)).unsqueeze(-1)  # det +1: rotations only
    return q


def mirror(pos: torch.Tensor, axis: int = 0) -> torch.Tensor:
    """The mirror image of a point set: flip one coordinate (a reflection through a coordinate plane).

    Args:
        pos: ``(N, D)`` points.
        axis: the coordinate to flip.

    Returns:
        ``(N, D)``, a new tensor.
    """
    pos = check_tensor("pos", pos, ndim=2, floating=True)
    axis = check_int("axis", axis, min_value=0, max_value=pos.shape[1] - 1)
    flip = torch.ones(pos.shape[1], dtype=pos.dtype, device=pos.device)
    flip[axis] = -1.0
    return pos * flip


def euclidean_transform(reflect: bool = False, translate: bool = True, pos_index: int = 1,
                        vectors: tuple[int, ...] = ()) -> Transform:
    """A checker transform: act with a random element of E(3) on ``inputs[pos_index]`` (and on velocity-like inputs).

    Positions get ``pos @ Q^T + t``; inputs listed in ``vectors`` (velocities:
    they turn but do not move) get ``v @ Q^T``. ``Q`` is a random rotation, or a
    rotation with a reflection when ``reflect``; ``t`` a random translation.
    ``(Q, t)`` is appended for :func:`euclidean_output`.

    Args:
        reflect: draw an improper ``Q`` (det -1).
        translate: add a random translation.
        pos_index: which input holds the ``(N, 3)`` positions.
        vectors: indices of inputs that are ``(N, 3)`` vectors.

    Returns:
        ``transform(inputs, generator) -> (*new_inputs, (Q, t))``.
    """
    def transform(inputs: tuple[Any, ...], g: torch.Generator) -> tuple[Any, ...]:
        pos = inputs[pos_index]
        q = random_orthogonal(pos.shape[1], reflect=reflect, generator=g).to(pos.device, pos.dtype)
        t = torch.randn(pos.shape[1], generator=g, dtype=torch.float64).to(pos.device, pos.dtype) * float(translate)
        new = list(inputs)
        new[pos_index] = pos @ q.T + t
        for i in vectors:
            new[i] = inputs[i] @ q.T
        return (*new, (q, t))
    return transform


def euclidean_output(out: Any, handle: tuple[torch.Tensor, torch.Tensor]) -> Any:
    """Expected output of an E(3)-equivariant model after :func:`euclidean_transform`.

    ``out`` is positions ``(N, 3)`` (moved as points) or a pair ``(h, pos)`` of
    invariant features and positions (only ``pos`` moves).
    """
    q, t = handle
    if isinstance(out, tuple):
        h, pos = out
        return h, pos @ q.T + t
    return out @ q.T + t


def permute_points(pos_index: int = 1, edge_index_position: int = 2) -> Transform:
    """A checker transform: relabel the nodes of a graph in space at random.

    Every ``(N, ...)`` input is permuted (new node ``i`` is old node
    ``perm[i]``) and ``inputs[edge_index_position]`` is relabelled; the
    permutation is appended for :func:`permute_output`.

    Args:
        pos_index: which input holds the positions (gives N).
        edge_index_position: which input is the ``(2, E)`` edge index.
    """
    def transform(inputs: tuple[Any, ...], g: torch.Generator) -> tuple[Any, ...]:
        num_nodes = inputs[pos_index].shape[0]
        perm = torch.randperm(num_nodes, generator=g)
        inverse = torch.empty_like(perm)
        inverse[perm] = torch.arange(num_nodes)
        new = []
        for i, value in enumerate(inputs):
            if i == edge_index_position:
                new.append(inverse.to(value.device)[value])
            elif isinstance(value, torch.Tensor) and value.dim() >= 1 and value.shape[0] == num_nodes:
                new.append(value[perm.to(value.device)])
            else:
                new.append(value)
        return (*new, perm)
    return transform


def permute_output(out: Any, perm: torch.Tensor) -> Any:
    """Expected output of a node-equivariant model after :func:`permute_points`: every output row permuted."""
    if isinstance(out, tuple):
        return tuple(o[perm.to(o.device)] for o in out)
    return out[perm.to(out.device)]
