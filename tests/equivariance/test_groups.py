"""Group actions of lesson 08: quarter turns of images, Haar-random orthogonal matrices, checker transforms."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.symmetry import check_equivariance
from gdl_teach.equivariance import groups


def test_rotate_images_per_image_and_all_rotations() -> None:
    images = torch.arange(2 * 16, dtype=torch.float32).view(2, 1, 4, 4)
    turned = groups.rotate_images(images, torch.tensor([1, 3]))
    assert torch.equal(turned[0], torch.rot90(images[0], 1, dims=(-2, -1)))
    assert torch.equal(turned[1], torch.rot90(images[1], 3, dims=(-2, -1)))
    assert torch.equal(groups.rotate_images(images, 4), images)
    all_turns, labels, turns = groups.all_rotations(images, torch.tensor([7, 9]))
    assert all_turns.shape == (8, 1, 4, 4) and labels.tolist() == [7, 9] * 4 and turns.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    with pytest.raises(ValueError, match="square"):
        groups.rotate_images(torch.zeros(1, 1, 3, 4), 1)
    with pytest.raises(ValueError, match="k must have shape"):
        groups.rotate_images(images, torch.tensor([1, 2, 3]))


@pytest.mark.parametrize("reflect", [False, True])
def test_random_orthogonal_is_orthogonal_with_the_right_determinant(reflect: bool) -> None:
    g = torch.Generator().manual_seed(0)
    for dim in (2, 3, 5):
        q = groups.random_orthogonal(dim, reflect=reflect, generator=g)
        torch.testing.assert_close(q.T @ q, torch.eye(dim, dtype=torch.float64))
        assert float(torch.det(q)) == pytest.approx(-1.0 if reflect else 1.0)
    a = groups.random_orthogonal(3, generator=torch.Generator().manual_seed(4))
    assert torch.equal(a, groups.random_orthogonal(3, generator=torch.Generator().manual_seed(4)))


def test_batched_rotations_are_rotations() -> None:
    qs = groups.random_orthogonals(50, 3, torch.Generator().manual_seed(1))
    torch.testing.assert_close(qs.transpose(1, 2) @ qs, torch.eye(3, dtype=torch.float64).expand(50, 3, 3))
    torch.testing.assert_close(torch.linalg.det(qs), torch.ones(50, dtype=torch.float64))


def test_mirror_flips_one_coordinate_and_keeps_distances() -> None:
    pos = torch.randn(5, 3, dtype=torch.float64)
    m = groups.mirror(pos, axis=2)
    assert torch.equal(m[:, :2], pos[:, :2]) and torch.equal(m[:, 2], -pos[:, 2])
    torch.testing.assert_close(torch.cdist(m, m), torch.cdist(pos, pos))
    with pytest.raises(ValueError, match="axis must be <= 2"):
        groups.mirror(pos, axis=3)


def test_transforms_for_the_checker() -> None:
    pos, vel = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64)
    x, edge_index = torch.randn(4, 2, dtype=torch.float64), torch.tensor([[0, 1, 2], [1, 2, 3]])
    g = torch.Generator().manual_seed(0)
    new_x, new_pos, new_ei, new_vel, (q, t) = groups.euclidean_transform(True, True, 1, (3,))(
        (x, pos, edge_index, vel), g)
    torch.testing.assert_close(new_pos, pos @ q.T + t)
    torch.testing.assert_close(new_vel, vel @ q.T)
    assert torch.equal(new_x, x) and torch.equal(new_ei, edge_index) and float(torch.det(q)) < 0
    *moved, perm = groups.permute_points(1, 2)((x, pos, edge_index, vel), g)
    assert torch.equal(moved[1], pos[perm]) and torch.equal(moved[3], vel[perm])
    inverse = torch.argsort(perm)
    assert torch.equal(moved[2], inverse[edge_index])


def test_candidate_maps_behave_as_the_lesson_says() -> None:
    pos = torch.randn(6, 3, dtype=torch.float64)
    maps = groups.candidate_maps()
    for name, reflect, holds in (("centre", True, True), ("cross", False, True), ("cross", True, False),
                                 ("absolute", False, False), ("lift", False, False), ("stretch", True, True)):
        report = check_equivariance(maps[name], (pos,), groups.euclidean_transform(reflect, False, 0),
                                    lambda out, h: out @ h[0].T)
        assert report.passed == holds, (name, reflect, report)
