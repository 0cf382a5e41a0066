"""A seeded street scene: road, kerbed sidewalks, facades, cars, pedestrians, poles, trees and bushes.

The scene is a list of simple solids a ray-caster can intersect exactly:
boxes (turned about the vertical axis), vertical cylinders and axis-aligned
ellipsoids, over a flat road at ``z = 0``. Every solid carries a class label
and an object id, and every car keeps its true 3D box, so the lesson can score
both the per-point labels and the boxes found from them.

The world frame has the street along ``x``, the ground at ``z = 0`` and the
sensor's car in a lane near ``x = 0``.

Pedestrians mostly walk on the sidewalks, but a fraction cross the road. This
is on purpose: if every pedestrian stood on a sidewalk, a model that sees only
``(x, y, z)`` could label them from *where* they are (1.7 m above the
sidewalk strip) without looking at their shape, and the lesson would reward
learning the street's layout instead of the objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdl_teach.core.validate import check_float, check_int

#: Class names, in label order.
CLASSES: tuple[str, ...] = ("road", "sidewalk", "building", "car", "pedestrian", "pole", "vegetation")
NUM_CLASSES = len(CLASSES)
LANE_WIDTH = 3.5  # m
PARKING_WIDTH = 2.3  # a parking strip along each kerb
ROAD, SIDEWALK, BUILDING, CAR, PEDESTRIAN, POLE, VEGETATION = range(NUM_CLASSES)
#: One colour per class (road grey, sidewalk pink, building orange, car blue, pedestrian red, pole yellow, vegetation green).
CLASS_COLORS: tuple[str, ...] = ("#8c8c8c", "#f4a6d7", "#e08a2c", "#2c6fd1", "#e3242b", "#f2d024", "#2ca02c")


@dataclass
class Scene:
    """The solids of a street scene, as flat arrays (one row per solid).

    Attributes:
        box_center: (B, 3) centres of boxes; ``box_half``: (B, 3) half sizes
            (along the box's own x, y, z); ``box_yaw``: (B,) turn about z (rad).
        cyl: (C, 5) vertical cylinders ``[x, y, radius, z_min, z_max]``.
        ell_center: (E, 3) centres and ``ell_radii``: (E, 3) semi-axes of ellipsoids.
        box_label, cyl_label, ell_label: class of each solid (index into :data:`CLASSES`).
        box_object, cyl_object, ell_object: object id of each solid (a car is two boxes, one id).
        car_boxes: (K, 7) true boxes of the cars ``[x, y, z, length, width, height, yaw]``
            (centre, size, heading; KITTI's convention).
        car_object: (K,) object id of each car.
        ego: ``[x, y, heading (rad), pitch (deg), roll (deg)]`` of the sensor's car.
        kerbs: ``(y_right, y_left)``, where the road meets the sidewalks.
    """

    box_center: np.ndarray
    box_half: np.ndarray
    box_yaw: np.ndarray
    box_label: np.ndarray
    box_object: np.ndarray
    cyl: np.ndarray
    cyl_label: np.ndarray
    cyl_object: np.ndarray
    ell_center: np.ndarray
    ell_radii: np.ndarray
    ell_label: np.ndarray
    ell_object: np.ndarray
    car_boxes: np.ndarray
    car_object: np.ndarray
    ego: np.ndarray
    kerbs: tuple[float, float]
    seed: int = 0

    @property
    def num_solids(self) -> int:
        return len(self.box_label) + len(self.cyl_label) + len(self.ell_label)


@dataclass
class _Builder:
    """Collects solids while a scene is generated; object ids count up from 0."""

    boxes: list[tuple] = field(default_factory=list)
    cyls: list[tuple] = field(default_factory=list)
    ells: list[tuple] = field(default_factory=list)
    cars: list[tuple] = field(default_factory=list)
    next_id: int = 0

    def new_object(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def box(self, center, half, yaw, label, obj) -> None:  # noqa: ANN001
        self.boxes.append((*center, *half, yaw, label, obj))

    def cylinder(self, x, y, radius, z_min, z_max, label, obj) -> None:  # noqa: ANN001
        self.cyls.append((x, y, radius, z_min, z_max, label, obj))

    def ellipsoid(self, center, radii, label, obj) -> None:  # noqa: ANN001
        self.ells.append((*center, *radii, label, obj))


def make_scene(
    seed: int = 0,
    *,
    num_pedestrians: int = 8,
    road_crossing_fraction: float = 0.3,
    num_moving_cars: int = 2,
    length: float = 90.0,
) -> Scene:
    """Generate a street scene from a seed.

    A straight road (two to four lanes, a parking strip along most kerbs)
    between kerbed sidewalks of varied widths, rows of building facades with
    gaps, parked cars and a few in the lanes, pedestrians (most on sidewalks,
    ``road_crossing_fraction`` of them on the road), poles and trees along the
    kerbs, bushes by the facades. The sensor's car drives in one of the lanes
    towards +x, with a little jitter in heading, pitch and roll (a car brakes,
    leans, drives over bumps). The same seed gives the same scene.

    Args:
        seed: seed of the scene.
        num_pedestrians: how many pedestrians.
        road_crossing_fraction: share of pedestrians standing on the road, in [0, 1].
        num_moving_cars: cars in the lanes (besides the parked ones).
        length: length of the street along x (m), centred on the sensor.

    Returns:
        The :class:`Scene`.
    """
    seed = check_int("seed", seed, min_value=0)
    check_int("num_pedestrians", num_pedestrians, min_value=0)
    check_float("road_crossing_fraction", road_crossing_fraction, min_value=0.0, max_value=1.0)
    check_int("num_moving_cars", num_moving_cars, min_value=0)
    check_float("length", length, min_value=20.0)
    rng = np.random.default_rng(seed)
    b = _Builder()
    lanes = int(rng.integers(2, 5))
    parking = tuple(PARKING_WIDTH if rng.random() < 0.75 else 0.0 for _ in range(2))  # (right, left)
    kerbs = (-lanes * LANE_WIDTH / 2 - parking[0], lanes * LANE_WIDTH / 2 + parking[1])
    walks = tuple(rng.uniform(2.0, 6.0) for _ in range(2))
    centres = (np.arange(lanes) + 0.5) * LANE_WIDTH - lanes * LANE_WIDTH / 2
    ego_lane = rng.choice(centres[centres <= 0])
    ego = np.array([0.0, ego_lane + rng.uniform(-0.3, 0.3), rng.normal(0.0, 0.05),
                    rng.normal(0.0, 0.7), rng.normal(0.0, 0.5)])
    _street(b, rng, kerbs, walks, length)
    _parked_cars(b, rng, kerbs, parking, length)
    _moving_cars(b, rng, centres, length, num_moving_cars)
    _pedestrians(b, rng, kerbs, walks, length, num_pedestrians, road_crossing_fraction)
    _street_furniture(b, rng, kerbs, walks, length)
    return _assemble(b, ego, kerbs, seed)


def _street(b: _Builder, rng: np.random.Generator, kerbs: tuple[float, float], walks: tuple[float, float],
            length: float) -> None:
    """Sidewalks (raised 10-20 cm, reaching far back so gaps between facades show pavement) and facades."""
    kerb = rng.uniform(0.10, 0.20)
    for side, edge, walk in zip((-1.0, 1.0), kerbs, walks):
        b.box((0.0, edge + side * 20.0, kerb / 2), (length / 2 + 10, 20.0, kerb / 2), 0.0, SIDEWALK, b.new_object())
        x = -length / 2 - 10
        while x < length / 2 + 10:
            width = rng.uniform(6.0, 20.0)
            if rng.random() < 0.25:  # an alley between two buildings
                x += rng.uniform(3.0, 6.0)
                continue
            setback, height, depth = rng.uniform(0.0, 1.5), rng.uniform(4.0, 15.0), rng.uniform(6.0, 10.0)
            inner = abs(edge) + walk + setback
            b.box((x + width / 2, side * (inner + depth / 2), height / 2), (width / 2, depth / 2, height / 2),
                  0.0, BUILDING, b.new_object())
            x += width


def _car(b: _Builder, x: float, y: float, yaw: float, rng: np.random.Generator) -> None:
    """A car: a body box and a shorter cabin box on top (one object), and its true 3D box."""
    obj = b.new_object()
    length, width = rng.uniform(3.8, 4.9), rng.uniform(1.7, 1.95)
    clearance, body_top, roof = rng.uniform(0.2, 0.3), rng.uniform(0.85, 1.0), rng.uniform(1.4, 1.65)
    b.box((x, y, (clearance + body_top) / 2), (length / 2, width / 2, (body_top - clearance) / 2), yaw, CAR, obj)
    cabin = length * rng.uniform(0.45, 0.6)
    back = rng.uniform(-0.15, 0.05) * length  # cabins sit a little behind the middle
    c, s = np.cos(yaw), np.sin(yaw)
    b.box((x + c * back, y + s * back, (body_top + roof) / 2), (cabin / 2, width / 2 - 0.08, (roof - body_top) / 2),
          yaw, CAR, obj)
    b.cars.append(((x, y, (clearance + roof) / 2, length, width, roof - clearance, yaw), obj))


def _parked_cars(b: _Builder, rng: np.random.Generator, kerbs: tuple[float, float],
                 parking: tuple[float, float], length: float) -> None:
    for side, edge, strip in zip((-1.0, 1.0), kerbs, parking):
        x = -length / 2 + rng.uniform(0.0, 8.0)
        while strip > 0 and x < length / 2:
            if rng.random() < 0.6:
                yaw = (0.0 if rng.random() < 0.5 else np.pi) + rng.normal(0.0, 0.04)
                _car(b, x, edge - side * strip / 2, yaw, rng)
            x += rng.uniform(5.5, 9.0)


def _moving_cars(b: _Builder, rng: np.random.Generator, centres: np.ndarray, length: float, num_cars: int) -> None:
    for _ in range(num_cars):
        y = rng.choice(centres)
        x = rng.uniform(8.0, length / 2 - 5) * rng.choice([-1.0, 1.0])  # never on top of the sensor's car
        yaw = (0.0 if y < 0 else np.pi) + rng.normal(0.0, 0.03)
        _car(b, x, y + rng.normal(0.0, 0.25), yaw, rng)


def _pedestrians(b: _Builder, rng: np.random.Generator, kerbs: tuple[float, float], walks: tuple[float, float],
                 length: float, num_pedestrians: int, crossing: float) -> None:
    """Cylinders of 1.5-1.9 m; some on the road so that location alone does not give the class away."""
    for _ in range(num_pedestrians):
        x = rng.uniform(-length / 3, length / 3)
        if rng.random() < crossing:
            y, z0 = rng.uniform(kerbs[0] + 0.5, kerbs[1] - 0.5), 0.0
            x = x if abs(x) > 5 else x + 10.0 * np.sign(x + 1e-9)  # not in front of the sensor's bumper
        else:
            side = int(rng.integers(2))
            y, z0 = kerbs[side] + (2 * side - 1) * rng.uniform(0.6, walks[side] - 0.4), 0.15
        b.cylinder(x, y, rng.uniform(0.22, 0.3), z0, z0 + rng.uniform(1.5, 1.9), PEDESTRIAN, b.new_object())


def _street_furniture(b: _Builder, rng: np.random.Generator, kerbs: tuple[float, float],
                      walks: tuple[float, float], length: float) -> None:
    """Poles and trees along the kerbs, bushes in front of the facades."""
    for side, edge, walk in zip((-1.0, 1.0), kerbs, walks):
        x = -length / 2 + rng.uniform(0.0, 10.0)
        while x < length / 2:
            y = edge + side * rng.uniform(0.4, 0.8)
            if rng.random() < 0.5:
                b.cylinder(x, y, rng.uniform(0.08, 0.15), 0.0, rng.uniform(4.0, 8.0), POLE, b.new_object())
            else:
                obj, trunk = b.new_object(), rng.uniform(2.0, 3.5)
                b.cylinder(x, y, rng.uniform(0.12, 0.22), 0.0, trunk, VEGETATION, obj)
                radius = rng.uniform(1.2, 2.4)
                b.ellipsoid((x, y, trunk + 0.7 * radius), (radius, radius, 0.9 * radius), VEGETATION, obj)
            x += rng.uniform(8.0, 16.0)
        for _ in range(rng.integers(1, 4)):
            radii = (rng.uniform(0.6, 1.4), rng.uniform(0.5, 1.0), rng.uniform(0.4, 0.9))
            y = edge + side * (walk - radii[1] * 0.5)
            b.ellipsoid((rng.uniform(-length / 3, length / 3), y, 0.15 + 0.5 * radii[2]), radii, VEGETATION,
                        b.new_object())


def _assemble(b: _Builder, ego: np.ndarray, kerbs: tuple[float, float], seed: int) -> Scene:
    boxes = np.asarray(b.boxes, dtype=np.float64).reshape(-1, 9)
    cyls = np.asarray(b.cyls, dtype=np.float64).reshape(-1, 7)
    ells = np.asarray(b.ells, dtype=np.float64).reshape(-1, 8)
    cars = np.asarray([c for c, _ in b.cars], dtype=np.float64).reshape(-1, 7)
    return Scene(
        box_center=boxes[:, 0:3], box_half=boxes[:, 3:6], box_yaw=boxes[:, 6],
        box_label=boxes[:, 7].astype(np.int64), box_object=boxes[:, 8].astype(np.int64),
        cyl=cyls[:, :5], cyl_label=cyls[:, 5].astype(np.int64), cyl_object=cyls[:, 6].astype(np.int64),
        ell_center=ells[:, 0:3], ell_radii=ells[:, 3:6], ell_label=ells[:, 6].astype(np.int64),
        ell_object=ells[:, 7].astype(np.int64),
        car_boxes=cars, car_object=np.asarray([o for _, o in b.cars], dtype=np.int64),
        ego=ego, kerbs=(float(kerbs[0]), float(kerbs[1])), seed=seed,
    )
