"""Scans turned into what each model eats: points, azimuth sectors, range images, bird's-eye grids.

Everything here is computed once per scan (projections, neighbourhood graphs)
and reused by every training seed; a *schedule* is the fixed list of
mini-batches one training run steps through, so a budget is a number of steps.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from gdl_teach.core.validate import check_int
from gdl_teach.driving import projections
from gdl_teach.driving.lidar import Scan, Sensor
from gdl_teach.driving.scene import NUM_CLASSES
from gdl_teach.nn.pointnet2 import PointNet2, PointNet2Graph

#: Channels of the range image the lesson's U-Net sees: range and height are unchanged by a turn of the car
#: about the vertical axis (RangeNet++ also feeds x, y and the return intensity).
RANGE_INPUTS: tuple[str, ...] = ("range", "z", "mask")


@dataclass
class SectorBatch:
    """Azimuth sectors of scans, stacked as one mini-batch of point clouds.

    Attributes:
        pos: (N, 3) points; y: (N,) labels; batch: (N,) sector of each point.
        order: (N,) index of each point in its scan (after concatenating the scans given).
        graph: the PointNet++ neighbourhoods of ``pos`` (or None).
    """

    pos: torch.Tensor
    y: torch.Tensor
    batch: torch.Tensor
    order: torch.Tensor
    graph: PointNet2Graph | None = None


def sectors(scan: Scan, num_sectors: int) -> list[torch.Tensor]:
    """Indices of the points in each of ``num_sectors`` equal azimuth wedges of the sensor (by column)."""
    num_sectors = check_int("num_sectors", num_sectors, min_value=1)
    width = -(-scan.sensor.num_columns // num_sectors)
    wedge = scan.col // width
    return [torch.nonzero(wedge == k).flatten() for k in range(num_sectors)]


def sector_batches(scans: Sequence[Scan], num_sectors: int, sectors_per_batch: int, *,
                   graph_model: PointNet2 | None = None, device: torch.device | str = "cpu",
                   seed: int = 0) -> list[SectorBatch]:
    """All sectors of ``scans``, shuffled once (by ``seed``) into fixed mini-batches.

    With ``graph_model`` each batch carries its PointNet++ graph, built once here.
    """
    pieces = []
    offset = 0
    for scan in scans:
        for idx in sectors(scan, num_sectors):
            if idx.numel():
                pieces.append((scan.pos[idx], scan.y[idx], idx + offset))
        offset += scan.num_points
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(len(pieces), generator=g).tolist() if seed >= 0 else list(range(len(pieces)))
    out = []
    for k in range(0, len(pieces), sectors_per_batch):
        group = [pieces[i] for i in perm[k:k + sectors_per_batch]]
        batch = torch.cat([torch.full((len(p),), b, dtype=torch.long) for b, (p, _, _) in enumerate(group)])
        sb = SectorBatch(torch.cat([p for p, _, _ in group]).to(device), torch.cat([y for _, y, _ in group]).to(device),
                         batch.to(device), torch.cat([o for _, _, o in group]).to(device))
        if graph_model is not None:
            sb.graph = graph_model.build_graph(sb.pos, sb.batch)
        out.append(sb)
    return out


def range_inputs(scans: Sequence[Scan], sensor: Sensor) -> tuple[torch.Tensor, torch.Tensor, list[tuple]]:
    """Range images of ``scans`` in the projection of ``sensor`` (rows, columns, field of view).

    Returns:
        ``images``: (S, 3, H, W) channels :data:`RANGE_INPUTS`; ``labels``: (S, H, W) label of the point
        shown, -1 where empty;
        ``pixels``: per scan, the ``(row, col)`` of every point (to read predictions back).
    """
    images, labels, pixels = [], [], []
    for scan in scans:
        row, col = projections.range_projection(scan.pos, sensor.num_beams, sensor.num_columns, sensor.fov_up,
                                                sensor.fov_down)
        image, winner = projections.range_image(scan.pos, row, col, sensor.num_beams, sensor.num_columns)
        label = torch.where(winner >= 0, scan.y[winner.clamp_min(0)], torch.full_like(winner, -1))
        images.append(image[[projections.RANGE_CHANNELS.index(c) for c in RANGE_INPUTS]])
        labels.append(label)
        pixels.append((row, col))
    return torch.stack(images), torch.stack(labels), pixels


def bev_inputs(scans: Sequence[Scan], extent: float, cell_size: float) -> tuple[torch.Tensor, torch.Tensor, list]:
    """Bird's-eye grids of ``scans``; a cell's training label is the most common label of its points.

    Returns:
        ``grids``: (S, 5, G, G); ``labels``: (S, G, G), -1 where empty; ``cells``: per scan, each point's cell.
    """
    grids, labels, cells = [], [], []
    for scan in scans:
        grid, cell = projections.bev_grid(scan.pos, extent, cell_size)
        size = grid.shape[-1]
        votes = torch.zeros(size * size, NUM_CLASSES).index_put_((cell, scan.y), torch.ones(len(cell)), accumulate=True)
        label = torch.where(votes.sum(1) > 0, votes.argmax(1), torch.full((size * size,), -1))
        grids.append(grid)
        labels.append(label.reshape(size, size))
        cells.append(cell)
    return torch.stack(grids), torch.stack(labels), cells


def schedule(batches: Sequence, num_steps: int, seed: int) -> list:
    """The ``num_steps`` mini-batches of one training run: passes over ``batches``, each in a new seeded order."""
    num_steps = check_int("num_steps", num_steps, min_value=1)
    g = torch.Generator().manual_seed(seed)
    out: list = []
    while len(out) < num_steps:
        out += [batches[i] for i in torch.randperm(len(batches), generator=g).tolist()]
    return out[:num_steps]


def image_schedule(images: torch.Tensor, labels: torch.Tensor, num_steps: int, per_batch: int, crop: int,
                   seed: int, *, wrap_columns: bool, device: torch.device | str = "cpu") -> list[tuple]:
    """``num_steps`` mini-batches of ``per_batch`` random ``crop``-wide windows of the images (and labels).

    Small windows give many cheap steps instead of a few expensive ones. Range
    images wrap around (their columns are the azimuth), so a window may cross
    the seam; a bird's-eye grid does not, and its windows are ``crop`` x ``crop``
    squares at random places.
    """
    num_steps = check_int("num_steps", num_steps, min_value=1)
    g = torch.Generator().manual_seed(seed)
    height, width = images.shape[-2:]
    out = []
    for _ in range(num_steps):
        pick = torch.randint(len(images), (per_batch,), generator=g)
        xs, ys = [], []
        for k in pick.tolist():
            c0 = int(torch.randint(width if wrap_columns else width - crop + 1, (1,), generator=g))
            cols = torch.arange(c0, c0 + crop) % width
            if wrap_columns:
                rows = torch.arange(height)
            else:
                r0 = int(torch.randint(height - crop + 1, (1,), generator=g))
                rows = torch.arange(r0, r0 + crop)
            xs.append(images[k][:, rows][:, :, cols])
            ys.append(labels[k][rows][:, cols])
        out.append((torch.stack(xs).to(device), torch.stack(ys).to(device)))
    return out


def point_batches(scans: Sequence[Scan], per_batch: int, seed: int,
                  device: torch.device | str = "cpu") -> list[tuple[torch.Tensor, torch.Tensor]]:
    """All points of ``scans`` shuffled (by ``seed``) into mini-batches of ``per_batch`` (for the per-point MLP)."""
    pos = torch.cat([s.pos for s in scans])
    y = torch.cat([s.y for s in scans])
    perm = torch.randperm(len(pos), generator=torch.Generator().manual_seed(seed))
    return [(pos[perm[k:k + per_batch]].to(device), y[perm[k:k + per_batch]].to(device))
            for k in range(0, len(pos), per_batch)]
