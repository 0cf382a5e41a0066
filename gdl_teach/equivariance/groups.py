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

from gdl_teach.core.euclidean import (  # noqa: F401 - the lesson shows these actions through this module
    euclidean_output,
    euclidean_transform,
    mirror,
    permute_output,
    permute_points,
    random_orthogonal,
    random_orthogonals,
)
from gdl_teach.core.validate import check_tensor

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


def candidate_maps() -> dict[str, Callable[[torch.Tensor], torch.Tensor]]:
    """Five maps from points ``(N, 3)`` to vectors ``(N, 3)``: which ones turn with the input, and which reflect with it?"""
    return {
        "centre": lambda pos: pos - pos.mean(dim=0),  # subtract the centroid
        "lift": lambda pos: pos + torch.tensor([0.0, 0.0, 1.0], dtype=pos.dtype),  # move every point up by 1
        "stretch": lambda pos: pos * pos.norm(dim=1, keepdim=True),  # scale each point by its length
        "absolute": lambda pos: pos.abs(),  # absolute value of each coordinate
        "cross": lambda pos: torch.linalg.cross(pos, pos.roll(-1, dims=0)),  # x_i x x_{i+1}
    }
