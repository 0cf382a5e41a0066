"""Forward kinematics: joint angles -> 3D joint positions, vectorised over many poses.

Every joint ``j`` carries three angles ``(flex, abduct, twist)``: rotations about
the x (right), y (forward) and z (up) axes of its parent bone's frame, applied
in that order, ``R_j = Rz(twist) Ry(abduct) Rx(flex)``. They turn the bone that
ends at ``j``; joint 0's angles turn the whole body. Frames and positions are
accumulated from the root down the tree:

    F_j = F_parent(j) R_j,          p_j = p_parent(j) + F_j o_j,

where ``o_j`` is the bone's rest offset. Bones keep their length whatever the
angles, which is what makes the angles a pose's natural coordinates.

The limits below (degrees, in these axes) keep poses anatomically plausible
(a knee bends one way, an elbow one way, hips and shoulders within ranges);
bones between the pelvis, spine and shoulder joints are rigid.
"""
from __future__ import annotations

import math

import torch

from gdl_teach.core.validate import check_tensor
from gdl_teach.pose.skeleton import BONES, NUM_JOINTS, PARENTS, rest_offsets

#: (flex, abduct, twist) ranges in degrees per joint: (low, high) for each axis.
_LIMITS_DEG = {
    "Hip": ((-15, 30), (-15, 15), (-30, 30)),       # the whole body: lean, tilt, turn
    "RKnee": ((-30, 120), (-45, 15), (-40, 40)),    # right thigh at the hip joint (outward = -y)
    "RFoot": ((-150, 0), (0, 0), (0, 0)),           # right shin at the knee: bends backwards only
    "LKnee": ((-30, 120), (-15, 45), (-40, 40)),    # left thigh (outward = +y)
    "LFoot": ((-150, 0), (0, 0), (0, 0)),
    "Thorax": ((-60, 25), (-30, 30), (-45, 45)),    # upper body on the spine: bend, side-bend, twist
    "Neck/Nose": ((-40, 40), (-30, 30), (-70, 70)),  # the neck: nod, tilt, turn
    "LElbow": ((-60, 170), (-20, 170), (-60, 60)),  # left upper arm at the shoulder
    "LWrist": ((0, 150), (0, 0), (0, 0)),           # left forearm at the elbow: flexes forwards only
    "RElbow": ((-60, 170), (-170, 20), (-60, 60)),
    "RWrist": ((0, 150), (0, 0), (0, 0)),
}


def angle_limits() -> torch.Tensor:
    """(17, 3, 2) float32 degrees: ``[j, axis] = (low, high)``; rigid joints have (0, 0)."""
    from gdl_teach.pose.skeleton import JOINT_NAMES

    limits = torch.zeros(NUM_JOINTS, 3, 2)
    for name, ranges in _LIMITS_DEG.items():
        limits[JOINT_NAMES.index(name)] = torch.tensor(ranges, dtype=torch.float32)
    return limits


def rotation_from_angles(angles: torch.Tensor) -> torch.Tensor:
    """``Rz(twist) Ry(abduct) Rx(flex)`` for every angle triple.

    Args:
        angles: (..., 3) radians ``(flex, abduct, twist)``.

    Returns:
        (..., 3, 3) rotation matrices.
    """
    check_tensor("angles", angles, floating=True)
    if angles.shape[-1] != 3:
        raise ValueError(f"angles must have shape (..., 3), got {tuple(angles.shape)}")
    cx, cy, cz = torch.cos(angles).unbind(-1)
    sx, sy, sz = torch.sin(angles).unbind(-1)
    one, zero = torch.ones_like(cx), torch.zeros_like(cx)
    rx = torch.stack([one, zero, zero, zero, cx, -sx, zero, sx, cx], -1)
    ry = torch.stack([cy, zero, sy, zero, one, zero, -sy, zero, cy], -1)
    rz = torch.stack([cz, -sz, zero, sz, cz, zero, zero, zero, one], -1)
    shape = (*angles.shape[:-1], 3, 3)
    return rz.reshape(shape) @ ry.reshape(shape) @ rx.reshape(shape)


def forward_kinematics(angles: torch.Tensor, offsets: torch.Tensor | None = None) -> torch.Tensor:
    """Joint positions of N poses from their joint angles, pelvis at the origin.

    Args:
        angles: (N, 17, 3) radians, ``(flex, abduct, twist)`` per joint (see the module docstring).
        offsets: (17, 3) or (N, 17, 3) rest offsets in mm (default :func:`~gdl_teach.pose.skeleton.rest_offsets`);
            per-pose offsets give every person their own bone lengths.

    Returns:
        (N, 17, 3) positions in mm, body frame.
    """
    _check_fk_inputs(angles, offsets)
    offsets = rest_offsets().to(angles) if offsets is None else offsets
    offsets = offsets.expand(angles.shape[0], NUM_JOINTS, 3)
    local = rotation_from_angles(angles)  # (N, 17, 3, 3)
    frames = [local[:, 0]]
    positions = [torch.zeros_like(offsets[:, 0])]
    for j in range(1, NUM_JOINTS):  # parents come before children, so one pass suffices
        p = PARENTS[j]
        frames.append(frames[p] @ local[:, j])
        positions.append(positions[p] + (frames[j] @ offsets[:, j, :, None]).squeeze(-1))
    return torch.stack(positions, dim=1)


def _check_fk_inputs(angles: torch.Tensor, offsets: torch.Tensor | None) -> None:
    check_tensor("angles", angles, shape=(None, NUM_JOINTS, 3), floating=True, finite=True)
    if offsets is not None:
        check_tensor("offsets", offsets, floating=True, finite=True)
        if tuple(offsets.shape) not in ((NUM_JOINTS, 3), (angles.shape[0], NUM_JOINTS, 3)):
            raise ValueError(f"offsets must have shape (17, 3) or ({angles.shape[0]}, 17, 3) to match angles, "
                             f"got {tuple(offsets.shape)}")


def bone_lengths(pos: torch.Tensor) -> torch.Tensor:
    """Length of every bone: pos (N, 17, 3) -> (N, 16), in the order of :data:`~gdl_teach.pose.skeleton.BONES`."""
    check_tensor("pos", pos, shape=(None, NUM_JOINTS, 3), floating=True)
    parents, children = zip(*BONES)
    return (pos[:, list(children)] - pos[:, list(parents)]).norm(dim=-1)


def clamp_to_limits(angles: torch.Tensor) -> torch.Tensor:
    """Clamp (N, 17, 3) radians into the joint limits; returns a new tensor."""
    check_tensor("angles", angles, shape=(None, NUM_JOINTS, 3), floating=True)
    limits = torch.deg2rad(angle_limits()).to(angles)
    return torch.maximum(torch.minimum(angles, limits[..., 1]), limits[..., 0])


def within_limits(angles: torch.Tensor, tol_deg: float = 1e-3) -> torch.Tensor:
    """(N,) bool: whether every angle of each pose lies inside the limits (up to ``tol_deg``)."""
    check_tensor("angles", angles, shape=(None, NUM_JOINTS, 3), floating=True)
    deg = torch.rad2deg(angles)
    limits = angle_limits().to(angles)
    return ((deg >= limits[..., 0] - tol_deg) & (deg <= limits[..., 1] + tol_deg)).flatten(1).all(dim=1)


def jittered_offsets(num_poses: int, size_std: float = 0.06, bone_std: float = 0.03,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """Rest offsets of ``num_poses`` different people: (N, 17, 3) mm.

    Each person is scaled by ``1 + size_std * z`` (body size), and each bone by
    a further ``1 + bone_std * z`` (proportions), the left and right side alike.

    Args:
        num_poses: N.
        size_std: spread of the body size (relative).
        bone_std: spread of each bone's length (relative).
        generator: torch RNG for reproducibility.
    """
    from gdl_teach.pose.skeleton import MIRROR

    size = 1 + size_std * torch.randn(num_poses, 1, 1, generator=generator)
    bone = 1 + bone_std * torch.randn(num_poses, NUM_JOINTS, 1, generator=generator)
    bone = 0.5 * (bone + bone[:, list(MIRROR)])  # a person's left and right bones match
    return rest_offsets()[None] * size * bone


def degrees_to_angles(deg: torch.Tensor) -> torch.Tensor:
    """Degrees to radians (a named step so lesson code reads as words)."""
    return deg * (math.pi / 180)
