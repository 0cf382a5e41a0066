"""MPJPE and P-MPJPE: known values, a known similarity transform, no reflections."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.symmetry import random_rotation
from gdl_teach.pose import metrics, skeleton


def test_mpjpe_of_a_known_shift() -> None:
    target = torch.randn(4, 17, 3)
    assert metrics.mpjpe(target + torch.tensor([3.0, 4.0, 0.0]), target) == pytest.approx(5.0, abs=1e-5)


def test_procrustes_undoes_a_known_rotation_scale_and_shift() -> None:
    g = torch.Generator().manual_seed(0)
    target = torch.randn(3, 17, 3, dtype=torch.float64, generator=g) * 300
    rots = torch.stack([random_rotation(3, generator=g).double() for _ in range(3)])
    pred = 0.7 * target @ rots + torch.tensor([10.0, -20.0, 500.0], dtype=torch.float64)
    assert metrics.mpjpe(pred, target) > 100
    assert torch.allclose(metrics.procrustes_align(pred, target), target, atol=1e-4)
    assert metrics.p_mpjpe(pred, target) < 1e-4


def test_procrustes_never_reflects() -> None:
    target = skeleton.rest_positions()[None].double()
    target = target + torch.randn(1, 17, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1)) * 50
    mirrored = target * torch.tensor([-1.0, 1.0, 1.0], dtype=torch.float64)
    assert metrics.p_mpjpe(mirrored, target) > 5.0


def test_p_mpjpe_is_at_most_mpjpe_and_bone_errors() -> None:
    target = torch.randn(8, 17, 3) * 300
    pred = target + torch.randn(8, 17, 3) * 40
    assert metrics.p_mpjpe(pred, target) <= metrics.mpjpe(pred, target) + 1e-4
    bones = list(skeleton.BONES)
    assert metrics.bone_length_error(target, target, bones) == 0.0
    rest = skeleton.rest_positions()[None]
    assert metrics.left_right_asymmetry(rest, bones, list(skeleton.MIRROR)) == pytest.approx(0.0, abs=1e-4)


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="pred and target must both have shape"):
        metrics.mpjpe(torch.zeros(2, 17, 3), torch.zeros(2, 16, 3))
    with pytest.raises(ValueError, match="pred must have shape"):
        metrics.p_mpjpe(torch.zeros(17, 3), torch.zeros(17, 3))
