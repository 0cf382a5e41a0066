"""Lifting examples: what the camera sees (2D keypoints) paired with what it should recover (3D).

The input of every lifter is the same per joint: the image point relative to
the pelvis's image point, divided by the pose's size in the image (the RMS
distance of the visible joints from the pelvis), and a visibility flag;
occluded joints read ``(0, 0, 0)``. Dividing by the size removes what a 2D
keypoint detector cannot know anyway, how far away the person stands. The
target is the pose in camera coordinates relative to the pelvis, in mm: the
lifter predicts the depth of every joint, and its x and y from the 2D.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.pose.camera import TRAINING_VIEWS, CameraRanges, project, root_relative, sample_cameras, to_camera
from gdl_teach.pose.skeleton import NUM_JOINTS


@dataclass
class LiftingSet:
    """Lifting examples.

    Attributes:
        inputs: (N, 17, 3) per joint ``(u, v, visible)``, normalised as the module docstring says.
        target: (N, 17, 3) root-relative camera coordinates, mm.
        azimuth: (N,) degrees: 0 the camera faces the person, 180 it sees their back.
        elevation: (N,) degrees.
        motion: (N,) long motion label (as in :class:`~gdl_teach.pose.motions.PoseSet`; -1 if unknown).
    """

    inputs: torch.Tensor
    target: torch.Tensor
    azimuth: torch.Tensor
    elevation: torch.Tensor
    motion: torch.Tensor

    def __len__(self) -> int:
        return self.inputs.shape[0]

    def subset(self, mask: torch.Tensor) -> LiftingSet:
        """The examples where ``mask`` (N,) bool is True."""
        return LiftingSet(*(t[mask] for t in (self.inputs, self.target, self.azimuth, self.elevation, self.motion)))


def normalise_keypoints(uv: torch.Tensor, visible: torch.Tensor) -> torch.Tensor:
    """Pelvis-centred, size-normalised keypoints with a visibility channel.

    Args:
        uv: (N, 17, 2) pixels.
        visible: (N, 17) bool; the pelvis (joint 0) must be visible.

    Returns:
        (N, 17, 3): ``(u, v)`` relative to the pelvis over the RMS radius of the visible joints, then the flag.
    """
    check_tensor("uv", uv, shape=(None, NUM_JOINTS, 2), floating=True)
    check_tensor("visible", visible, shape=(uv.shape[0], NUM_JOINTS))
    if not bool(visible[:, 0].all()):
        raise ValueError("visible[:, 0] must be True: the pelvis anchors the normalisation")
    vis = visible.to(uv.dtype)[..., None]
    centred = (uv - uv[:, :1]) * vis
    radius = ((centred ** 2).sum(dim=(1, 2)) / vis.sum(dim=(1, 2)).clamp(min=1)).sqrt().clamp(min=1e-6)
    return torch.cat([centred / radius[:, None, None], vis], dim=-1)


def random_occlusion(num_examples: int, num_occluded: int = 0, drop_prob: float = 0.0,
                     seed: int = 0) -> torch.Tensor:
    """Visibility flags (N, 17) bool: ``num_occluded`` random joints hidden per example, or each with ``drop_prob``.

    The pelvis (joint 0) stays visible.
    """
    num_examples = check_int("num_examples", num_examples, min_value=1)
    num_occluded = check_int("num_occluded", num_occluded, min_value=0, max_value=NUM_JOINTS - 2)
    drop_prob = check_float("drop_prob", drop_prob, min_value=0.0, max_value=0.9)
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
    scores = torch.rand(num_examples, NUM_JOINTS, generator=g)
    scores[:, 0] = 2.0  # never the pelvis
    hidden = scores < drop_prob
    if num_occluded:
        ranks = scores.argsort(dim=1)[:, :num_occluded]
        hidden.scatter_(1, ranks, True)
    return ~hidden


def make_lifting_set(pos: torch.Tensor, motion: torch.Tensor | None = None,
                     ranges: CameraRanges = TRAINING_VIEWS, pixel_noise: float = 2.0,
                     num_occluded: int = 0, drop_prob: float = 0.0, seed: int = 0) -> LiftingSet:
    """Film every pose with its own random camera and pair the 2D keypoints with the 3D pose.

    Args:
        pos: (N, 17, 3) poses in the body frame, mm.
        motion: (N,) motion labels, or ``None``.
        ranges: where the cameras are drawn from.
        pixel_noise: std of Gaussian noise on every keypoint, pixels (a detector's error).
        num_occluded: joints hidden in every example.
        drop_prob: or: chance of hiding each joint.
        seed: seed of cameras, noise and occlusion.
    """
    check_tensor("pos", pos, shape=(None, NUM_JOINTS, 3), floating=True, nonempty=True)
    check_float("pixel_noise", pixel_noise, min_value=0.0)
    num = pos.shape[0]
    cams = sample_cameras(num, ranges, seed=seed)
    pos_cam = to_camera(pos, cams)
    g = torch.Generator().manual_seed(seed + 1)
    uv = project(pos_cam, cams.focal) + pixel_noise * torch.randn(num, NUM_JOINTS, 2, generator=g)
    visible = random_occlusion(num, num_occluded, drop_prob, seed=seed + 2)
    motion = torch.full((num,), -1) if motion is None else motion
    return LiftingSet(normalise_keypoints(uv, visible), root_relative(pos_cam), cams.azimuth, cams.elevation,
                      motion)


def view_bins(azimuth: torch.Tensor) -> dict[str, torch.Tensor]:
    """Masks of front (|az| < 45), side (45-135) and back (> 135 degrees) views: name -> (N,) bool."""
    a = (azimuth.abs() + 180) % 360 - 180  # wrap to [-180, 180)
    a = a.abs()
    return {"front": a < 45, "side": (a >= 45) & (a <= 135), "back": a > 135}
