"""gdl_teach.driving.boxes: 3D IoU of known boxes; DBSCAN and box fitting on a synthetic car."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdl_teach.driving import boxes, lidar, scene


def test_iou_of_known_boxes() -> None:
    cube = np.array([0, 0, 0, 2, 2, 2, 0.0])
    assert boxes.box_iou_3d(cube, cube) == pytest.approx(1.0)
    assert boxes.box_iou_3d(cube, cube + [1, 0, 0, 0, 0, 0, 0]) == pytest.approx(1 / 3)
    assert boxes.box_iou_3d(cube, cube + [0, 0, 1, 0, 0, 0, 0]) == pytest.approx(1 / 3)
    assert boxes.box_iou_3d(cube, cube + [3, 0, 0, 0, 0, 0, 0]) == 0.0
    octagon = 8 * (math.sqrt(2) - 1)  # a square and itself turned by 45 degrees overlap in a regular octagon
    assert boxes.box_iou_3d(cube, cube + [0, 0, 0, 0, 0, 0, math.pi / 4]) == pytest.approx(octagon / (8 - octagon))
    assert boxes.box_iou_3d(cube, cube + [0, 0, 0, 0, 0, 0, math.pi / 2]) == pytest.approx(1.0)
    small = np.array([0, 0, 0, 1, 1, 1, 0.3])
    assert boxes.box_iou_3d(cube, small) == pytest.approx(1 / 8)


def test_clip_and_area() -> None:
    square = boxes.footprint(np.array([0, 0, 0, 2, 2, 1, 0.0]))
    assert boxes.polygon_area(square) == pytest.approx(4.0)
    shifted = square + [1.0, 1.0]
    assert boxes.polygon_area(boxes.clip_polygon(square, shifted)) == pytest.approx(1.0)
    assert len(boxes.clip_polygon(square, square + [5.0, 0.0])) == 0


def _car_points(box: np.ndarray, num_points: int = 400, seed: int = 0) -> torch.Tensor:
    """Points on the two faces of a box that face a sensor at the origin (an L-shape, as LiDAR sees a car)."""
    g = np.random.default_rng(seed)
    x, y, z, length, width, height, yaw = box
    u = g.uniform(-0.5, 0.5, num_points)
    side = g.random(num_points) < 0.6
    local = np.where(side[:, None], np.stack([u * length, np.full(num_points, -width / 2)], 1),
                     np.stack([np.full(num_points, -length / 2), u * width], 1))
    c, s = np.cos(yaw), np.sin(yaw)
    xy = local @ np.array([[c, s], [-s, c]]) + [x, y]
    zz = g.uniform(z - height / 2, z + height / 2, num_points)
    return torch.tensor(np.column_stack([xy, zz]), dtype=torch.float32)


def test_dbscan_and_box_fitting_on_synthetic_cars() -> None:
    true = np.array([[8.0, 3.0, -0.9, 4.4, 1.8, 1.4, 0.3], [-6.0, -4.0, -0.9, 4.0, 1.7, 1.5, -1.2]])
    pos = torch.cat([_car_points(true[0]), _car_points(true[1], seed=1), torch.tensor([[30.0, 30.0, 0.0]])])
    ids = boxes.cluster_instances(pos)
    assert int(ids.max()) + 1 == 2 and int(ids[-1]) == -1, "two cars and one stray point (noise)"
    labels = torch.full((len(pos),), scene.CAR)
    found = boxes.boxes_from_labels(pos, labels, scene.CAR)
    table = boxes.match_boxes(found, true)
    assert len(table) == 2 and (table["best IoU"] > 0.9).all(), table
    fitted = found[np.argmin(np.abs(found[:, 0] - 8.0))]
    assert fitted[3] == pytest.approx(4.4, abs=0.1) and math.cos(fitted[6] - 0.3) ** 2 > 0.99


def test_boxes_on_a_real_scan_with_true_labels(scan: lidar.Scan) -> None:
    found = boxes.boxes_from_labels(scan.pos, scan.y, scene.CAR)
    counts = torch.stack([(scan.instance == i).sum() for i in scan.box_ids])
    table = boxes.match_boxes(found, scan.boxes.numpy(), (counts >= 50).numpy())
    assert len(table) >= 1 and table["best IoU"].max() > 0.6


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="box_a and box_b must be 7 numbers"):
        boxes.box_iou_3d([0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1, 0])
    with pytest.raises(ValueError, match="eps must be > 0"):
        boxes.cluster_instances(torch.zeros(3, 3), eps=0.0)
    with pytest.raises(ValueError, match="pos must not be empty"):
        boxes.fit_box(torch.zeros(0, 3))
