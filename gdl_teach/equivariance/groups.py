"""Groups acting on inputs and outputs: quarter turns of images, rotations and reflections of point sets.

A model ``f`` is *equivariant* to a group when acting on the input acts on the
output, ``f(g x) = g f(x)``, and *invariant* when the output does not change,
``f(g x) = f(x)``. Which action ``g`` means depends on what the data is: an
image turns its grid; a set of points in space is rotated, reflected and
translated; a p4 feature map turns its grids and cycles its rotation axis
(:func:`gdl_teach.nn.group_conv.rotate_p4`); node features are permuted
with the nodes. This module holds those actions, and transforms for the kit's
checker (:func:`gdl_teach.core.symmetry.check_equivariance`) that apply the
same random group element to the inputs and to the expected output.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from gdl_teach.core.validate import check_int, check_tensor

Transform = Callable[[tuple[Any, ...], torch.Generator], tuple[Any, ...]]


def rotate_images(images: torch.Tensor, k: int | torch.Tensor) -> torch.Tensor:
    """Turn square images by ``k`` quarter turns (counter-clockwise, as :func:`torch.rot90`).

    Args:
        images: ``(B, C, H, W)`` with ``H == W``.
        k: one number of quarter turns for all images, or a ``(B,)`` tensor with one per image.

    Returns:
        ``(B, C, H, W)``, a new tensor.
    """
    images = check_tensor("images", images, ndim=4)
    if images.shape[-1] != images.shape[-2]:
        raise ValueError(f"images must be square to turn onto their own grid, got {tuple(images.shape[-2:])}")
    if not isinstance(k, torch.Tensor):
        return torch.rot90(images, int(k), dims=(-2, -1))
    k = check_tensor("k", k, shape=(images.shape[0],), integer=True).remainder(4).to(images.device)
    turned = torch.stack([torch.rot90(images, r, dims=(-2, -1)) for r in range(4)])  # (4, B, C, H, W)
    return turned[k, torch.arange(images.shape[0], device=images.device)]


def all_rotations(images: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Every image in its four orientations: the rotated test set of the lesson.

    Args:
        images: ``(B, C, H, W)``.
        labels: ``(B,)``.

    Returns:
        ``(images, labels, turns)`` of shapes ``(4B, C, H, W)``, ``(4B,)``, ``(4B,)``; block ``r`` holds the
        images turned ``r`` times.
    """
    check_tensor("labels", labels, shape=(images.shape[0],))
    turned = torch.cat([rotate_images(images, r) for r in range(4)])
    turns = torch.arange(4).repeat_interleave(images.shape[0])
    return turned, labels.repeat(4), turns


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


def candidate_maps() -> dict[str, Callable[[torch.Tensor], torch.Tensor]]:
    """Five maps from points ``(N, 3)`` to vectors ``(N, 3)``: which ones turn with the input, and which reflect with it?"""
    return {
        "centre": lambda pos: pos - pos.mean(dim=0),  # subtract the centroid
        "lift": lambda pos: pos + torch.tensor([0.0, 0.0, 1.0], dtype=pos.dtype),  # move every point up by 1
        "stretch": lambda pos: pos * pos.norm(dim=1, keepdim=True),  # scale each point by its length
        "absolute": lambda pos: pos.abs(),  # absolute value of each coordinate
        "cross": lambda pos: torch.linalg.cross(pos, pos.roll(-1, dims=0)),  # x_i x x_{i+1}
    }
