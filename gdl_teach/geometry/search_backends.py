"""The engines behind :mod:`gdl_teach.geometry.neighbors`: SciPy's k-d tree on the CPU, brute force in torch elsewhere.

Both return, for each query, its neighbours sorted by distance with ties
broken by the lower index (as torch-cluster's CPU code does), so the results
agree exactly across engines. Both work one example of a mini-batch at a time
(``ptr`` gives where each example's points start), so points of different
examples are never neighbours.

The compiled backends PyG itself uses (pyg-lib, then torch-cluster) are tried
first by :mod:`~gdl_teach.geometry.neighbors` when they are importable.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.spatial import cKDTree

_CHUNK = 1 << 22  # (queries x points) per brute-force chunk: bounds memory on a GPU


def ptr_of(batch: torch.Tensor, num_examples: int) -> list[int]:
    """Start offsets of each example in a sorted batch vector: (B + 1) ints."""
    counts = torch.bincount(batch.cpu(), minlength=num_examples)
    return [0] + torch.cumsum(counts, 0).tolist()


def _sorted_rows(dist: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort each row by (distance, index); missing entries (index -1) go last."""
    key_idx = np.where(idx < 0, np.iinfo(np.int64).max, idx)
    order = np.lexsort((key_idx, dist), axis=-1)
    return np.take_along_axis(dist, order, -1), np.take_along_axis(idx, order, -1)


def kdtree_knn(points: np.ndarray, queries: np.ndarray, k: int, exclude: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest ``points`` of each query, exact, ties by lower index.

    Args:
        points: (N, D) float64 array.
        queries: (M, D) float64 array.
        k: neighbours wanted; fewer when there are not enough points.
        exclude: optional (M,) index into ``points`` that query ``i`` must not get (itself, by index).

    Returns:
        ``(dist, idx)``: (M, k') arrays sorted by (distance, index), ``k' = min(k, N - excluded)``.
    """
    skip = 1 if exclude is not None else 0
    k = min(k, points.shape[0] - skip)
    want = min(k + skip + 1, points.shape[0])  # one more than needed, to see a tie at the k-th distance
    tree = cKDTree(points)
    dist, idx = tree.query(queries, k=want)
    dist, idx = dist.reshape(len(queries), want), idx.reshape(len(queries), want).astype(np.int64)
    if exclude is not None:
        dist = np.where(idx == exclude[:, None], np.inf, dist)  # the point itself sorts last
    dist, idx = _sorted_rows(dist, idx)
    if k == 0 or want == points.shape[0]:
        return dist[:, :k], idx[:, :k]  # every point was a candidate: nothing hides beyond them
    # the k-th and the next candidate tie: more points may sit at that distance, the lower index must win
    for i in np.flatnonzero(dist[:, k - 1] == dist[:, k]):
        ball = np.asarray(tree.query_ball_point(queries[i], dist[i, k - 1] * (1 + 1e-12) + 1e-300), dtype=np.int64)
        if exclude is not None:
            ball = ball[ball != exclude[i]]
        d = np.linalg.norm(points[ball] - queries[i], axis=1)
        order = np.lexsort((ball, d))[:k]
        dist[i, :k], idx[i, :k] = d[order], ball[order]
    return dist[:, :k], idx[:, :k]


def kdtree_radius(points: np.ndarray, queries: np.ndarray, r: float, max_num_neighbors: int,
                  exclude: np.ndarray | None = None) -> list[np.ndarray]:
    """For each query, the indices of ``points`` within ``r`` (inclusive), nearest first, at most ``max_num_neighbors``."""
    tree = cKDTree(points)
    out = []
    for i, ball in enumerate(tree.query_ball_point(queries, r)):
        ball = np.asarray(ball, dtype=np.int64)
        if exclude is not None:
            ball = ball[ball != exclude[i]]
        d = np.linalg.norm(points[ball] - queries[i], axis=1) if ball.size else np.zeros(0)
        out.append(ball[np.lexsort((ball, d))][:max_num_neighbors])
    return out


def brute_knn(points: torch.Tensor, queries: torch.Tensor, k: int, exclude: torch.Tensor | None = None
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """Exact k-NN by computing every distance, in chunks of queries (for GPUs); ties by lower index.

    Returns:
        ``(dist, idx)``: (M, k') tensors, ``k' = min(k, N - excluded)``, sorted by (distance, index).
    """
    n = points.shape[0]
    k_eff = min(k, n - (1 if exclude is not None else 0))
    rows = max(1, _CHUNK // max(n, 1))
    dists, idxs = [], []
    for s in range(0, queries.shape[0], rows):
        d = torch.cdist(queries[s:s + rows].double(), points.double())  # (q, N)
        if exclude is not None:
            d[torch.arange(d.shape[0], device=d.device), exclude[s:s + rows]] = float("inf")
        d_sorted, order = torch.sort(d, dim=1, stable=True)  # stable: equal distances keep index order
        dists.append(d_sorted[:, :k_eff])
        idxs.append(order[:, :k_eff])
    return torch.cat(dists), torch.cat(idxs)


def brute_radius(points: torch.Tensor, queries: torch.Tensor, r: float, max_num_neighbors: int,
                 exclude: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Radius search by brute force: (query, neighbour) index pairs, nearest first per query, capped."""
    d, idx = brute_knn(points, queries, min(max_num_neighbors, points.shape[0]), exclude)
    keep = d <= r
    q = torch.arange(queries.shape[0], device=queries.device).unsqueeze(1).expand_as(idx)
    return q[keep], idx[keep]
