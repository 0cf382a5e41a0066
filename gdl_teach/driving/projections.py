"""From points to 2D grids and back: the range image and the bird's-eye-view (BEV) grid.

A 2D CNN needs a grid. A LiDAR scan offers two:

* the **range image**: elevation x azimuth, the sensor's own grid (each beam is
  a row, each shot of the turning head a column). Turning the car about the
  vertical axis shifts its columns, and the columns wrap around (a cylinder);
* the **bird's-eye view**: the ground plane cut into square cells, heights
  summarised per cell (as PointPillars and PolarNet do).

Both lose something: in a range image two points that fall in one pixel
collide and only the nearest is kept; in a BEV cell everything stacked
vertically (a pedestrian on the pavement, a tree over a car) shares one label.
Predictions go back to the points by reading the pixel or cell each point fell in.
"""
from __future__ import annotations

import math

import torch

from gdl_teach.core.validate import check_float, check_int, check_tensor


def range_projection(pos: torch.Tensor, num_rows: int, num_columns: int, fov_up: float,
                     fov_down: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Row and column of each point in the range image (the spherical projection of RangeNet++).

    Elevation ``asin(z / r)`` picks the row, top row = ``fov_up``; azimuth
    ``atan2(y, x)`` picks the column, column 0 = straight behind (180 deg),
    the middle column = straight ahead, angles decreasing to the right.
    Points outside the vertical field of view are clamped to the first or last row.

    Args:
        pos: (N, 3) points in the sensor frame.
        num_rows, num_columns: size of the image.
        fov_up, fov_down: vertical field of view in degrees (``fov_down < fov_up``).

    Returns:
        ``(row, col)``: two (N,) long tensors.
    """
    fov = math.radians(fov_up - fov_down)
    r = pos.norm(dim=1).clamp_min(1e-9)
    elevation = torch.asin((pos[:, 2] / r).clamp(-1.0, 1.0))
    azimuth = torch.atan2(pos[:, 1], pos[:, 0])
    row = torch.floor((math.radians(fov_up) - elevation) / fov * num_rows).long().clamp(0, num_rows - 1)
    col = torch.floor(0.5 * (1.0 - azimuth / math.pi) * num_columns).long().clamp(0, num_columns - 1)
    return row, col


#: Channels of the range image: what RangeNet++ feeds its CNN (it also has the return intensity).
RANGE_CHANNELS: tuple[str, ...] = ("range", "x", "y", "z", "mask")


def range_image(pos: torch.Tensor, row: torch.Tensor, col: torch.Tensor, num_rows: int,
                num_columns: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Scatter the points into a range image; in a collision the nearest point wins.

    Args:
        pos: (N, 3) points; row, col: (N,) their pixels (from :func:`range_projection`).
        num_rows, num_columns: size of the image.

    Returns:
        ``image``: (5, H, W) channels :data:`RANGE_CHANNELS` (zeros where empty);
        ``winner``: (H, W) long index of the point shown in each pixel, -1 where empty.
    """
    _check_pixels(pos, row, col, num_rows, num_columns)
    rng = pos.norm(dim=1)
    pixel = row * num_columns + col
    # sort by pixel, nearest first within a pixel: the first of each run wins
    order = torch.argsort(rng, stable=True)
    order = order[torch.argsort(pixel[order], stable=True)]
    first = torch.ones_like(order, dtype=torch.bool)
    first[1:] = pixel[order][1:] != pixel[order][:-1]
    shown = order[first]
    winner = torch.full((num_rows * num_columns,), -1, dtype=torch.long, device=pos.device)
    winner[pixel[shown]] = shown
    feats = torch.cat([rng[:, None], pos, torch.ones_like(rng)[:, None]], dim=1)  # (N, 5)
    image = pos.new_zeros(num_rows * num_columns, 5)
    image[pixel[shown]] = feats[shown]
    return image.T.reshape(5, num_rows, num_columns), winner.reshape(num_rows, num_columns)


def image_to_points(image: torch.Tensor, row: torch.Tensor, col: torch.Tensor) -> torch.Tensor:
    """Read each point's pixel: (C, H, W) predictions -> (N, C).

    Every point gets the prediction of its pixel, including points that lost a
    collision (RangeNet++ cleans those up afterwards with a k-NN vote).
    """
    check_tensor("image", image, ndim=3)
    return image[:, row, col].T


def bev_cells(pos: torch.Tensor, extent: float, cell_size: float) -> tuple[torch.Tensor, int]:
    """Cell index of each point on a square grid ``[-extent, extent]^2`` of cells ``cell_size`` wide.

    Points outside the grid are put in its border cells (clamped).

    Returns:
        ``(cell, size)``: (N,) long flat index ``row * size + column`` (row along -x... see below)
        and the number of cells per side. Rows run along ``x`` (forward), columns along ``y``.
    """
    extent = check_float("extent", extent, min_value=0.0, strict_min=True)
    cell_size = check_float("cell_size", cell_size, min_value=0.0, strict_min=True)
    size = int(round(2 * extent / cell_size))
    ij = torch.floor((pos[:, :2] + extent) / cell_size).long().clamp(0, size - 1)
    return ij[:, 0] * size + ij[:, 1], size


#: Channels of the BEV grid, per cell (heights relative to the sensor).
BEV_CHANNELS: tuple[str, ...] = ("occupied", "log(1+count)", "z min", "z max", "z mean")


def bev_grid(pos: torch.Tensor, extent: float = 32.0, cell_size: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
    """Summarise the points of each BEV cell: occupancy, count, lowest, highest and mean height.

    Args:
        pos: (N, 3) points in the sensor frame.
        extent: half the grid's side (m).
        cell_size: side of a cell (m).

    Returns:
        ``grid``: (5, S, S) channels :data:`BEV_CHANNELS`; ``cell``: (N,) each point's flat cell index.
    """
    check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
    cell, size = bev_cells(pos, extent, cell_size)
    z = pos[:, 2]
    count = pos.new_zeros(size * size).index_add_(0, cell, torch.ones_like(z))
    z_min = pos.new_zeros(size * size).scatter_reduce(0, cell, z, reduce="amin", include_self=False)
    z_max = pos.new_zeros(size * size).scatter_reduce(0, cell, z, reduce="amax", include_self=False)
    z_mean = pos.new_zeros(size * size).index_add_(0, cell, z) / count.clamp_min(1)
    grid = torch.stack([(count > 0).float(), torch.log1p(count), z_min, z_max, z_mean])
    return grid.reshape(5, size, size), cell


def grid_to_points(grid: torch.Tensor, cell: torch.Tensor) -> torch.Tensor:
    """Read each point's BEV cell: (C, S, S) predictions -> (N, C); a cell's points share its prediction."""
    check_tensor("grid", grid, ndim=3)
    return grid.reshape(grid.shape[0], -1)[:, cell].T


def cell_purity(labels: torch.Tensor, cell: torch.Tensor, num_classes: int) -> torch.Tensor:
    """For each class, the share of its points that carry the most common label of their cell (or pixel).

    A model that gives one label per cell can at best label the other points
    of a mixed cell wrongly: this is its ceiling, class by class.

    Args:
        labels: (N,) true labels; cell: (N,) flat cell (or pixel) index of each point.

    Returns:
        (num_classes,) float, NaN for a class without points.
    """
    check_tensor("labels", labels, ndim=1, integer=True)
    check_tensor("cell", cell, shape=(labels.shape[0],), integer=True)
    _, local = torch.unique(cell, return_inverse=True)
    votes = torch.zeros(int(local.max()) + 1, num_classes).index_put_((local, labels), torch.ones(len(labels)),
                                                                       accumulate=True)
    agrees = (votes.argmax(1)[local] == labels).float()
    total = torch.bincount(labels, minlength=num_classes).float()
    good = torch.zeros(num_classes).index_add_(0, labels, agrees)
    return torch.where(total > 0, good / total.clamp_min(1), torch.full_like(total, float("nan")))


def _check_pixels(pos: torch.Tensor, row: torch.Tensor, col: torch.Tensor, num_rows: int, num_columns: int) -> None:
    check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
    check_tensor("row", row, shape=(pos.shape[0],), integer=True)
    check_tensor("col", col, shape=(pos.shape[0],), integer=True)
    check_int("num_rows", num_rows, min_value=1)
    check_int("num_columns", num_columns, min_value=1)
    if int(row.min()) < 0 or int(row.max()) >= num_rows or int(col.min()) < 0 or int(col.max()) >= num_columns:
        raise ValueError(f"row must lie in [0, {num_rows}) and col in [0, {num_columns}); use range_projection")
