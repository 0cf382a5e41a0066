"""Forward kinematics: rest pose at zero angles, bone lengths kept, conventions, limits."""
from __future__ import annotations

import math

import pytest
import torch

from gdl_teach.core.symmetry import rotation_matrix
from gdl_teach.pose import kinematics, motions, skeleton


def test_zero_angles_give_the_rest_pose() -> None:
    pos = kinematics.forward_kinematics(torch.zeros(3, 17, 3))
    assert pos.shape == (3, 17, 3)
    assert torch.allclose(pos, skeleton.rest_positions().expand(3, 17, 3))


def test_rotation_convention_matches_the_kit() -> None:
    angles = torch.tensor([0.3, -0.7, 1.1])
    ours = kinematics.rotation_from_angles(angles.double())
    assert torch.allclose(ours, rotation_matrix(tuple(angles.tolist()), degrees=False, dtype=torch.float64))
    batch = kinematics.rotation_from_angles(torch.randn(5, 17, 3))
    eye = torch.eye(3).expand(5, 17, 3, 3)
    assert torch.allclose(batch @ batch.transpose(-1, -2), eye, atol=1e-5)
    assert torch.allclose(torch.linalg.det(batch), torch.ones(5, 17), atol=1e-5)


def test_bone_lengths_are_kept_whatever_the_angles() -> None:
    angles = torch.randn(50, 17, 3, dtype=torch.float64) * 2
    offsets = kinematics.jittered_offsets(50, generator=torch.Generator().manual_seed(0)).double()
    pos = kinematics.forward_kinematics(angles, offsets)
    rest = kinematics.forward_kinematics(torch.zeros_like(angles), offsets)
    assert torch.allclose(kinematics.bone_lengths(pos), kinematics.bone_lengths(rest), atol=1e-9)


def test_knee_bends_backwards_and_elbow_forwards() -> None:
    names = skeleton.JOINT_NAMES
    deg = torch.zeros(1, 17, 3)
    deg[0, names.index("RFoot"), 0] = -90  # bend the right knee
    deg[0, names.index("LWrist"), 0] = 90  # bend the left elbow
    pos = kinematics.forward_kinematics(torch.deg2rad(deg))[0]
    assert pos[names.index("RFoot"), 1] < -400, "the foot goes behind the knee"
    assert pos[names.index("LWrist"), 1] > 200, "the hand comes forwards"


def test_motion_and_random_poses_respect_the_limits() -> None:
    for name in motions.MOTIONS:
        assert bool(kinematics.within_limits(motions.motion_angles(name, 20, seed=1)).all()), name
    assert bool(kinematics.within_limits(motions.random_angles(100)).all())
    wild = torch.full((2, 17, 3), 10.0)
    assert bool(kinematics.within_limits(kinematics.clamp_to_limits(wild)).all())
    assert not bool(kinematics.within_limits(wild).any())


def test_jittered_people_are_symmetric_and_vary() -> None:
    offsets = kinematics.jittered_offsets(200, generator=torch.Generator().manual_seed(1))
    lengths = kinematics.bone_lengths(kinematics.forward_kinematics(torch.zeros(200, 17, 3), offsets))
    assert torch.allclose(lengths[:, 1], lengths[:, 4]), "left and right thighs match"
    assert 0.04 < float(lengths[:, 1].std() / lengths[:, 1].mean()) < 0.1


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="angles must have shape"):
        kinematics.forward_kinematics(torch.zeros(2, 16, 3))
    with pytest.raises(ValueError, match="offsets must have shape"):
        kinematics.forward_kinematics(torch.zeros(2, 17, 3), torch.zeros(3, 17, 3))
    with pytest.raises(TypeError, match="angles must be a torch.Tensor"):
        kinematics.rotation_from_angles([0.0, 0.0, math.pi])
