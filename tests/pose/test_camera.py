"""The pinhole camera: where it looks, what it projects, and depth flips that leave the image unchanged."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.pose import camera, kinematics, motions, skeleton


def _filmed(num: int = 40, seed: int = 0) -> tuple[torch.Tensor, camera.Cameras]:
    poses = motions.make_poses(max(num, 9), seed=seed)
    cams = camera.sample_cameras(len(poses), seed=seed)
    return camera.to_camera(poses.pos.double(), _double(cams)), _double(cams)


def _double(c: camera.Cameras) -> camera.Cameras:
    return camera.Cameras(c.rotation.double(), c.centre.double(), c.focal.double(), c.azimuth, c.elevation)


def test_projection_of_known_points() -> None:
    pos_cam = torch.tensor([[[0.0, 0.0, 4000.0], [400.0, -200.0, 4000.0]]])
    uv = camera.project(pos_cam, torch.tensor([1000.0]))
    assert torch.allclose(uv, torch.tensor([[[0.0, 0.0], [100.0, -50.0]]]))
    with pytest.raises(ValueError, match="behind the camera"):
        camera.project(-pos_cam, torch.tensor([1000.0]))


def test_a_front_camera_sees_the_left_side_on_the_image_right() -> None:
    cam = camera.one_camera(azimuth=0, elevation=0, distance=4000)
    assert torch.allclose(cam.rotation[0] @ cam.rotation[0].t(), torch.eye(3), atol=1e-6)
    rest = skeleton.rest_positions()[None]
    uv = camera.project(camera.to_camera(rest, cam), cam.focal)[0]
    names = skeleton.JOINT_NAMES
    assert uv[names.index("LShoulder"), 0] > 0 > uv[names.index("RShoulder"), 0]
    assert uv[names.index("Head"), 1] < 0 < uv[names.index("LFoot"), 1], "image y points down"
    back = camera.one_camera(azimuth=180, elevation=0, distance=4000)
    uv_back = camera.project(camera.to_camera(rest, back), back.focal)[0]
    assert uv_back[names.index("LShoulder"), 0] < 0, "from behind, the left side is on the image left"


def test_roll_rotates_the_image_about_its_centre() -> None:
    rest = skeleton.rest_positions()[None]
    flat, rolled = camera.one_camera(roll=0.0), camera.one_camera(roll=30.0)
    uv0 = camera.project(camera.to_camera(rest, flat), flat.focal)[0]
    uv1 = camera.project(camera.to_camera(rest, rolled), rolled.focal)[0]
    assert torch.allclose(uv0.norm(dim=1), uv1.norm(dim=1), atol=1e-3)
    assert not torch.allclose(uv0, uv1, atol=1.0)


@pytest.mark.parametrize("joint", ["LWrist", "RFoot", "LElbow", "RKnee", "Thorax", "Neck/Nose"])
def test_depth_flip_leaves_the_image_unchanged(joint: str) -> None:
    pos_cam, cams = _filmed()
    flipped = camera.flip_depth(pos_cam, joint)
    assert torch.allclose(camera.project(flipped, cams.focal), camera.project(pos_cam, cams.focal), atol=1e-6)
    moved = (flipped - pos_cam).norm(dim=-1)
    assert float(moved[:, skeleton.joint_index(joint)].mean()) > 20, "the flip really moves the joint"
    untouched = [j for j in range(17) if j not in skeleton.subtree(joint)]
    assert torch.equal(flipped[:, untouched], pos_cam[:, untouched])


def test_flipping_an_end_bone_keeps_every_bone_length() -> None:
    pos_cam, _ = _filmed()
    for joint in ("LWrist", "RWrist", "LFoot", "RFoot", "Head"):
        flipped = camera.flip_depth(pos_cam, joint)
        assert torch.allclose(kinematics.bone_lengths(flipped), kinematics.bone_lengths(pos_cam), atol=1e-6)
    twice = camera.flip_depth(camera.flip_depth(pos_cam, "LWrist"), "LWrist")
    assert torch.allclose(twice, pos_cam, atol=1e-6), "flipping twice gives the pose back"


def test_flip_accepts_one_pose_and_copies() -> None:
    pos_cam, _ = _filmed()
    one = pos_cam[0].clone()
    out = camera.flip_depth(one, "LWrist")
    assert out.shape == (17, 3) and torch.equal(one, pos_cam[0])
    with pytest.raises(ValueError, match="joint must not be the root"):
        camera.flip_depth(one, "Hip")


def test_camera_ranges_and_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="elevation must be a \\(low, high\\) range"):
        camera.CameraRanges(elevation=(30.0, 10.0))
    with pytest.raises(ValueError, match="elevation must stay within"):
        camera.CameraRanges(elevation=(0.0, 85.0))
    with pytest.raises(ValueError, match="distance must be > 1500"):
        camera.one_camera(distance=1000.0)
    with pytest.raises(ValueError, match="cameras must hold 1 or 4"):
        camera.to_camera(torch.zeros(4, 17, 3), camera.sample_cameras(3))
