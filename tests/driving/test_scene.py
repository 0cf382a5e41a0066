"""gdl_teach.driving.scene: seeded, labelled, honest about where pedestrians stand; errors name arguments."""
from __future__ import annotations

import numpy as np
import pytest

from gdl_teach.driving import scene


def test_same_seed_same_scene_other_seed_other_scene() -> None:
    a, b, c = scene.make_scene(4), scene.make_scene(4), scene.make_scene(5)
    assert np.array_equal(a.box_center, b.box_center) and np.array_equal(a.cyl, b.cyl)
    assert not np.array_equal(a.box_center[: len(c.box_center)], c.box_center[: len(a.box_center)])


def test_labels_objects_and_true_boxes() -> None:
    s = scene.make_scene(0)
    for labels in (s.box_label, s.cyl_label, s.ell_label):
        assert labels.min() >= 0 and labels.max() < scene.NUM_CLASSES
    assert set(s.box_label) >= {scene.SIDEWALK, scene.BUILDING, scene.CAR}
    assert len(s.car_boxes) == len(s.car_object) == len(set(s.box_object[s.box_label == scene.CAR]))
    assert (s.car_boxes[:, 3] > s.car_boxes[:, 4]).all(), "length is the longer side"
    assert s.kerbs[0] < s.ego[1] < s.kerbs[1], "the sensor's car drives on the road"


def test_some_pedestrians_cross_the_road() -> None:
    on_road, total = 0, 0
    for seed in range(20):
        s = scene.make_scene(seed)
        ped = s.cyl[s.cyl_label == scene.PEDESTRIAN]
        on_road += int(((ped[:, 1] > s.kerbs[0]) & (ped[:, 1] < s.kerbs[1])).sum())
        total += len(ped)
    assert 0.15 < on_road / total < 0.45
    none = scene.make_scene(0, road_crossing_fraction=0.0)
    ped = none.cyl[none.cyl_label == scene.PEDESTRIAN]
    assert not ((ped[:, 1] > none.kerbs[0]) & (ped[:, 1] < none.kerbs[1])).any()


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="road_crossing_fraction must be <= 1"):
        scene.make_scene(0, road_crossing_fraction=2.0)
    with pytest.raises(TypeError, match="seed must be an int"):
        scene.make_scene("0")
    with pytest.raises(ValueError, match="num_pedestrians must be >= 0"):
        scene.make_scene(0, num_pedestrians=-1)
