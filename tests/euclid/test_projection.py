"""gdl_teach.euclid.projection: the cube, the square, and what a view does to them."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.symmetry import check_invariance, rotate_points, rotation_matrix
from gdl_teach.euclid.projection import (
    corner_angles,
    distortion_table,
    make_cube,
    make_square,
    pairwise_distances,
    project_to_plane,
    projection_distortion,
)


def test_cube_and_square() -> None:
    cube, edges = make_cube()
    assert cube.shape == (8, 3) and edges.shape == (2, 12)
    assert torch.allclose((cube[edges[0]] - cube[edges[1]]).norm(dim=1), torch.ones(12, dtype=torch.float64))
    assert torch.allclose(corner_angles(cube, edges), torch.full((24,), 90.0, dtype=torch.float64))
    square, sq_edges = make_square(2.0)
    assert torch.allclose(corner_angles(square, sq_edges), torch.full((4,), 90.0, dtype=torch.float64))
    with pytest.raises(ValueError, match="side must be > 0"):
        make_cube(0.0)


def test_rotation_preserves_projection_distorts() -> None:
    cube, edges = make_cube()
    rot = rotation_matrix((30.0, 20.0, 10.0), dtype=torch.float64)
    kept = projection_distortion(cube, cube @ rot.T, edges)
    assert kept["max_dist_error"] < 1e-12 and kept["max_angle_error"] < 1e-9
    seen = projection_distortion(cube, project_to_plane(cube, rot), edges)
    assert seen["max_dist_error"] > 0.1 and seen["max_angle_error"] > 1.0
    square, sq_edges = make_square()
    flat = projection_distortion(square, square @ rotation_matrix(37.0, dtype=torch.float64).T, sq_edges)
    assert flat["max_dist_error"] < 1e-12 and flat["max_angle_error"] < 1e-9
    end_on = projection_distortion(cube, project_to_plane(cube, torch.eye(3, dtype=torch.float64)), edges)
    assert end_on["collapsed_edges"] == 4
    assert check_invariance(pairwise_distances, (cube.float(),), rotate_points())
    assert not check_invariance(lambda p: pairwise_distances(p[:, :2]), (cube.float(),), rotate_points())


def test_distortion_table() -> None:
    table = distortion_table(30, 20, 10)
    assert list(table.index) == ["cube: 3D -> 2D projection", "square: 2D -> rotated 2D"]
    assert list(table.columns) == ["max |d dist|", "mean |d dist|", "max |d angle| (deg)", "edges seen end-on"]
    assert table.iloc[0]["max |d dist|"] > 0.1 and table.iloc[1]["max |d dist|"] < 1e-12
    assert int(distortion_table(0, 0, 45).iloc[0]["edges seen end-on"]) == 4
    with pytest.raises(TypeError, match="angle_y must be a number"):
        distortion_table(0, "ten", 0)


def test_shape_functions_bad_input() -> None:
    cube, edges = make_cube()
    with pytest.raises(ValueError, match="pos must have shape"):
        project_to_plane(torch.rand(4, 2), torch.eye(3))
    with pytest.raises(ValueError, match="rot must have shape"):
        project_to_plane(torch.rand(4, 3), torch.eye(2))
    with pytest.raises(ValueError, match="seen_pos must have one row per corner"):
        projection_distortion(cube, cube[:5], edges)
    with pytest.raises(ValueError, match="edges refers to node"):
        corner_angles(cube[:4], edges)
    with pytest.raises(TypeError, match="pos must be a torch.Tensor"):
        pairwise_distances([[0.0, 1.0]])
