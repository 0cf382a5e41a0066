"""A spinning multi-beam LiDAR, ray-cast into a :class:`~gdl_teach.driving.scene.Scene`.

A spinning LiDAR has ``num_beams`` lasers stacked at fixed elevations over its
vertical field of view; the head turns and fires all of them ``num_columns``
times per turn. Each shot measures the distance to the first surface along the
ray. So a scan is, natively, a ``num_beams x num_columns`` grid of ranges (the
*range image*); the point cloud is that grid turned into ``(x, y, z)``.

The ray-caster intersects every ray with every solid of the scene at once
(NumPy arrays of shape rays x solids) and keeps the nearest hit: exact, and a
32 x 512 scan of a street takes a few hundredths of a second.

Frames: points are returned in the *sensor frame* (x forward, y left, z up,
origin at the sensor), as SemanticKITTI stores them: a sensor mounted higher
or tilted sees the same street at other coordinates.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from gdl_teach.core.validate import check_float, check_int
from gdl_teach.driving.scene import ROAD, Scene


@dataclass(frozen=True)
class Sensor:
    """The sensor's parameters (angles in degrees, lengths in metres).

    Beam ``i`` points at elevation ``fov_up - (i + 0.5) * (fov_up - fov_down) / num_beams``
    and column ``j`` at azimuth ``180 - (j + 0.5) * 360 / num_columns``, so row 0 is the
    top beam and the middle column looks straight ahead: the cells of the
    spherical projection of RangeNet++ (Milioto et al. 2019), with each beam
    at the centre of its row.

    Args:
        num_beams: lasers (rows of the range image).
        num_columns: shots per turn (columns).
        fov_up: elevation of the top edge of the field of view.
        fov_down: elevation of the bottom edge (negative: below the horizon).
        height: mounting height above the road.
        pitch: nose-down tilt of the sensor (positive tilts the beams towards the road ahead).
        roll: tilt about the forward axis.
        range_noise: standard deviation of the range error.
        dropout: probability that a return is lost.
        max_range: farthest measurable distance.
    """

    num_beams: int = 32
    num_columns: int = 256
    fov_up: float = 10.0
    fov_down: float = -20.0
    height: float = 1.73
    pitch: float = 0.0
    roll: float = 0.0
    range_noise: float = 0.02
    dropout: float = 0.02
    max_range: float = 32.0

    def __post_init__(self) -> None:
        check_int("num_beams", self.num_beams, min_value=1, max_value=256)
        check_int("num_columns", self.num_columns, min_value=1, max_value=4096)
        check_float("fov_up", self.fov_up, min_value=-89.0, max_value=89.0)
        check_float("fov_down", self.fov_down, min_value=-89.0, max_value=89.0)
        if self.fov_down >= self.fov_up:
            raise ValueError(f"fov_down must be below fov_up, got fov_down={self.fov_down}, fov_up={self.fov_up}")
        check_float("height", self.height, min_value=0.1, max_value=10.0)
        check_float("pitch", self.pitch, min_value=-30.0, max_value=30.0)
        check_float("roll", self.roll, min_value=-30.0, max_value=30.0)
        check_float("range_noise", self.range_noise, min_value=0.0, max_value=1.0)
        check_float("dropout", self.dropout, min_value=0.0, max_value=0.9)
        check_float("max_range", self.max_range, min_value=1.0)

    def with_changes(self, **changes: float) -> Sensor:
        """A copy with some parameters changed, e.g. ``sensor.with_changes(num_beams=16)``."""
        return replace(self, **changes)

    def directions(self) -> np.ndarray:
        """(num_beams, num_columns, 3) unit ray directions in the sensor frame."""
        fov = self.fov_up - self.fov_down
        elevation = np.radians(self.fov_up - (np.arange(self.num_beams) + 0.5) * fov / self.num_beams)
        azimuth = np.radians(180.0 - (np.arange(self.num_columns) + 0.5) * 360.0 / self.num_columns)
        el, az = np.meshgrid(elevation, azimuth, indexing="ij")
        return np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], axis=-1)


@dataclass
class Scan:
    """One turn of the sensor: labelled points in the sensor frame.

    Attributes:
        pos: (N, 3) float32 points, sensor frame.
        y: (N,) long class labels (see :data:`~gdl_teach.driving.scene.CLASSES`).
        instance: (N,) long object ids (the road is -1).
        row, col: (N,) long beam and column that measured each point (the sensor's own grid).
        range: (N,) float32 measured distance.
        boxes: (K, 7) float32 true car boxes ``[x, y, z, l, w, h, yaw]`` in the level sensor
            frame (the sensor's position and heading; pitch and roll not applied).
        box_ids: (K,) long object id of each box (compare with ``instance``).
        sensor: the :class:`Sensor` that made the scan.
    """

    pos: torch.Tensor
    y: torch.Tensor
    instance: torch.Tensor
    row: torch.Tensor
    col: torch.Tensor
    range: torch.Tensor
    boxes: torch.Tensor
    box_ids: torch.Tensor
    sensor: Sensor

    @property
    def num_points(self) -> int:
        return int(self.pos.shape[0])

    def rotated(self, angle: float) -> Scan:
        """The same scan turned by ``angle`` degrees about the vertical axis (points and boxes)."""
        a = np.radians(check_float("angle", angle))
        rot = torch.tensor([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0], [0.0, 0.0, 1.0]],
                           dtype=torch.float32)
        boxes = self.boxes.clone()
        boxes[:, :3] = boxes[:, :3] @ rot.T
        boxes[:, 6] = boxes[:, 6] + a
        return replace(self, pos=self.pos @ rot.T, boxes=boxes)


def cast(scene: Scene, sensor: Sensor | None = None, seed: int = 0) -> Scan:
    """Scan ``scene`` with ``sensor`` from the scene's ego position: ray-cast, add noise and dropout.

    Args:
        scene: the street scene.
        sensor: the sensor (default :class:`Sensor()`: 32 x 512 beams x columns).
        seed: seed of the range noise and dropout.

    Returns:
        The :class:`Scan`.
    """
    if not isinstance(scene, Scene):
        raise TypeError(f"scene must be a Scene (from scene.make_scene), got {type(scene).__name__}")
    sensor = Sensor() if sensor is None else sensor
    if not isinstance(sensor, Sensor):
        raise TypeError(f"sensor must be a lidar.Sensor, got {type(sensor).__name__}")
    seed = check_int("seed", seed, min_value=0)
    local = sensor.directions().reshape(-1, 3).astype(np.float32)  # float32 halves the memory traffic
    to_world = _sensor_to_world(scene.ego[2], sensor.pitch + scene.ego[3], sensor.roll + scene.ego[4])
    origin = np.array([scene.ego[0], scene.ego[1], sensor.height])
    t, label, obj = first_hits(origin, local @ to_world.T, scene, sensor.max_range)
    rng = np.random.default_rng(seed)
    keep = (t <= sensor.max_range) & (rng.random(t.shape) >= sensor.dropout)
    t = t + rng.normal(0.0, sensor.range_noise, t.shape)
    idx = np.flatnonzero(keep)
    pos = t[idx, None] * local[idx]
    return Scan(
        pos=torch.as_tensor(pos, dtype=torch.float32), y=torch.as_tensor(label[idx]),
        instance=torch.as_tensor(obj[idx]), row=torch.as_tensor(idx // sensor.num_columns),
        col=torch.as_tensor(idx % sensor.num_columns), range=torch.as_tensor(t[idx], dtype=torch.float32),
        boxes=torch.as_tensor(_boxes_in_sensor_frame(scene, sensor), dtype=torch.float32),
        box_ids=torch.as_tensor(scene.car_object), sensor=sensor,
    )


def _sensor_to_world(heading: float, pitch: float, roll: float) -> np.ndarray:
    """Rotation taking sensor-frame directions to the world: heading about z, nose-down pitch, roll."""
    h, p, r = heading, np.radians(pitch), np.radians(roll)
    rz = np.array([[np.cos(h), -np.sin(h), 0], [np.sin(h), np.cos(h), 0], [0, 0, 1]])
    ry = np.array([[np.cos(p), 0, np.sin(p)], [0, 1, 0], [-np.sin(p), 0, np.cos(p)]])  # +pitch: nose down
    rx = np.array([[1, 0, 0], [0, np.cos(r), -np.sin(r)], [0, np.sin(r), np.cos(r)]])
    return rz @ ry @ rx


def _boxes_in_sensor_frame(scene: Scene, sensor: Sensor) -> np.ndarray:
    x0, y0, heading = scene.ego[:3]
    c, s = np.cos(heading), np.sin(heading)
    boxes = scene.car_boxes.copy()
    dx, dy = boxes[:, 0] - x0, boxes[:, 1] - y0
    boxes[:, 0], boxes[:, 1] = c * dx + s * dy, -s * dx + c * dy
    boxes[:, 2] -= sensor.height
    boxes[:, 6] = (boxes[:, 6] - heading + np.pi) % (2 * np.pi) - np.pi
    return boxes


def first_hits(origin: np.ndarray, dirs: np.ndarray, scene: Scene,
               max_range: float = np.inf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distance, label and object id of the first surface along each ray (``inf``, road, -1 for a miss).

    Args:
        origin: (3,) ray origin (world frame).
        dirs: (R, 3) unit directions.
        scene: the solids.
        max_range: solids farther than this are skipped (their hits would be dropped anyway).

    Returns:
        ``t``: (R,) distances, ``label``: (R,) classes, ``obj``: (R,) object ids.
    """
    # solids wholly beyond max_range cannot be seen: skip them (half the street, and most of the time)
    box = np.linalg.norm(scene.box_center - origin, axis=1) - np.linalg.norm(scene.box_half, axis=1) < max_range
    cyl = np.hypot(scene.cyl[:, 0] - origin[0], scene.cyl[:, 1] - origin[1]) - scene.cyl[:, 2] < max_range
    ell = np.linalg.norm(scene.ell_center - origin, axis=1) - scene.ell_radii.max(1) < max_range
    candidates = [
        (_hit_ground(origin, dirs)[:, None], np.array([ROAD]), np.array([-1])),
        (_hit_boxes(origin, dirs, scene.box_center[box], scene.box_half[box], scene.box_yaw[box]),
         scene.box_label[box], scene.box_object[box]),
        (_hit_cylinders(origin, dirs, scene.cyl[cyl]), scene.cyl_label[cyl], scene.cyl_object[cyl]),
        (_hit_ellipsoids(origin, dirs, scene.ell_center[ell], scene.ell_radii[ell]), scene.ell_label[ell],
         scene.ell_object[ell]),
    ]
    t_all = np.concatenate([c[0] for c in candidates], axis=1)
    labels = np.concatenate([c[1] for c in candidates])
    objects = np.concatenate([c[2] for c in candidates])
    best = np.argmin(t_all, axis=1)
    return t_all[np.arange(len(dirs)), best], labels[best], objects[best]


def _hit_ground(origin: np.ndarray, dirs: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        t = -origin[2] / dirs[:, 2]
    return np.where(dirs[:, 2] < 0, t, np.inf)


def _hit_boxes(origin: np.ndarray, dirs: np.ndarray, center: np.ndarray, half: np.ndarray,
               yaw: np.ndarray) -> np.ndarray:
    """Slab method in each box's own frame: (R, B) entry distances, ``inf`` for a miss."""
    c, s = np.cos(yaw), np.sin(yaw)
    rel = origin[None, :] - center  # (B, 3)
    o = (c * rel[:, 0] + s * rel[:, 1], -s * rel[:, 0] + c * rel[:, 1], rel[:, 2])  # origin in each box's frame
    dx, dy = dirs[:, 0:1], dirs[:, 1:2]
    d = (dx * c + dy * s, -dx * s + dy * c, dirs[:, 2:3])  # (R, B), (R, B), (R, 1)
    t_near, t_far = np.full((len(dirs), len(yaw)), -np.inf), np.full((len(dirs), len(yaw)), np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        for axis in range(3):
            inv = 1.0 / d[axis]
            t1, t2 = (-half[:, axis] - o[axis]) * inv, (half[:, axis] - o[axis]) * inv
            t_near = np.fmax(t_near, np.fmin(t1, t2))  # fmax/fmin skip the NaN of 0 * inf
            t_far = np.fmin(t_far, np.fmax(t1, t2))
    return np.where((t_far >= t_near) & (t_near > 0), t_near, np.inf)


def _hit_cylinders(origin: np.ndarray, dirs: np.ndarray, cyl: np.ndarray) -> np.ndarray:
    """Vertical cylinders ``[x, y, r, z_min, z_max]``: side wall or top cap, (R, C)."""
    ox, oy = origin[0] - cyl[:, 0], origin[1] - cyl[:, 1]  # (C,)
    dx, dy, dz = dirs[:, 0:1], dirs[:, 1:2], dirs[:, 2:3]
    a = dx**2 + dy**2
    b = 2 * (dx * ox + dy * oy)
    disc = b**2 - 4 * a * (ox**2 + oy**2 - cyl[:, 2] ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_side = (-b - np.sqrt(disc)) / (2 * a)
        z = origin[2] + t_side * dz
        side = np.where((disc >= 0) & (t_side > 0) & (z >= cyl[:, 3]) & (z <= cyl[:, 4]), t_side, np.inf)
        t_cap = (cyl[:, 4] - origin[2]) / dz
        rx, ry = ox + t_cap * dx, oy + t_cap * dy
        cap = np.where((t_cap > 0) & (rx**2 + ry**2 <= cyl[:, 2] ** 2), t_cap, np.inf)
    return np.minimum(side, cap)


def _hit_ellipsoids(origin: np.ndarray, dirs: np.ndarray, center: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Axis-aligned ellipsoids, as unit spheres after scaling each axis: (R, E)."""
    o = (origin[None, :] - center) / radii  # (E, 3)
    d = dirs[:, None, :] / radii[None]  # (R, E, 3)
    a = (d**2).sum(-1)
    b = 2 * (d * o[None]).sum(-1)
    disc = b**2 - 4 * a * ((o**2).sum(-1) - 1.0)[None]
    with np.errstate(invalid="ignore"):
        t = (-b - np.sqrt(disc)) / (2 * a)
    return np.where((disc >= 0) & (t > 0), t, np.inf)
