"""From labelled points to objects: car instances by DBSCAN, boxes fitted to them, scored by 3D IoU.

Boxes follow KITTI's convention ``[x, y, z, length, width, height, yaw]``:
the centre, the size along the box's own axes, and the heading about the
vertical axis. The IoU of two boxes turned about z is the area of the overlap
of their footprints (two convex quadrilaterals, clipped by the
Sutherland-Hodgman algorithm) times the overlap of their height ranges,
divided by the union of the volumes.

DBSCAN comes from scikit-learn; the clipping is written out here because it is
what the lesson explains.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from sklearn.cluster import DBSCAN

from gdl_teach.core.validate import check_float, check_int, check_tensor


def footprint(box: np.ndarray) -> np.ndarray:
    """(4, 2) corners of a box's footprint, counter-clockwise."""
    x, y, _, length, width, _, yaw = (float(v) for v in box)
    c, s = np.cos(yaw), np.sin(yaw)
    local = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]]) * [length / 2, width / 2]
    return local @ np.array([[c, s], [-s, c]]) + [x, y]


def polygon_area(poly: np.ndarray) -> float:
    """Area of a simple polygon (shoelace formula); (K, 2) corners in order."""
    if len(poly) < 3:
        return 0.0
    x, y = poly[:, 0], poly[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def clip_polygon(subject: np.ndarray, clip: np.ndarray) -> np.ndarray:
    """Sutherland-Hodgman: the part of polygon ``subject`` inside the convex, counter-clockwise ``clip``.

    Each edge of ``clip`` cuts away the half-plane to its right; what is left
    after all edges is the intersection. Returns (K, 2) corners (K = 0 when empty).
    """
    out = subject
    for a, b in zip(clip, np.roll(clip, -1, axis=0)):
        if len(out) == 0:
            break
        edge = b - a
        side = edge[0] * (out[:, 1] - a[1]) - edge[1] * (out[:, 0] - a[0])  # > 0: left of the edge, inside
        kept = []
        for k in range(len(out)):
            p, q, sp, sq = out[k], out[(k + 1) % len(out)], side[k], side[(k + 1) % len(out)]
            if sp >= 0:
                kept.append(p)
            if (sp >= 0) != (sq >= 0):  # the edge p -> q crosses the clipping line
                kept.append(p + (q - p) * (sp / (sp - sq)))
        out = np.array(kept).reshape(-1, 2)
    return out


def box_iou_3d(box_a: np.ndarray, box_b: np.ndarray) -> float:
    """3D intersection over union of two boxes ``[x, y, z, l, w, h, yaw]`` turned about the vertical axis."""
    a, b = np.asarray(box_a, dtype=np.float64), np.asarray(box_b, dtype=np.float64)
    if a.shape != (7,) or b.shape != (7,):
        raise ValueError(f"box_a and box_b must be 7 numbers [x, y, z, l, w, h, yaw], got {a.shape} and {b.shape}")
    overlap_area = polygon_area(clip_polygon(footprint(a), footprint(b)))
    overlap_z = max(0.0, min(a[2] + a[5] / 2, b[2] + b[5] / 2) - max(a[2] - a[5] / 2, b[2] - b[5] / 2))
    inter = overlap_area * overlap_z
    union = a[3] * a[4] * a[5] + b[3] * b[4] * b[5] - inter
    return float(inter / union) if union > 0 else 0.0


def cluster_instances(pos: torch.Tensor, eps: float = 0.8, min_samples: int = 8) -> torch.Tensor:
    """Group points into objects with DBSCAN on their ground-plane position (scikit-learn).

    Two points are neighbours when closer than ``eps`` (m) in ``(x, y)``; a
    cluster is a connected set of points with at least ``min_samples``
    neighbours around its core. Cars parked bumper to bumper less than ``eps``
    apart merge into one cluster.

    Args:
        pos: (N, 3) points (e.g. those labelled car).

    Returns:
        (N,) long cluster ids, -1 for noise.
    """
    check_tensor("pos", pos, shape=(None, 3), floating=True)
    check_float("eps", eps, min_value=0.0, strict_min=True)
    check_int("min_samples", min_samples, min_value=1)
    if pos.shape[0] == 0:
        return torch.zeros(0, dtype=torch.long)
    ids = DBSCAN(eps=eps, min_samples=min_samples).fit_predict(pos[:, :2].detach().cpu().numpy())
    return torch.as_tensor(ids, dtype=torch.long)


def fit_box(pos: torch.Tensor, num_angles: int = 45) -> np.ndarray:
    """A box around the points of one object: the rectangle whose sides the points hug, and their heights.

    LiDAR sees only the sides of a car that face the sensor, an L-shape. The
    smallest rectangle around an L is ambiguous (one along its legs and one
    along its diagonal have the same area), so each of ``num_angles`` headings
    in [0, 90) degrees is scored by how close the points lie to the nearest
    side of the bounding rectangle (the closeness criterion of Zhang et al.
    2017, "Efficient L-shape fitting for vehicle detection using laser
    scanners") and the best one is kept. The box covers only what was seen, so
    it is often shorter or narrower than the car.

    Args:
        pos: (N, 3) points of one object, N >= 1.

    Returns:
        ``[x, y, z, l, w, h, yaw]`` (numpy, float64).
    """
    check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
    p = pos.detach().cpu().double().numpy()
    angles = np.linspace(0.0, np.pi / 2, num_angles, endpoint=False)
    c, s = np.cos(angles), np.sin(angles)
    u = p[:, 0:1] * c + p[:, 1:2] * s  # (N, A) coordinates along each candidate heading
    v = -p[:, 0:1] * s + p[:, 1:2] * c
    to_side = np.minimum(np.minimum(u - u.min(0), u.max(0) - u), np.minimum(v - v.min(0), v.max(0) - v))
    k = int(np.argmax((1.0 / np.maximum(to_side, 0.05)).sum(0)))  # 5 cm: closer counts as on the side
    du, dv = (u[:, k].max() + u[:, k].min()) / 2, (v[:, k].max() + v[:, k].min()) / 2
    length, width = u[:, k].max() - u[:, k].min(), v[:, k].max() - v[:, k].min()
    yaw = angles[k]
    if width > length:  # the length is the longer side
        length, width, yaw = width, length, yaw + np.pi / 2
    x, y = du * c[k] - dv * s[k], du * s[k] + dv * c[k]
    return np.array([x, y, (p[:, 2].max() + p[:, 2].min()) / 2, length, width, p[:, 2].max() - p[:, 2].min(), yaw])


def boxes_from_labels(pos: torch.Tensor, labels: torch.Tensor, car: int, eps: float = 0.8,
                      min_samples: int = 8) -> np.ndarray:
    """Boxes of the car instances in a labelled scan: DBSCAN on the points labelled ``car``, a box per cluster.

    Returns:
        (K, 7) boxes.
    """
    check_tensor("labels", labels, shape=(pos.shape[0],), integer=True)
    cars = pos[labels == car]
    ids = cluster_instances(cars, eps, min_samples)
    boxes = [fit_box(cars[ids == k]) for k in range(int(ids.max()) + 1 if ids.numel() else 0)]
    return np.array(boxes).reshape(-1, 7)


def match_boxes(found: np.ndarray, true: np.ndarray, visible: np.ndarray | None = None) -> pd.DataFrame:
    """For each true box, the found box of highest 3D IoU (each found box used once, best pairs first).

    Args:
        found: (K, 7) fitted boxes; true: (T, 7) true boxes.
        visible: optional (T,) bool, which true boxes to score (e.g. cars with enough points).

    Returns:
        One row per scored true box: its distance from the sensor and the best IoU (0 when unmatched).
    """
    true = true if visible is None else true[visible]
    iou = np.array([[box_iou_3d(t, f) for f in found] for t in true]).reshape(len(true), len(found))
    best = np.zeros(len(true))
    used_t, used_f = set(), set()
    for flat in np.argsort(-iou, axis=None):
        t, f = divmod(int(flat), max(len(found), 1))
        if iou.size and iou[t, f] > 0 and t not in used_t and f not in used_f:
            best[t] = iou[t, f]
            used_t.add(t)
            used_f.add(f)
    return pd.DataFrame({"distance (m)": np.hypot(true[:, 0], true[:, 1]).round(1), "best IoU": best.round(2)})
