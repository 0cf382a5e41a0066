"""Lifting examples: normalised keypoints with visibility, root-relative targets, occlusion, view bins."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.pose import datasets, motions


def test_keypoints_are_centred_and_scaled() -> None:
    uv = torch.randn(5, 17, 2) * 80 + 300
    visible = torch.ones(5, 17, dtype=torch.bool)
    visible[:, 3] = False
    x = datasets.normalise_keypoints(uv, visible)
    assert x.shape == (5, 17, 3) and torch.equal(x[:, 0, :2], torch.zeros(5, 2))
    assert torch.equal(x[:, 3], torch.zeros(5, 3)), "an occluded joint reads (0, 0, 0)"
    rms = ((x[..., :2] ** 2).sum(dim=(1, 2)) / 16).sqrt()
    assert torch.allclose(rms, torch.ones(5), atol=1e-5)
    assert torch.allclose(datasets.normalise_keypoints(uv * 3 + 7, visible), x, atol=1e-5), "scale-free"


def test_occlusion_hides_exactly_k_joints_never_the_pelvis() -> None:
    vis = datasets.random_occlusion(200, num_occluded=3, seed=0)
    assert bool((vis.sum(1) == 14).all()) and bool(vis[:, 0].all())
    drop = datasets.random_occlusion(2000, drop_prob=0.1, seed=0)
    assert 0.07 < 1 - float(drop[:, 1:].float().mean()) < 0.13 and bool(drop[:, 0].all())


def test_lifting_set_targets_are_root_relative() -> None:
    poses = motions.make_poses(30, seed=0)
    data = datasets.make_lifting_set(poses.pos, poses.motion, num_occluded=2, seed=0)
    assert len(data) == 30 and data.inputs.shape == (30, 17, 3) and data.target.shape == (30, 17, 3)
    assert torch.equal(data.target[:, 0], torch.zeros(30, 3))
    assert torch.allclose(data.target.norm(dim=-1), poses.pos.norm(dim=-1), atol=1e-2), "a rigid change of frame"
    assert len(data.subset(data.motion == 8)) == int((poses.motion == 8).sum())


def test_view_bins_partition_the_circle() -> None:
    az = torch.tensor([0.0, 44.0, -46.0, 90.0, 136.0, -179.0, 200.0])
    bins = datasets.view_bins(az)
    assert bins["front"].tolist() == [True, True, False, False, False, False, False]
    assert bins["back"].tolist() == [False, False, False, False, True, True, True]
    assert bool((bins["front"].int() + bins["side"].int() + bins["back"].int() == 1).all())


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="visible\\[:, 0\\] must be True"):
        datasets.normalise_keypoints(torch.zeros(1, 17, 2), torch.zeros(1, 17, dtype=torch.bool))
    with pytest.raises(ValueError, match="num_occluded must be <= 15"):
        datasets.random_occlusion(3, num_occluded=16)
    with pytest.raises(ValueError, match="pos must have shape"):
        datasets.make_lifting_set(torch.zeros(3, 16, 3))
