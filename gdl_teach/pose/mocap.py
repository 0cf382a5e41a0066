"""Real motion capture, optional: the DeepMimic clips that ship inside the ``pybullet`` wheel.

``pybullet_data`` (installed with ``pip install pybullet``, about 100 MB)
holds 15 motion-capture clips of a humanoid (walk, run, jump, kick, punch,
spin, backflip, cartwheel, crawl, roll, two dances, two get-ups) used by
DeepMimic (Peng et al. 2018, https://arxiv.org/abs/1804.02717), and the
humanoid's skeleton, ``humanoid/humanoid.urdf``. The files are read from the
installed package at run time and never copied (their licence is not stated in
the wheel).

Each frame of a clip is a list of 44 numbers: its duration, the root position,
then quaternions ``(w, x, y, z)`` for the root, chest, neck, hips, ankles and
shoulders and one angle for each knee and elbow. The humanoid's frame is y up,
x forward, z to its right; the URDF's offsets are scaled by 0.25 (as DeepMimic
loads it). :func:`clip_joints` runs forward kinematics on the URDF and maps the
humanoid's joints onto the lesson's 17 (two head points are placed on the neck
link, see :data:`HEAD_POINTS`).
"""
from __future__ import annotations

import importlib.util
import json
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from gdl_teach.core.validate import check_choice

URDF_SCALE = 0.25
#: the humanoid's joints in the order of a frame's values, with how many numbers each takes.
FRAME_LAYOUT = (("chest", 4), ("neck", 4), ("right_hip", 4), ("right_knee", 1), ("right_ankle", 4),
                ("right_shoulder", 4), ("right_elbow", 1), ("left_hip", 4), ("left_knee", 1),
                ("left_ankle", 4), ("left_shoulder", 4), ("left_elbow", 1))
#: the lesson's 17 joints as humanoid joints (URDF joint frames), except the two head points.
JOINT_MAP = ("root", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle", "chest",
             "neck", "nose", "head", "left_shoulder", "left_elbow", "left_wrist", "right_shoulder", "right_elbow",
             "right_wrist")
#: nose and top of the head as points of the neck link (URDF units, before scaling).
HEAD_POINTS = {"nose": (0.24, 0.4, 0.0), "head": (0.08, 0.84, 0.0)}


def data_dir() -> Path | None:
    """The installed ``pybullet_data`` folder, or ``None`` when pybullet is not installed."""
    spec = importlib.util.find_spec("pybullet_data")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def available() -> bool:
    """Whether the clips can be read (pybullet is installed)."""
    folder = data_dir()
    return folder is not None and (folder / "humanoid" / "humanoid.urdf").exists()


def _require() -> Path:
    folder = data_dir()
    if folder is None or not available():
        raise FileNotFoundError("the DeepMimic clips come with pybullet, which is not installed: "
                                "`pip install pybullet` (about 100 MB), or use the synthetic poses")
    return folder


def clip_names() -> list[str]:
    """Names of the humanoid clips, e.g. ``["backflip", "cartwheel", ...]`` (empty without pybullet)."""
    if not available():
        return []
    folder = _require() / "data" / "motions"
    return sorted(p.stem.removeprefix("humanoid3d_") for p in folder.glob("humanoid3d_*.txt"))


@lru_cache(maxsize=1)
def urdf_joints() -> dict[str, tuple[str, np.ndarray]]:
    """Joint name -> (parent joint name, offset from the parent joint in its frame, metres)."""
    text = (_require() / "humanoid" / "humanoid.urdf").read_bytes().rstrip(b"\x00\r\n ")  # the file ends in a NUL
    root = ET.fromstring(text)
    child_of = {j.find("child").get("link"): j for j in root.iter("joint")}
    out: dict[str, tuple[str, np.ndarray]] = {}
    for joint in root.iter("joint"):
        parent_link = joint.find("parent").get("link")
        parent_joint = child_of[parent_link].get("name") if parent_link in child_of else ""
        xyz = np.array([float(v) for v in joint.find("origin").get("xyz").split()]) * URDF_SCALE
        out[joint.get("name")] = (parent_joint, xyz)
    return out


def _quat_to_matrix(q: np.ndarray) -> np.ndarray:
    """(F, 4) unit quaternions (w, x, y, z) -> (F, 3, 3)."""
    w, x, y, z = (q / np.linalg.norm(q, axis=1, keepdims=True)).T
    return np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                     2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                     2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], axis=1).reshape(-1, 3, 3)


def _local_rotations(frames: np.ndarray) -> dict[str, np.ndarray]:
    """Every joint's rotation relative to its parent, (F, 3, 3), from the frame values."""
    rot = {"root": _quat_to_matrix(frames[:, 4:8])}
    k = 8
    for name, size in FRAME_LAYOUT:
        if size == 4:
            rot[name] = _quat_to_matrix(frames[:, k:k + 4])
        else:  # knees and elbows turn about their z axis
            c, s = np.cos(frames[:, k]), np.sin(frames[:, k])
            zero, one = np.zeros_like(c), np.ones_like(c)
            rot[name] = np.stack([c, -s, zero, s, c, zero, zero, zero, one], axis=1).reshape(-1, 3, 3)
        k += size
    return rot


def humanoid_fk(frames: np.ndarray) -> dict[str, np.ndarray]:
    """World positions (F, 3) in metres of every URDF joint (and the two head points), humanoid's y-up frame.

    Args:
        frames: (F, 44) the values of a clip's frames.
    """
    joints = urdf_joints()
    local = _local_rotations(frames)
    pos = {"root": frames[:, 1:4]}
    frame = {"root": local["root"]}
    for name, (parent, offset) in joints.items():  # the URDF lists parents before children
        if name == "root":
            continue
        pos[name] = pos[parent] + frame[parent] @ offset
        frame[name] = frame[parent] @ local[name] if name in local else frame[parent]
    for name, point in HEAD_POINTS.items():
        pos[name] = pos["neck"] + frame["neck"] @ (np.array(point) * URDF_SCALE)
    return pos


def _heading_aligned(pos: np.ndarray, root_rot: np.ndarray) -> np.ndarray:
    """Pelvis to the origin, the facing direction to +y, axes to the lesson's (x right, y forward, z up)."""
    forward = root_rot[:, :, 0]  # the humanoid faces its local +x
    yaw = np.arctan2(-forward[:, 2], forward[:, 0])  # heading about the vertical (y) axis
    c, s = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
    rel = pos - pos[:, :1]
    x, y, z = rel[..., 0], rel[..., 1], rel[..., 2]
    fwd, right = c * x - s * z, s * x + c * z  # undo the heading
    return np.stack([right, fwd, y], axis=-1)


def clip_joints(name: str) -> torch.Tensor:
    """The lesson's 17 joints for every frame of a clip: (F, 17, 3) mm, body frame, pelvis at the origin.

    Args:
        name: one of :func:`clip_names`, e.g. ``"walk"``.
    """
    folder = _require()
    check_choice("name", name, clip_names())
    data = json.loads((folder / "data" / "motions" / f"humanoid3d_{name}.txt").read_text())
    frames = np.asarray(data["Frames"], dtype=np.float64)
    pos = humanoid_fk(frames)
    stacked = np.stack([pos[j] for j in JOINT_MAP], axis=1)  # (F, 17, 3)
    aligned = _heading_aligned(stacked, _quat_to_matrix(frames[:, 4:8]))
    return torch.from_numpy(aligned * 1000).float()


def load_clips() -> dict[str, torch.Tensor]:
    """Every clip's joints, name -> (F, 17, 3) mm; an empty dict when pybullet is not installed."""
    return {name: clip_joints(name) for name in clip_names()}
