"""Shared fixtures for the lesson 05 tests: a street, a scan, a tiny setting of the experiment."""
from __future__ import annotations

import dataclasses

import pytest
import torch

from gdl_teach.driving import experiments, lidar, scene, settings


@pytest.fixture(scope="session")
def street() -> scene.Scene:
    return scene.make_scene(0)


@pytest.fixture(scope="session")
def scan(street: scene.Scene) -> lidar.Scan:
    return lidar.cast(street, lidar.Sensor(), seed=0)


@pytest.fixture(scope="session")
def tiny() -> settings.Settings:
    """Two training scenes, one test scene, one seed, a handful of steps: the experiment's code paths, fast."""
    steps = {name: 3 for name in settings.MODEL_NAMES}
    return dataclasses.replace(settings.CPU, train_scenes=(0, 1), test_scenes=(1000,), seeds=(0,), steps=steps)


@pytest.fixture(scope="session")
def tiny_data(tiny: settings.Settings) -> tuple[experiments.ScanSet, experiments.ScanSet]:
    torch.set_num_threads(1)
    sensor = lidar.Sensor()
    train = [lidar.cast(scene.make_scene(s), sensor, seed=s) for s in tiny.train_scenes]
    test = [lidar.cast(scene.make_scene(s), sensor, seed=s) for s in tiny.test_scenes]
    return (experiments.prepare(train, tiny, sensor, shuffle_seed=0, device="cpu"),
            experiments.prepare(test, tiny, sensor, device="cpu"))
