"""Shared fixtures of lesson 07's tests: a coarse animal (fast) and its eigenbasis."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.geometry import laplacian
from gdl_teach.meshes import shape


@pytest.fixture(scope="session")
def animal() -> shape.Quadruped:
    return shape.make_quadruped(0.09)


@pytest.fixture(scope="session")
def basis(animal: shape.Quadruped) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return laplacian.laplacian_eigenbasis(animal.pos.double(), animal.face, num_eigs=24)
