"""A pinhole camera around the person: where it stands, what it sees, and what it cannot see (depth).

The camera looks at the pelvis from ``distance`` mm, at an ``azimuth`` around
the person (0: in front of them, 90: at their right, 180: behind them) and an
``elevation`` above the pelvis, turned by ``roll`` about its optical axis.
Camera coordinates follow OpenCV: X to the image's right, Y down, Z along the
optical axis, and a point projects to pixels ``(u, v) = f (X / Z, Y / Z)``
(principal point at 0).

What the projection throws away is each joint's depth along its ray:
:func:`flip_depth` moves a limb to the *other* position on the rays through its
image points at which its bones keep their lengths. The 2D image stays
identical; the 3D pose does not. A lifter that sees only 2D cannot tell the two
apart without knowing which poses are likely.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.pose.skeleton import NUM_JOINTS, PARENTS, joint_index, subtree


@dataclass(frozen=True)
class CameraRanges:
    """Ranges the cameras of a data set are drawn from (uniformly): (low, high) each.

    Angles in degrees, distance in mm, focal length in pixels.
    """

    azimuth: tuple[float, float] = (-180.0, 180.0)
    elevation: tuple[float, float] = (-5.0, 30.0)
    distance: tuple[float, float] = (3500.0, 6000.0)
    roll: tuple[float, float] = (-5.0, 5.0)
    focal: tuple[float, float] = (800.0, 1200.0)

    def __post_init__(self) -> None:
        for name in ("azimuth", "elevation", "distance", "roll", "focal"):
            low, high = getattr(self, name)
            if not low <= high:
                raise ValueError(f"{name} must be a (low, high) range with low <= high, got {(low, high)}")
        if not (-80 <= self.elevation[0] and self.elevation[1] <= 80):
            raise ValueError(f"elevation must stay within [-80, 80] degrees, got {self.elevation}")
        if self.distance[0] <= 1500 or self.focal[0] <= 0:
            raise ValueError("distance must stay above 1500 mm (the camera outside the body) and focal above 0")


#: the cameras of the training data (and of the held-out test): all around the person, at most 30 degrees up.
TRAINING_VIEWS = CameraRanges()


@dataclass
class Cameras:
    """N cameras: rotation (N, 3, 3) body -> camera, centre (N, 3) mm, focal (N,) px, and their parameters."""

    rotation: torch.Tensor
    centre: torch.Tensor
    focal: torch.Tensor
    azimuth: torch.Tensor
    elevation: torch.Tensor

    def __len__(self) -> int:
        return self.rotation.shape[0]


def look_at(azimuth: torch.Tensor, elevation: torch.Tensor, distance: torch.Tensor,
            roll: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Rotation (N, 3, 3) and centre (N, 3) of cameras looking at the pelvis.

    Args:
        azimuth, elevation, roll: (N,) degrees; distance: (N,) mm.
    """
    az, el, ro = torch.deg2rad(azimuth), torch.deg2rad(elevation), torch.deg2rad(roll)
    centre = distance[:, None] * torch.stack([torch.sin(az) * torch.cos(el), torch.cos(az) * torch.cos(el),
                                              torch.sin(el)], -1)
    forward = -centre / centre.norm(dim=-1, keepdim=True)  # optical axis: towards the pelvis
    up = torch.tensor([0.0, 0.0, 1.0]).expand_as(forward)
    right = torch.linalg.cross(forward, up)
    right = right / right.norm(dim=-1, keepdim=True)
    down = torch.linalg.cross(forward, right)
    c, s = torch.cos(ro)[:, None], torch.sin(ro)[:, None]
    right, down = c * right + s * down, -s * right + c * down  # roll about the optical axis
    return torch.stack([right, down, forward], dim=1), centre


def sample_cameras(num_cameras: int, ranges: CameraRanges = TRAINING_VIEWS, seed: int = 0) -> Cameras:
    """Draw ``num_cameras`` cameras uniformly from ``ranges``."""
    num_cameras = check_int("num_cameras", num_cameras, min_value=1)
    if not isinstance(ranges, CameraRanges):
        raise TypeError(f"ranges must be a CameraRanges, got {type(ranges).__name__}")
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))

    def draw(low_high: tuple[float, float]) -> torch.Tensor:
        low, high = low_high
        return low + (high - low) * torch.rand(num_cameras, generator=g)

    az, el, dist, roll, focal = (draw(r) for r in (ranges.azimuth, ranges.elevation, ranges.distance,
                                                   ranges.roll, ranges.focal))
    rotation, centre = look_at(az, el, dist, roll)
    return Cameras(rotation, centre, focal, az, el)


def one_camera(azimuth: float = 0.0, elevation: float = 10.0, distance: float = 4500.0, roll: float = 0.0,
               focal: float = 1000.0) -> Cameras:
    """A single camera (N = 1) from its parameters (degrees, mm, px)."""
    values = [check_float("azimuth", azimuth, min_value=-360, max_value=360),
              check_float("elevation", elevation, min_value=-80, max_value=80),
              check_float("distance", distance, min_value=1500.0, strict_min=True),
              check_float("roll", roll, min_value=-180, max_value=180)]
    focal = check_float("focal", focal, min_value=0.0, strict_min=True)
    az, el, dist, ro = (torch.tensor([v]) for v in values)
    rotation, centre = look_at(az, el, dist, ro)
    return Cameras(rotation, centre, torch.tensor([focal]), az, el)


def to_camera(pos: torch.Tensor, cameras: Cameras) -> torch.Tensor:
    """Body-frame positions into camera coordinates: (N, 17, 3) mm -> (N, 17, 3) mm (Z = depth)."""
    check_tensor("pos", pos, shape=(None, NUM_JOINTS, 3), floating=True)
    if len(cameras) not in (1, pos.shape[0]):
        raise ValueError(f"cameras must hold 1 or {pos.shape[0]} cameras (one per pose), got {len(cameras)}")
    return (pos - cameras.centre[:, None]) @ cameras.rotation.transpose(1, 2)


def project(pos_cam: torch.Tensor, focal: torch.Tensor) -> torch.Tensor:
    """Pinhole projection: (N, J, 3) camera coordinates, (N,) focal lengths -> (N, J, 2) pixels."""
    check_tensor("pos_cam", pos_cam, floating=True)
    if pos_cam.dim() != 3 or pos_cam.shape[-1] != 3:
        raise ValueError(f"pos_cam must have shape (N, J, 3), got {tuple(pos_cam.shape)}")
    if bool((pos_cam[..., 2] <= 0).any()):
        raise ValueError("pos_cam has points at or behind the camera (Z <= 0); move the camera further away")
    return focal.reshape(-1, 1, 1) * pos_cam[..., :2] / pos_cam[..., 2:]


def root_relative(pos: torch.Tensor) -> torch.Tensor:
    """Subtract the pelvis (joint 0): (N, 17, D) -> (N, 17, D)."""
    return pos - pos[:, :1]


def flip_depth(pos_cam: torch.Tensor, joint: str | int) -> torch.Tensor:
    """Move the limb below ``joint`` to its other depth: same image, same bone lengths, another 3D pose.

    A joint lies on the ray through its image point; the points of that ray at
    the bone's length from the parent are two (a sphere meets a line twice).
    ``joint`` moves to the other one; every joint below it then takes, on its
    own ray, the solution on the same side as before (so only this one bone
    turns over). If a moved parent leaves no solution, the closest point of the
    ray is used (the image still matches; that bone length then does not).

    Args:
        pos_cam: (17, 3) or (N, 17, 3) camera coordinates, mm (not root-relative).
        joint: name or index of the joint whose bone to flip (not the root).

    Returns:
        New positions, same shape; the input is not changed.
    """
    j0 = joint_index(joint)
    if j0 == 0:
        raise ValueError("joint must not be the root (Hip): it has no bone to turn over")
    single = pos_cam.dim() == 2
    old = check_tensor("pos_cam", pos_cam[None] if single else pos_cam, shape=(None, NUM_JOINTS, 3), floating=True)
    new = old.clone()
    for j in subtree(j0):
        p_old, p_new, q = old[:, PARENTS[j]], new[:, PARENTS[j]], old[:, j]
        ray = q / q.norm(dim=-1, keepdim=True)
        length2 = ((q - p_old) ** 2).sum(-1)
        side = torch.sign((q * ray).sum(-1) - (p_old * ray).sum(-1))  # was q beyond its parent along the ray?
        side = -side if j == j0 else side
        mid = (p_new * ray).sum(-1)  # the solutions: mid +- sqrt(L^2 - (distance of the parent from the ray)^2)
        disc = (length2 - ((p_new - mid[:, None] * ray) ** 2).sum(-1)).clamp(min=0.0)
        new[:, j] = (mid + side * disc.sqrt())[:, None] * ray
    return new[0] if single else new
