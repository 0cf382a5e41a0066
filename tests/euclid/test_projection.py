"""gdl_teach.euclid.projection: the cube, the square, and what a view does to them."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.symmetry import check_invariance, rotate_points, rotation_matrix
from gdl_teach.euclid.projection import (
    corner_angles,
    depth,
    depth_identity_error,
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
    assert square.shape == (4, 3) and torch.all(square[:, 2] == 0)  # flat: in the plane z = 0
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
    facing = projection_distortion(square, project_to_plane(square, rotation_matrix((0.0, 0.0, 37.0),
                                                                                    dtype=torch.float64)), sq_edges)
    assert facing["max_dist_error"] < 1e-12 and facing["max_angle_error"] < 1e-9  # turned about the camera's axis
    tilted = projection_distortion(square, project_to_plane(square, rot), sq_edges)
    assert tilted["max_dist_error"] > 0.1  # the same camera foreshortens a tilted flat square
    end_on = projection_distortion(cube, project_to_plane(cube, torch.eye(3, dtype=torch.float64)), edges)
    assert end_on["collapsed_edges"] == 4
    assert check_invariance(pairwise_distances, (cube.float(),), rotate_points())
    assert not check_invariance(lambda p: pairwise_distances(p[:, :2]), (cube.float(),), rotate_points())


def test_distortion_table_compares_the_cube_with_a_flat_square_under_the_same_camera() -> None:
    table = distortion_table(30, 20, 10)
    assert list(table.index) == ["cube (a solid)", "square (flat, same rotation)"]
    assert list(table.columns) == ["max |d dist|", "mean |d dist|", "max |d angle| (deg)", "edges seen end-on",
                                   "depth range"]
    assert table.iloc[0]["max |d dist|"] > 0.1 and table.iloc[1]["max |d dist|"] > 0.1  # both tilted
    facing = distortion_table(0, 0, 45)
    assert int(facing.iloc[0]["edges seen end-on"]) == 4 and facing.iloc[0]["depth range"] == pytest.approx(1.0)
    assert facing.iloc[1]["max |d dist|"] < 1e-12 and facing.iloc[1]["depth range"] < 1e-12
    edge_on = distortion_table(90, 0, 0)  # the square's plane contains the camera's axis: it becomes a segment
    assert edge_on.iloc[1]["edges seen end-on"] == 2 and edge_on.iloc[1]["depth range"] == pytest.approx(1.0)
    with pytest.raises(TypeError, match="angle_y must be a number"):
        distortion_table(0, "ten", 0)


@pytest.mark.parametrize("angles", [(30.0, 20.0, 10.0), (0.0, 0.0, 0.0), (-170.0, 85.0, 40.0)])
def test_the_depth_is_exactly_what_the_projection_loses(angles: tuple[float, float, float]) -> None:
    cube, _ = make_cube()
    rot = rotation_matrix(angles, dtype=torch.float64)
    assert depth_identity_error(cube, rot) < 1e-12
    restored = torch.cat([project_to_plane(cube, rot), depth(cube, rot).unsqueeze(1)], dim=1)
    assert torch.allclose(pairwise_distances(restored), pairwise_distances(cube), atol=1e-12)
    assert torch.allclose(depth(cube, torch.eye(3, dtype=torch.float64)), cube[:, 2])


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
