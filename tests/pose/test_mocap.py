"""The DeepMimic clips from the pybullet wheel: optional, checked against pybullet's own kinematics."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from gdl_teach.pose import mocap, skeleton


def test_without_pybullet_the_lesson_gets_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mocap, "data_dir", lambda: None)
    assert not mocap.available() and mocap.clip_names() == [] and mocap.load_clips() == {}
    with pytest.raises(FileNotFoundError, match="pip install pybullet"):
        mocap.clip_joints("walk")


needs_pybullet = pytest.mark.skipif(not mocap.available(), reason="pybullet is not installed")


@needs_pybullet
def test_clips_map_onto_the_lessons_skeleton() -> None:
    names = mocap.clip_names()
    assert len(names) == 15 and "walk" in names and "backflip" in names
    walk = mocap.clip_joints("walk")
    assert walk.shape[1:] == (17, 3) and torch.allclose(walk[:, 0], torch.zeros(len(walk), 3))
    j = skeleton.JOINT_NAMES
    assert float(walk[:, j.index("RHip"), 0].mean()) > 50 > -50 > float(walk[:, j.index("LHip"), 0].mean())
    assert float(walk[:, j.index("Head"), 2].mean()) > 500 and float(walk[:, j.index("Neck/Nose"), 1].mean()) > 30
    with pytest.raises(ValueError, match="name must be one of"):
        mocap.clip_joints("moonwalk")


@needs_pybullet
def test_forward_kinematics_matches_pybullet() -> None:
    p = pytest.importorskip("pybullet")
    folder = mocap.data_dir()
    frames = np.asarray(json.loads((folder / "data/motions/humanoid3d_cartwheel.txt").read_text())["Frames"])[::20]
    ours = mocap.humanoid_fk(frames)
    client = p.connect(p.DIRECT)
    try:
        body = p.loadURDF(str(folder / "humanoid/humanoid.urdf"), globalScaling=mocap.URDF_SCALE,
                          flags=p.URDF_MAINTAIN_LINK_ORDER, physicsClientId=client)
        index = {p.getJointInfo(body, i, physicsClientId=client)[1].decode(): i
                 for i in range(p.getNumJoints(body, physicsClientId=client))}
        for f, fr in enumerate(frames):
            p.resetBasePositionAndOrientation(body, fr[1:4], [*fr[5:8], fr[4]], physicsClientId=client)
            k = 8
            for name, size in mocap.FRAME_LAYOUT:
                value = [*fr[k + 1:k + 4], fr[k]] if size == 4 else [fr[k]]
                p.resetJointStateMultiDof(body, index[name], value, physicsClientId=client)
                k += size
            for name, i in index.items():
                if name != "root":
                    link = p.getLinkState(body, i, computeForwardKinematics=True, physicsClientId=client)
                    assert np.allclose(link[4], ours[name][f], atol=1e-5), name
    finally:
        p.disconnect(client)
