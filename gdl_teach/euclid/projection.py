"""A cube, a flat square, and what one camera does to both.

Rotations of R^3 keep every distance and angle: they are symmetries of
Euclidean space, and a cube in R^3 is Euclidean data. The orthographic
projection of a camera (rotate, then drop z) is not a symmetry: it throws
away one number per point, its depth. :func:`distortion_table` applies the
*same* rotation and projection to a solid cube and to a flat square (a
like-for-like control): the square's picture is exact only while its plane
faces the camera, the cube's never is, and :func:`depth_identity_error`
shows that the depth accounts for every lost distance exactly
(``|p_i - p_j|^2 = |picture_i - picture_j|^2 + (depth_i - depth_j)^2``).
Rotations come from :func:`gdl_teach.core.symmetry.rotation_matrix`, in
float64 so that "no distortion" reads as zero up to about 1e-16.
"""
from __future__ import annotations

import math

import pandas as pd
import torch

from gdl_teach.core.symmetry import rotation_matrix
from gdl_teach.core.validate import check_edge_index, check_float, check_tensor


def make_cube(side: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """A cube centred at the origin.

    Args:
        side: edge length > 0.

    Returns:
        ``(pos, edges)``: pos (8, 3) float64 corners, edges (2, 12) long, each edge once.
    """
    side = check_float("side", side, min_value=0.0, strict_min=True)
    corners = torch.tensor([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], dtype=torch.float64)
    pos = (corners - 0.5) * side  # (8, 3)
    edges = [(i, j) for i in range(8) for j in range(i + 1, 8) if int((corners[i] != corners[j]).sum()) == 1]
    return pos, torch.tensor(edges, dtype=torch.long).t().contiguous()


def make_square(side: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """A flat square in 3D space: centred at the origin, in the plane z = 0.

    Args:
        side: edge length > 0.

    Returns:
        ``(pos, edges)``: pos (4, 3) float64 corners in order around the square, edges (2, 4) long.
    """
    side = check_float("side", side, min_value=0.0, strict_min=True)
    pos = (torch.tensor([[0, 0, 0.5], [1, 0, 0.5], [1, 1, 0.5], [0, 1, 0.5]], dtype=torch.float64) - 0.5) * side
    return pos, torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])


def project_to_plane(pos: torch.Tensor, rot: torch.Tensor) -> torch.Tensor:
    """Rotate 3D points, then project them orthographically onto the image plane (drop z).

    Args:
        pos: (N, 3) points.
        rot: (3, 3) rotation matrix, on the device of ``pos``.

    Returns:
        (N, 2) projected points, the first two coordinates of ``pos @ rot.T``.
    """
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True, finite=True)
    rot = check_tensor("rot", rot, shape=(3, 3), floating=True, finite=True)
    return (pos @ rot.to(pos.dtype).T)[:, :2]


def depth(pos: torch.Tensor, rot: torch.Tensor) -> torch.Tensor:
    """What the camera of :func:`project_to_plane` throws away: each point's depth, the z of ``pos @ rot.T``.

    Args:
        pos: (N, 3) points.
        rot: (3, 3) rotation matrix.

    Returns:
        (N,) depths.
    """
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True, finite=True)
    rot = check_tensor("rot", rot, shape=(3, 3), floating=True, finite=True)
    return (pos @ rot.to(pos.dtype).T)[:, 2]


def depth_identity_error(pos: torch.Tensor, rot: torch.Tensor) -> float:
    """How far ``|p_i - p_j|^2 = |picture_i - picture_j|^2 + (depth_i - depth_j)^2`` is from holding.

    Zero up to rounding for every rotation: the picture plus the depth is the
    whole point, so the depth is *exactly* what a projection loses.

    Args:
        pos: (N, 3) points.
        rot: (3, 3) rotation matrix.

    Returns:
        The largest absolute error over all pairs.
    """
    picture, z = project_to_plane(pos, rot), depth(pos, rot)
    true_sq = pairwise_distances(pos) ** 2
    seen_sq = pairwise_distances(picture) ** 2
    return float((true_sq - seen_sq - (z.unsqueeze(0) - z.unsqueeze(1)) ** 2).abs().max())


def pairwise_distances(pos: torch.Tensor) -> torch.Tensor:
    """All pairwise Euclidean distances.

    Args:
        pos: (N, D) points.

    Returns:
        (N, N) distances.
    """
    pos = check_tensor("pos", pos, ndim=2, floating=True, nonempty=True)
    return torch.cdist(pos, pos)


def corner_angles(pos: torch.Tensor, edges: torch.Tensor) -> torch.Tensor:
    """The angle between every two edges that meet at a corner, in degrees.

    An edge of zero length (a cube edge seen end-on) has no direction: angles
    involving it are NaN.

    Args:
        pos: (N, D) corners.
        edges: (2, E) undirected edges, each listed once.

    Returns:
        (A,) float64 angles in degrees, in a fixed order (corner by corner), on the device of ``pos``.
    """
    pos = check_tensor("pos", pos, ndim=2, floating=True, nonempty=True)
    edges = check_edge_index("edges", edges, pos.shape[0])
    angles = []
    for v in range(pos.shape[0]):
        others = torch.cat([edges[1][edges[0] == v], edges[0][edges[1] == v]])
        vec = pos[others] - pos[v]  # (deg, D)
        norm = vec.norm(dim=1)
        for a in range(len(others)):
            for b in range(a + 1, len(others)):
                if min(float(norm[a]), float(norm[b])) < 1e-9:
                    angles.append(float("nan"))
                    continue
                cos = float((vec[a] @ vec[b]) / (norm[a] * norm[b]))
                angles.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return torch.tensor(angles, dtype=torch.float64, device=pos.device)


def projection_distortion(true_pos: torch.Tensor, seen_pos: torch.Tensor, edges: torch.Tensor) -> dict[str, float]:
    """How much a view of a shape distorts its distances and angles.

    Args:
        true_pos: (N, D) the shape's real corners.
        seen_pos: (N, D') the same corners as seen (projected or rotated).
        edges: (2, E) the shape's edges, each once.

    Returns:
        ``max_dist_error`` and ``mean_dist_error`` (absolute, over all pairs),
        ``max_angle_error`` (degrees, over corner angles with both edges
        visible) and ``collapsed_edges`` (edges seen with zero length).
    """
    true_pos = check_tensor("true_pos", true_pos, ndim=2, floating=True, nonempty=True, finite=True)
    seen_pos = check_tensor("seen_pos", seen_pos, ndim=2, floating=True, nonempty=True, finite=True)
    if seen_pos.shape[0] != true_pos.shape[0]:
        raise ValueError(f"seen_pos must have one row per corner of true_pos ({true_pos.shape[0]}), got {seen_pos.shape[0]}")
    edges = check_edge_index("edges", edges, true_pos.shape[0])
    iu = torch.triu_indices(true_pos.shape[0], true_pos.shape[0], offset=1, device=true_pos.device)
    d_err = (pairwise_distances(seen_pos.double()) - pairwise_distances(true_pos.double()))[iu[0], iu[1]].abs()
    a_err = (corner_angles(seen_pos.double(), edges) - corner_angles(true_pos.double(), edges)).abs()
    seen_len = (seen_pos[edges[0]] - seen_pos[edges[1]]).norm(dim=1)
    finite = a_err[~torch.isnan(a_err)]
    return {
        "max_dist_error": float(d_err.max()),
        "mean_dist_error": float(d_err.mean()),
        "max_angle_error": float(finite.max()) if finite.numel() else float("nan"),
        "collapsed_edges": int((seen_len < 1e-9).sum()),
    }


def distortion_table(angle_x: float, angle_y: float, angle_z: float) -> pd.DataFrame:
    """One camera, two shapes: the cube and the flat square, rotated alike, then projected (drop z).

    Args:
        angle_x: rotation about x, degrees.
        angle_y: rotation about y, degrees.
        angle_z: rotation about z (the camera's axis), degrees.

    Returns:
        A two-row table: maximum and mean absolute error of all pairwise
        distances, maximum absolute error of the corner angles (degrees), the
        number of edges seen end-on (zero length) and the depth range (the
        spread of the z the camera dropped).
    """
    angles = tuple(check_float(name, a) for name, a in
                   (("angle_x", angle_x), ("angle_y", angle_y), ("angle_z", angle_z)))
    rot = rotation_matrix(angles, dtype=torch.float64)
    rows = {}
    for name, (pos, edges) in (("cube (a solid)", make_cube()), ("square (flat, same rotation)", make_square())):
        z = depth(pos, rot)
        rows[name] = {**projection_distortion(pos, project_to_plane(pos, rot), edges),
                      "depth_range": float(z.max() - z.min())}
    table = pd.DataFrame(rows).T
    table.columns = ["max |d dist|", "mean |d dist|", "max |d angle| (deg)", "edges seen end-on", "depth range"]
    return table.astype({"edges seen end-on": int})
