"""Synthetic poses: every motion, the random poses, the mix."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.pose import motions


def test_motions_are_seeded_and_differ() -> None:
    a = motions.motion_angles("walk", 10, seed=3)
    assert torch.equal(a, motions.motion_angles("walk", 10, seed=3))
    assert not torch.equal(a, motions.motion_angles("walk", 10, seed=4))
    assert not torch.allclose(motions.pose_angles("squat", 0.5), motions.pose_angles("walk", 0.5))
    assert torch.equal(motions.pose_angles("rest"), torch.zeros(17, 3))


def test_make_poses_mixes_motions_and_random_poses() -> None:
    poses = motions.make_poses(90, random_share=0.5, seed=0)
    assert len(poses) == 90 and poses.pos.shape == (90, 17, 3)
    counts = torch.bincount(poses.motion, minlength=9)
    assert int(counts[-1]) == 45 and int(counts[:-1].sum()) == 45 and bool((counts > 0).all())
    assert poses.names[-1] == "random" and len(poses.names) == 9
    assert torch.allclose(poses.pos[:, 0], torch.zeros(90, 3)), "the pelvis is at the origin"


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="name must be one of"):
        motions.motion_angles("dance", 3)
    with pytest.raises(ValueError, match="random_share must be <= 1"):
        motions.make_poses(20, random_share=1.5)
    with pytest.raises(ValueError, match="num_poses must be >= 9"):
        motions.make_poses(5)
