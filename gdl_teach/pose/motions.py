"""Synthetic poses: eight parametric motions and uniformly random poses within the joint limits.

No pose benchmark ships in an installable package, so the lesson generates its
poses (this is synthetic data, and the lesson says so). A motion is a function
of its phase ``t`` in [0, 1) that returns joint angles in degrees; every sample
gets its own amplitude (x 0.8 to 1.2), a few degrees of noise on every free
angle, and its own body (size and proportions, see
:func:`~gdl_teach.pose.kinematics.jittered_offsets`). Angles are clamped into
the joint limits, so every pose is a valid one.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from gdl_teach.core.validate import check_choice, check_float, check_int
from gdl_teach.pose.kinematics import angle_limits, clamp_to_limits, forward_kinematics, jittered_offsets
from gdl_teach.pose.skeleton import JOINT_NAMES, NUM_JOINTS

Motion = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _set(deg: torch.Tensor, joint: str, axis: int, value: torch.Tensor | float) -> None:
    deg[:, JOINT_NAMES.index(joint), axis] = value


def _walk_like(t: torch.Tensor, a: torch.Tensor, stride: float, knee: float, lean: float, elbow: float) -> torch.Tensor:
    deg = torch.zeros(t.shape[0], NUM_JOINTS, 3)
    s, c = torch.sin(2 * math.pi * t), torch.cos(2 * math.pi * t)
    _set(deg, "LKnee", 0, stride * a * s)
    _set(deg, "RKnee", 0, -stride * a * s)
    _set(deg, "LFoot", 0, -knee * a * torch.relu(c))  # the knee bends while the leg swings forward
    _set(deg, "RFoot", 0, -knee * a * torch.relu(-c))
    _set(deg, "LElbow", 0, -0.8 * stride * a * s)     # arms swing against the legs
    _set(deg, "RElbow", 0, 0.8 * stride * a * s)
    _set(deg, "LWrist", 0, elbow * a)
    _set(deg, "RWrist", 0, elbow * a)
    _set(deg, "Thorax", 0, -lean * a)
    _set(deg, "Thorax", 2, 6 * a * s)
    return deg


def walk(t: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Walking: legs swing +-25 deg, arms against them, elbows slightly bent."""
    return _walk_like(t, a, stride=25, knee=45, lean=3, elbow=20)


def run(t: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Running: longer strides, knees up to 100 deg, elbows at 90, leaning forwards."""
    return _walk_like(t, a, stride=45, knee=100, lean=12, elbow=90)


def squat(t: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Squatting down and up: hips and knees bend together, arms reach forwards for balance."""
    deg = torch.zeros(t.shape[0], NUM_JOINTS, 3)
    depth = a * 0.5 * (1 - torch.cos(2 * math.pi * t))
    for side in "LR":
        _set(deg, f"{side}Knee", 0, 105 * depth)
        _set(deg, f"{side}Foot", 0, -130 * depth)
        _set(deg, f"{side}Elbow", 0, 85 * depth)
    _set(deg, "Hip", 0, 20 * depth)
    _set(deg, "Thorax", 0, -35 * depth)
    return deg


def wave(t: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Waving with the right hand raised: the forearm swings side to side."""
    deg = torch.zeros(t.shape[0], NUM_JOINTS, 3)
    _set(deg, "RElbow", 1, -110 * a)
    _set(deg, "RElbow", 2, 50 * torch.sin(4 * math.pi * t))
    _set(deg, "RWrist", 0, 60 + 40 * torch.sin(4 * math.pi * t))
    _set(deg, "LWrist", 0, 10 * a)
    _set(deg, "Neck/Nose", 2, -15 * a)
    return deg


def jumping_jack(t: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Jumping jacks: arms up sideways to 160 deg while the legs spread."""
    deg = torch.zeros(t.shape[0], NUM_JOINTS, 3)
    open_ = a * torch.sin(math.pi * t) ** 2
    _set(deg, "LElbow", 1, 160 * open_)
    _set(deg, "RElbow", 1, -160 * open_)
    _set(deg, "LKnee", 1, 25 * open_)
    _set(deg, "RKnee", 1, -25 * open_)
    return deg


def reach(t: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Reaching forwards and up with the left arm, bending the upper body towards it."""
    deg = torch.zeros(t.shape[0], NUM_JOINTS, 3)
    lift = a * (0.5 - 0.5 * torch.cos(2 * math.pi * t))
    _set(deg, "LElbow", 0, 40 + 110 * lift)
    _set(deg, "LWrist", 0, 60 * (1 - lift))
    _set(deg, "Thorax", 0, -25 * lift)
    _set(deg, "Thorax", 2, -20 * lift)
    _set(deg, "RWrist", 0, 20 * a)
    return deg


def sit(t: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """Sitting on a chair: thighs forwards, shins down, hands on the lap, swaying a little."""
    deg = torch.zeros(t.shape[0], NUM_JOINTS, 3)
    sway = torch.sin(2 * math.pi * t)
    for side, sign in (("L", 1), ("R", -1)):
        _set(deg, f"{side}Knee", 0, 88 * a)
        _set(deg, f"{side}Knee", 1, sign * 8 * a)
        _set(deg, f"{side}Foot", 0, -88 * a)
        _set(deg, f"{side}Elbow", 0, 25 * a)
        _set(deg, f"{side}Wrist", 0, 55 * a)
    _set(deg, "Thorax", 0, -8 * sway)
    _set(deg, "Neck/Nose", 2, 25 * sway)
    return deg


def kick(t: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """A front kick with the right leg, arms out for balance."""
    deg = torch.zeros(t.shape[0], NUM_JOINTS, 3)
    lift = a * torch.sin(math.pi * t) ** 2
    _set(deg, "RKnee", 0, 95 * lift)
    _set(deg, "RFoot", 0, -90 * lift * (1 - torch.sin(math.pi * t) ** 4))  # chamber, then extend
    _set(deg, "LElbow", 1, 45 * lift)
    _set(deg, "RElbow", 1, -45 * lift)
    _set(deg, "Thorax", 0, 10 * lift)
    return deg


MOTIONS: dict[str, Motion] = {
    "walk": walk, "run": run, "squat": squat, "wave": wave, "jumping jack": jumping_jack,
    "reach": reach, "sit": sit, "kick": kick,
}


def motion_angles(name: str, num_poses: int, seed: int = 0, noise_deg: float = 4.0) -> torch.Tensor:
    """Joint angles of ``num_poses`` samples of one motion at random phases: (N, 17, 3) radians.

    Args:
        name: one of :data:`MOTIONS`.
        num_poses: N.
        seed: seed of the phases, amplitudes and noise.
        noise_deg: std of the noise added to every free angle, degrees.
    """
    check_choice("name", name, list(MOTIONS))
    num_poses = check_int("num_poses", num_poses, min_value=1)
    noise_deg = check_float("noise_deg", noise_deg, min_value=0.0)
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
    t = torch.rand(num_poses, generator=g)
    amplitude = 0.8 + 0.4 * torch.rand(num_poses, 1, generator=g).squeeze(1)
    deg = MOTIONS[name](t, amplitude)
    free = (angle_limits()[..., 1] > angle_limits()[..., 0]).float()
    deg = deg + noise_deg * free * torch.randn(deg.shape, generator=g)
    return clamp_to_limits(torch.deg2rad(deg))


def pose_angles(name: str, phase: float = 0.25, amplitude: float = 1.0) -> torch.Tensor:
    """One noise-free pose of a motion at a given phase, or ``"rest"``: (17, 3) radians."""
    check_choice("name", name, ["rest", *MOTIONS])
    phase = check_float("phase", phase, min_value=0.0, max_value=1.0)
    amplitude = check_float("amplitude", amplitude, min_value=0.0, max_value=1.5)
    if name == "rest":
        return torch.zeros(NUM_JOINTS, 3)
    deg = MOTIONS[name](torch.tensor([phase]), torch.tensor([amplitude]))
    return clamp_to_limits(torch.deg2rad(deg))[0]


def random_angles(num_poses: int, seed: int = 0) -> torch.Tensor:
    """Angles drawn uniformly inside every joint's limits: (N, 17, 3) radians (valid, often odd poses)."""
    num_poses = check_int("num_poses", num_poses, min_value=1)
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
    limits = torch.deg2rad(angle_limits())
    u = torch.rand(num_poses, NUM_JOINTS, 3, generator=g)
    return limits[..., 0] + u * (limits[..., 1] - limits[..., 0])


@dataclass
class PoseSet:
    """Poses in the body frame with the motion they come from.

    Attributes:
        pos: (N, 17, 3) joint positions, mm, pelvis at the origin.
        angles: (N, 17, 3) joint angles, radians.
        motion: (N,) long, index into ``names`` (the last name is ``"random"``).
        names: the motion names.
    """

    pos: torch.Tensor
    angles: torch.Tensor
    motion: torch.Tensor
    names: tuple[str, ...]

    def __len__(self) -> int:
        return self.pos.shape[0]


def make_poses(num_poses: int, random_share: float = 0.2, seed: int = 0) -> PoseSet:
    """A mix of the eight motions (equal shares) and uniformly random valid poses, each with its own body.

    Args:
        num_poses: N.
        random_share: fraction of uniformly random poses.
        seed: seed of everything drawn.
    """
    num_poses = check_int("num_poses", num_poses, min_value=len(MOTIONS) + 1)
    check_float("random_share", random_share, min_value=0.0, max_value=1.0)
    num_random = round(random_share * num_poses)
    counts = [(num_poses - num_random) // len(MOTIONS)] * len(MOTIONS)
    counts[0] += num_poses - num_random - sum(counts)
    parts = [motion_angles(name, k, seed=seed * 101 + i) for i, (name, k) in enumerate(zip(MOTIONS, counts)) if k]
    labels = [torch.full((k,), i) for i, k in enumerate(counts) if k]
    if num_random:
        parts.append(random_angles(num_random, seed=seed * 101 + 99))
        labels.append(torch.full((num_random,), len(MOTIONS)))
    angles, motion = torch.cat(parts), torch.cat(labels)
    g = torch.Generator().manual_seed(seed * 101 + 7)
    offsets = jittered_offsets(num_poses, generator=g)
    return PoseSet(forward_kinematics(angles, offsets), angles, motion, (*MOTIONS, "random"))
