"""How 3D pose estimates are scored: MPJPE, and P-MPJPE after a Procrustes alignment.

MPJPE (mean per-joint position error) is the mean Euclidean distance between
predicted and true joints, in mm, after both are made root-relative (the
lifter predicts the pose, not where the person stands). P-MPJPE first aligns
the prediction to the truth with the best similarity transform (rotation,
uniform scale, translation; Procrustes), so it scores the *shape* of the pose
and forgives a wrong overall size or tilt. Human3.6M papers report both
("protocol 1" and "protocol 2").
"""
from __future__ import annotations

import torch

from gdl_teach.core.validate import check_tensor


def _pair(pred: torch.Tensor, target: torch.Tensor) -> None:
    check_tensor("pred", pred, ndim=3, floating=True, nonempty=True)
    check_tensor("target", target, ndim=3, floating=True, nonempty=True)
    if pred.shape != target.shape or pred.shape[-1] != 3:
        raise ValueError(f"pred and target must both have shape (N, J, 3), got {tuple(pred.shape)} and "
                         f"{tuple(target.shape)}")


def per_joint_errors(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Euclidean distance of every joint: pred, target (N, J, 3) -> (N, J)."""
    _pair(pred, target)
    return (pred - target).norm(dim=-1)


def mpjpe(pred: torch.Tensor, target: torch.Tensor) -> float:
    """Mean per-joint position error (same units as the input, mm in this lesson).

    Args:
        pred: (N, J, 3) predicted joints.
        target: (N, J, 3) true joints.
    """
    return float(per_joint_errors(pred, target).mean())


def procrustes_align(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The similarity transform of ``pred`` closest to ``target`` (least squares), for every pose.

    Centre both, find the rotation from the SVD of their cross-covariance
    (Kabsch / Umeyama; a reflection is not allowed: ``det = +1``), then the
    best uniform scale. Computed in float64.

    Args:
        pred: (N, J, 3).
        target: (N, J, 3).

    Returns:
        (N, J, 3) ``s R (pred - mean) + target mean``, same dtype as ``pred``.
    """
    _pair(pred, target)
    x, y = pred.double(), target.double()
    mx, my = x.mean(1, keepdim=True), y.mean(1, keepdim=True)
    x0, y0 = x - mx, y - my
    u, sing, vh = torch.linalg.svd(x0.transpose(1, 2) @ y0)  # (N, 3, 3) cross-covariance
    d = torch.sign(torch.linalg.det(u @ vh))  # -1 where the best orthogonal map is a reflection
    sing = torch.cat([sing[:, :2], sing[:, 2:] * d[:, None]], dim=1)
    u = torch.cat([u[..., :2], u[..., 2:] * d[:, None, None]], dim=2)
    rot = u @ vh  # x0 @ rot maps pred onto target
    scale = sing.sum(1) / (x0 ** 2).sum(dim=(1, 2)).clamp(min=1e-12)
    return (scale[:, None, None] * x0 @ rot + my).to(pred.dtype)


def p_mpjpe(pred: torch.Tensor, target: torch.Tensor) -> float:
    """MPJPE after aligning each predicted pose to its target with :func:`procrustes_align`."""
    return mpjpe(procrustes_align(pred, target), target)


def bone_length_error(pred: torch.Tensor, target: torch.Tensor, bones: list[tuple[int, int]]) -> float:
    """Mean absolute error of the bone lengths, same units as the input.

    Args:
        pred, target: (N, J, 3).
        bones: (parent, child) pairs.
    """
    _pair(pred, target)
    parents, children = (list(t) for t in zip(*bones))

    def lengths(p: torch.Tensor) -> torch.Tensor:
        return (p[:, children] - p[:, parents]).norm(dim=-1)

    return float((lengths(pred) - lengths(target)).abs().mean())


def left_right_asymmetry(pos: torch.Tensor, bones: list[tuple[int, int]], mirror: list[int]) -> float:
    """Mean |length(left bone) - length(right bone)| over the bones that have a mirror twin.

    Args:
        pos: (N, J, 3).
        bones: (parent, child) pairs.
        mirror: where each joint goes in a mirror image.
    """
    check_tensor("pos", pos, ndim=3, floating=True, nonempty=True)
    index = {child: k for k, (_, child) in enumerate(bones)}
    pairs = [(index[c], index[mirror[c]]) for _, c in bones if mirror[c] != c and c < mirror[c]]
    parents, children = (list(t) for t in zip(*bones))
    lengths = (pos[:, children] - pos[:, parents]).norm(dim=-1)
    a, b = (list(t) for t in zip(*pairs))
    return float((lengths[:, a] - lengths[:, b]).abs().mean())
