"""gdl_teach.driving.projections: the range projection recovers the sensor's grid; round trips; collisions;
the bird's-eye grid."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.driving import lidar, projections, scene


def test_projection_recovers_the_sensors_own_grid(street: scene.Scene) -> None:
    for sensor in (lidar.Sensor(), lidar.Sensor(num_beams=16, num_columns=64, fov_up=3.0, fov_down=-25.0)):
        scan = lidar.cast(street, sensor, seed=1)
        row, col = projections.range_projection(scan.pos, sensor.num_beams, sensor.num_columns, sensor.fov_up,
                                                sensor.fov_down)
        assert torch.equal(row, scan.row) and torch.equal(col, scan.col)


def test_projection_of_known_directions_and_clamping() -> None:
    pos = torch.tensor([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, -10.0, 0.0], [1.0, 0.0, 9.0], [1.0, 0.0, -9.0]])
    row, col = projections.range_projection(pos, 30, 360, 10.5, -19.5)
    assert row.tolist() == [10, 10, 10, 0, 29]  # 10.5 deg below the top edge, one row per degree; clamped
    assert col.tolist() == [180, 90, 270, 180, 180]  # ahead in the middle, left at a quarter, right at three


def test_range_image_round_trip_and_nearest_wins(scan: lidar.Scan) -> None:
    s = scan.sensor
    image, winner = projections.range_image(scan.pos, scan.row, scan.col, s.num_beams, s.num_columns)
    assert image.shape == (5, s.num_beams, s.num_columns)
    back = projections.image_to_points(image, scan.row, scan.col)
    assert torch.allclose(back[:, 1:4], scan.pos) and torch.allclose(back[:, 0], scan.pos.norm(dim=1))
    assert int((winner >= 0).sum()) == scan.num_points, "no collisions in the sensor's own grid"
    pos = torch.tensor([[5.0, 0.0, 0.0], [3.0, 0.0, 0.0], [4.0, 0.0, 0.0]])
    zeros = torch.zeros(3, dtype=torch.long)
    image, winner = projections.range_image(pos, zeros, zeros, 1, 1)
    assert int(winner[0, 0]) == 1 and float(image[0, 0, 0]) == 3.0


def test_bev_grid_summaries_and_read_back() -> None:
    pos = torch.tensor([[0.1, 0.1, -1.0], [0.2, 0.3, 1.0], [5.0, 5.0, 0.0], [100.0, 0.0, 0.0]])
    grid, cell = projections.bev_grid(pos, extent=8.0, cell_size=1.0)
    assert grid.shape == (5, 16, 16) and int(cell[0]) == int(cell[1]) == 8 * 16 + 8
    assert int(cell[3]) == 15 * 16 + 8, "a point beyond the grid falls into its border cell"
    flat = grid.reshape(5, -1)[:, cell[0]]
    assert flat.tolist() == pytest.approx([1.0, float(torch.log1p(torch.tensor(2.0))), -1.0, 1.0, 0.0])
    assert torch.equal(projections.grid_to_points(grid, cell)[:, 0], torch.ones(4))


def test_cell_purity() -> None:
    labels = torch.tensor([0, 0, 1, 2, 2])
    cell = torch.tensor([7, 7, 7, 3, 3])
    purity = projections.cell_purity(labels, cell, 4)
    assert purity[:3].tolist() == [1.0, 0.0, 1.0] and torch.isnan(purity[3])


def test_errors_name_the_argument(scan: lidar.Scan) -> None:
    with pytest.raises(ValueError, match="row must lie in"):
        projections.range_image(scan.pos, scan.row + 100, scan.col, 32, 256)
    with pytest.raises(ValueError, match="col must have shape"):
        projections.range_image(scan.pos, scan.row, scan.col[:-1], 32, 256)
    with pytest.raises(ValueError, match="cell_size must be > 0"):
        projections.bev_grid(scan.pos, cell_size=0.0)
