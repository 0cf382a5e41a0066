"""gdl_teach.driving.lidar: the ray-caster's geometry (flat ground, a wall, a pole), labels, noise, frames."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdl_teach.driving import lidar, scene


def _empty_scene(**solids: np.ndarray) -> scene.Scene:
    z3, z1 = np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    fields = dict(box_center=z3, box_half=z3, box_yaw=np.zeros(0), box_label=z1, box_object=z1,
                  cyl=np.zeros((0, 5)), cyl_label=z1, cyl_object=z1, ell_center=z3, ell_radii=z3, ell_label=z1,
                  ell_object=z1, car_boxes=np.zeros((0, 7)), car_object=z1, ego=np.zeros(5), kerbs=(-5.0, 5.0))
    fields.update(solids)
    return scene.Scene(**fields)


def test_flat_ground_is_hit_at_the_expected_range() -> None:
    sensor = lidar.Sensor(num_beams=8, num_columns=16, fov_up=-5.0, fov_down=-25.0, range_noise=0.0, dropout=0.0,
                          max_range=100.0)
    scan = lidar.cast(_empty_scene(), sensor)
    assert scan.num_points == 8 * 16 and bool((scan.y == scene.ROAD).all())
    elevation = np.radians(sensor.fov_up - (scan.row.numpy() + 0.5) * 20.0 / 8)
    expected = sensor.height / np.sin(-elevation)
    assert np.allclose(scan.range.numpy(), expected, rtol=1e-5)
    assert torch.allclose(scan.pos[:, 2], torch.full((128,), -sensor.height), atol=1e-4), "ground at z = -height"


def test_beams_above_the_horizon_miss_an_empty_street_and_max_range_drops_far_ground() -> None:
    sensor = lidar.Sensor(num_beams=4, num_columns=8, fov_up=10.0, fov_down=-10.0, range_noise=0.0, dropout=0.0,
                          max_range=15.0)
    scan = lidar.cast(_empty_scene(), sensor)
    assert bool((scan.row >= 2).all()), "the upward beams see nothing"
    assert float(scan.range.max()) <= 15.0
    assert int((scan.row == 2).sum()) == 0, "the beam 2.5 deg down meets the ground 40 m away, beyond max_range"


def test_a_wall_a_pole_and_an_ellipsoid_ahead() -> None:
    sensor = lidar.Sensor(num_beams=2, num_columns=4, fov_up=1.0, fov_down=-1.0, range_noise=0.0, dropout=0.0)
    wall = _empty_scene(box_center=np.array([[10.5, 0.0, 2.0]]), box_half=np.array([[0.5, 15.0, 2.0]]),
                        box_yaw=np.zeros(1), box_label=np.array([scene.BUILDING]), box_object=np.array([7]))
    scan = lidar.cast(wall, sensor)
    ahead = scan.col == 2  # column 2 of 4 points at azimuth -45 deg; column 1 at +45 deg
    assert bool((scan.y == scene.BUILDING).all()) and bool((scan.instance == 7).all())
    expected = 10.0 / (math.cos(math.radians(45)) * math.cos(math.radians(0.5)))
    assert torch.allclose(scan.range[ahead], torch.full((int(ahead.sum()),), expected), rtol=1e-5)
    pole = _empty_scene(cyl=np.array([[10.0, 0.0, 0.2, 0.0, 5.0]]), cyl_label=np.array([scene.POLE]),
                        cyl_object=np.array([3]))
    sensor = lidar.Sensor(num_beams=1, num_columns=1, fov_up=0.5, fov_down=-0.5, range_noise=0.0, dropout=0.0)
    scan = lidar.cast(pole, sensor)  # one beam, one column: straight ahead, level
    assert scan.y.tolist() == [scene.POLE] and math.isclose(float(scan.range[0]), 9.8, rel_tol=1e-4)
    crown = _empty_scene(ell_center=np.array([[8.0, 0.0, 1.73]]), ell_radii=np.array([[1.0, 2.0, 2.0]]),
                         ell_label=np.array([scene.VEGETATION]), ell_object=np.array([1]))
    scan = lidar.cast(crown, sensor)
    assert math.isclose(float(scan.range[0]), 7.0, rel_tol=1e-4)


def test_noise_dropout_and_seeds() -> None:
    street = scene.make_scene(1)
    clean = lidar.cast(street, lidar.Sensor(range_noise=0.0, dropout=0.0))
    noisy = lidar.cast(street, lidar.Sensor(range_noise=0.05, dropout=0.1), seed=3)
    again = lidar.cast(street, lidar.Sensor(range_noise=0.05, dropout=0.1), seed=3)
    assert torch.equal(noisy.pos, again.pos)
    assert 0.85 < noisy.num_points / clean.num_points < 0.95
    assert torch.allclose(noisy.pos.norm(dim=1), noisy.range, atol=1e-4)


def test_scan_frame_boxes_and_rotation(scan: lidar.Scan) -> None:
    assert scan.boxes.shape == (len(scan.box_ids), 7)
    car = scan.y == scene.CAR
    assert set(scan.instance[car].tolist()) <= set(scan.box_ids.tolist())
    turned = scan.rotated(90.0)
    assert torch.allclose(turned.pos[:, 0], -scan.pos[:, 1], atol=1e-5)
    assert torch.allclose(turned.pos.norm(dim=1), scan.pos.norm(dim=1), atol=1e-5)
    assert torch.allclose(turned.boxes[:, 6], scan.boxes[:, 6] + math.pi / 2)


def test_errors_name_the_argument(street: scene.Scene) -> None:
    with pytest.raises(ValueError, match="fov_down must be below fov_up"):
        lidar.Sensor(fov_up=-30.0, fov_down=-20.0)
    with pytest.raises(ValueError, match="dropout must be <= 0.9"):
        lidar.Sensor(dropout=1.0)
    with pytest.raises(TypeError, match="scene must be a Scene"):
        lidar.cast("street")
    with pytest.raises(TypeError, match="sensor must be a lidar.Sensor"):
        lidar.cast(street, sensor=32)
    with pytest.raises(ValueError, match="num_beams must be <= 256"):
        lidar.Sensor().with_changes(num_beams=1000)
