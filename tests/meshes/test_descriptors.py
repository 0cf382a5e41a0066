"""Tests for gdl_teach.meshes.descriptors: the HKS is invariant to rotation and (nearly) to pose, xyz is not."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.symmetry import check_invariance, rotate_points
from gdl_teach.geometry import laplacian
from gdl_teach.meshes import descriptors, measurements, shape


def _hks_of(animal: shape.Quadruped, times: torch.Tensor):  # noqa: ANN202
    def f(pos: torch.Tensor) -> torch.Tensor:
        evals, evecs, mass = laplacian.laplacian_eigenbasis(pos.double(), animal.face, num_eigs=24)
        return descriptors.hks_features(evals, evecs, mass, times)
    return f


def test_hks_is_rotation_invariant_and_nearly_pose_invariant(animal: shape.Quadruped, basis: tuple) -> None:
    times = descriptors.hks_times(basis[0], 8)
    hks_of = _hks_of(animal, times)
    assert check_invariance(hks_of, (animal.pos,), rotate_points(translate=True), trials=2, atol=1e-3)
    bend = measurements.pose_transform(animal)
    assert check_invariance(hks_of, (animal.pos,), bend, trials=2, atol=0.15)
    xyz_of = lambda pos: descriptors.centered_xyz(pos, torch.ones(pos.shape[0]))  # noqa: E731
    assert not check_invariance(xyz_of, (animal.pos,), rotate_points(), trials=2, atol=1e-3)
    assert not check_invariance(xyz_of, (animal.pos,), bend, trials=2, atol=0.15)


def test_hks_values_and_times(basis: tuple) -> None:
    evals, evecs, mass = basis
    times = descriptors.hks_times(evals, 6)
    assert times.shape == (6,) and bool((times[1:] > times[:-1]).all())
    assert float(times[-1]) == pytest.approx(2.0 / float(evals[1]))
    sig = descriptors.heat_kernel_signature(evals, evecs, times)
    assert sig.shape == (evecs.shape[0], 6) and bool((sig > 0).all())
    assert bool((sig[:, 1:] <= sig[:, :-1] + 1e-12).all()), "heat only leaves a point as time goes on"
    feats = descriptors.hks_features(evals, evecs, mass, times)
    assert feats.dtype == torch.float32 and bool(torch.isfinite(feats).all())


def test_pca_frame_is_rotation_invariant_and_proper(animal: shape.Quadruped, basis: tuple) -> None:
    mass = basis[2].float()
    frame = lambda pos: descriptors.pca_frame(pos, mass)  # noqa: E731
    assert check_invariance(frame, (animal.pos,), rotate_points(translate=True), trials=3, atol=1e-3)
    aligned = frame(animal.pos)
    assert torch.allclose(aligned[:, 2].abs(), descriptors.centered_xyz(animal.pos, mass)[:, 1].abs(), atol=1e-3), \
        "the animal is mirror symmetric, so its left-right axis is a principal axis (the shortest)"
    flipped = frame(animal.pos * torch.tensor([1.0, -1.0, 1.0]))  # a mirror image is not a rotation
    assert not torch.allclose(flipped, aligned, atol=1e-3)


def test_landmark_distance(animal: shape.Quadruped) -> None:
    paw = shape.paw_vertex(animal)
    d = descriptors.landmark_distance(animal.pos.double(), animal.face, paw)
    assert d.shape == (animal.num_nodes, 1) and abs(float(d[paw])) < 1e-6
    assert float(d[shape.paw_vertex(animal, 6)]) > float(d[shape.paw_vertex(animal, 5)]), "the far side is farther"


def test_errors_name_the_argument(basis: tuple) -> None:
    evals, evecs, mass = basis
    with pytest.raises(ValueError, match="evecs must have shape"):
        descriptors.heat_kernel_signature(evals, evecs[:, :5], torch.tensor([0.1]))
    with pytest.raises(ValueError, match="mass must have shape"):
        descriptors.hks_features(evals, evecs, mass[:5], torch.tensor([0.1]))
    with pytest.raises(ValueError, match="evals must hold at least two"):
        descriptors.hks_times(evals[:1])
