"""gdl_teach.driving.batches: sectors cover every point once; schedules have the budget's length."""
from __future__ import annotations

import torch

from gdl_teach.driving import batches, lidar, scene
from gdl_teach.nn.pointnet2 import PointNet2


def test_sectors_partition_the_scan(scan: lidar.Scan) -> None:
    parts = batches.sectors(scan, 8)
    assert len(parts) == 8
    assert torch.equal(torch.sort(torch.cat(parts)).values, torch.arange(scan.num_points))


def test_sector_batches_keep_track_of_each_point(scan: lidar.Scan) -> None:
    other = lidar.cast(scene.make_scene(1), seed=1)
    model = PointNet2(0, 3, hidden_channels=4, ratios=(0.1, 0.25), radii=(1.0, 3.0))
    out = batches.sector_batches([scan, other], 8, 3, graph_model=model, seed=0)
    assert [int(b.batch.max()) + 1 for b in out] == [3, 3, 3, 3, 3, 1]
    order = torch.cat([b.order for b in out])
    assert torch.equal(torch.sort(order).values, torch.arange(scan.num_points + other.num_points))
    every = torch.cat([scan.pos, other.pos])
    assert all(torch.equal(every[b.order], b.pos) for b in out) and all(b.graph is not None for b in out)


def test_range_and_bev_inputs(scan: lidar.Scan) -> None:
    images, labels, pixels = batches.range_inputs([scan], scan.sensor)
    assert images.shape == (1, len(batches.RANGE_INPUTS), 32, 256) and labels.shape == (1, 32, 256)
    row, col = pixels[0]
    assert torch.equal(labels[0, row, col], scan.y)
    assert int((labels >= 0).sum()) == int(images[0, -1].sum()) == scan.num_points
    grids, cell_labels, cells = batches.bev_inputs([scan], 32.0, 0.5)
    assert grids.shape == (1, 5, 128, 128) and cell_labels.shape == (1, 128, 128)
    assert int((cell_labels >= 0).sum()) == int(grids[0, 0].sum())


def test_schedules() -> None:
    plan = batches.schedule(["a", "b", "c"], 7, seed=0)
    assert len(plan) == 7 and sorted(plan[:3]) == ["a", "b", "c"]
    images, labels = torch.randn(3, 2, 8, 16), torch.randint(-1, 4, (3, 8, 16))
    steps = batches.image_schedule(images, labels, 5, 2, 4, seed=0, wrap_columns=True)
    assert len(steps) == 5 and steps[0][0].shape == (2, 2, 8, 4) and steps[0][1].shape == (2, 8, 4)
    squares = batches.image_schedule(images, labels, 2, 3, 4, seed=0, wrap_columns=False)
    assert squares[0][0].shape == (3, 2, 4, 4)
    points = batches.point_batches([lidar.cast(scene.make_scene(2))], 1000, seed=0)
    assert points[0][0].shape == (1000, 3)
