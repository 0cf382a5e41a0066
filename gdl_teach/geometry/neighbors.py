"""Neighbour search on point clouds: k-nearest neighbours, radius graphs, farthest point sampling.

Every point-cloud model starts from these (PointNet++ groups points by radius
around farthest-point samples, DGCNN builds a k-NN graph). They have the
signatures, meanings and output conventions of PyG's
:func:`torch_geometric.nn.knn_graph`, :func:`~torch_geometric.nn.radius_graph`,
:func:`~torch_geometric.nn.knn`, :func:`~torch_geometric.nn.radius` and
:func:`~torch_geometric.nn.fps`:

* an edge list ``edge_index`` has shape ``(2, E)``; with
  ``flow="source_to_target"`` (the default) ``edge_index[1]`` is the centre
  point and ``edge_index[0]`` one of its neighbours, so messages flow from the
  neighbours into the centre;
* ``batch`` assigns each point to an example of a mini-batch (sorted, as PyG's
  ``Batch`` builds it); points of different examples are never connected.

Which engine answers, in order: the compiled package PyG itself uses
(pyg-lib, then torch-cluster) when it is importable and works on the
tensors' device; otherwise SciPy's ``cKDTree`` on the CPU (exact), or exact
brute force in chunks on another device (a GPU). The kit's own engines return
each centre's neighbours nearest first with ties broken by the lower index,
as torch-cluster's CPU code does. :data:`BACKEND` says which engine is used.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from gdl_teach.core.validate import check_batch, check_choice, check_float, check_int, check_tensor
from gdl_teach.geometry import search_backends as engines

__all__ = ["knn", "knn_graph", "radius", "radius_graph", "fps", "BACKEND"]

_FLOWS = ("source_to_target", "target_to_source")
_FAILED: set[tuple[str, str]] = set()  # (function, device type) where a compiled backend raised


def _compiled_functions() -> tuple[str, dict[str, Callable[..., torch.Tensor]]]:
    try:
        import torch_geometric.typing as pyg_typing

        if pyg_typing.WITH_KNN and pyg_typing.WITH_RADIUS and pyg_typing.WITH_FPS:
            from torch_geometric.nn import pool

            return "pyg-lib (compiled)", {"knn": pool.knn, "knn_graph": pool.knn_graph, "radius": pool.radius,
                                          "radius_graph": pool.radius_graph, "fps": pool.fps}
    except Exception:  # noqa: BLE001 - any import problem means: not available
        pass
    try:
        import torch_cluster  # type: ignore[import-not-found]

        return "torch-cluster (compiled)", {name: getattr(torch_cluster, name) for name in
                                            ("knn", "knn_graph", "radius", "radius_graph", "fps")}
    except Exception:  # noqa: BLE001
        return "", {}


_COMPILED_NAME, _COMPILED = _compiled_functions()
#: Which engine answers the calls on the CPU, as ``gdl-teach doctor`` reports it.
BACKEND: str = _COMPILED_NAME or "SciPy cKDTree on the CPU, exact brute force on other devices"


def _try_compiled(name: str, device: torch.device, *args: Any, **kwargs: Any) -> torch.Tensor | None:
    """The compiled backend's answer, or None when there is none or it cannot run on ``device``."""
    fn = _COMPILED.get(name)
    if fn is None or (name, device.type) in _FAILED:
        return None
    try:
        return fn(*args, **kwargs)
    except (RuntimeError, NotImplementedError, ImportError):  # e.g. a CPU-only build given CUDA tensors
        _FAILED.add((name, device.type))
        return None


def _check_points(name: str, x: Any) -> torch.Tensor:
    x = check_tensor(name, x, ndim=2, floating=True, nonempty=True, finite=True)
    if x.shape[1] < 1:
        raise ValueError(f"{name} must have at least one coordinate column, got shape {tuple(x.shape)}")
    return x


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool (True or False), got {type(value).__name__}")
    return value


def _per_example(x: torch.Tensor, y: torch.Tensor, bx: torch.Tensor, by: torch.Tensor, same: bool,
                 search: Callable[..., tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Run ``search(points, queries, exclude)`` on each example; return global (query, neighbour) indices."""
    num_examples = int(max(int(bx.max()) if bx.numel() else -1, int(by.max()) if by.numel() else -1)) + 1
    px, py = engines.ptr_of(bx, num_examples), engines.ptr_of(by, num_examples)
    rows, cols = [], []
    for b in range(num_examples):
        (x0, x1), (y0, y1) = (px[b], px[b + 1]), (py[b], py[b + 1])
        if x1 == x0 or y1 == y0:
            continue
        exclude = torch.arange(y1 - y0, device=x.device) if same else None
        q, nb = search(x[x0:x1], y[y0:y1], exclude)
        rows.append(q + y0)
        cols.append(nb + x0)
    if not rows:
        empty = torch.zeros(0, dtype=torch.long, device=x.device)
        return empty, empty
    return torch.cat(rows), torch.cat(cols)


def _knn_search(k: int) -> Callable[..., tuple[torch.Tensor, torch.Tensor]]:
    def search(points: torch.Tensor, queries: torch.Tensor,
               exclude: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        if points.device.type == "cpu":
            ex = None if exclude is None else exclude.numpy()
            _, found = engines.kdtree_knn(points.detach().double().numpy(), queries.detach().double().numpy(), k, ex)
            idx = torch.from_numpy(found)
        else:
            _, idx = engines.brute_knn(points.detach(), queries.detach(), k, exclude)
        q = torch.arange(queries.shape[0], device=points.device).unsqueeze(1).expand_as(idx)
        return q.reshape(-1), idx.reshape(-1).to(points.device)
    return search


def _radius_search(r: float, max_num_neighbors: int) -> Callable[..., tuple[torch.Tensor, torch.Tensor]]:
    def search(points: torch.Tensor, queries: torch.Tensor,
               exclude: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        if points.device.type != "cpu":
            return engines.brute_radius(points.detach(), queries.detach(), r, max_num_neighbors, exclude)
        ex = None if exclude is None else exclude.numpy()
        lists = engines.kdtree_radius(points.detach().double().numpy(), queries.detach().double().numpy(), r,
                                      max_num_neighbors, ex)
        q = np.repeat(np.arange(len(lists)), [len(v) for v in lists])
        nb = np.concatenate(lists) if lists else np.zeros(0, dtype=np.int64)
        return torch.from_numpy(q).long(), torch.from_numpy(nb).long()
    return search


def knn(x: torch.Tensor, y: torch.Tensor, k: int, batch_x: torch.Tensor | None = None,
        batch_y: torch.Tensor | None = None) -> torch.Tensor:
    """For each point of ``y``, its ``k`` nearest points in ``x`` (Euclidean).

    Same output as :func:`torch_geometric.nn.knn`. When an example of ``x``
    has fewer than ``k`` points, a query of that example gets all of them.

    Args:
        x: (N, D) float tensor, the points searched.
        y: (M, D) float tensor, the query points.
        k: number of neighbours per query, >= 1.
        batch_x: optional (N,) sorted example index of each point of ``x``.
        batch_y: optional (M,) sorted example index of each point of ``y``.

    Returns:
        assign_index: (2, E) long tensor; ``assign_index[0]`` indexes ``y`` (a
        query's neighbours are consecutive, nearest first) and ``assign_index[1]`` indexes ``x``.
    """
    x, y = _check_points("x", x), _check_points("y", y)
    if y.shape[1] != x.shape[1]:
        raise ValueError(f"y must have the same number of columns as x ({x.shape[1]}), got {y.shape[1]}")
    k = check_int("k", k, min_value=1)
    bx = check_batch("batch_x", batch_x, x.shape[0], device=x.device)
    by = check_batch("batch_y", batch_y, y.shape[0], device=y.device)
    out = _try_compiled("knn", x.device, x, y, k, batch_x, batch_y)
    if out is not None:
        return out
    return torch.stack(_per_example(x, y, bx, by, False, _knn_search(k)))


def knn_graph(x: torch.Tensor, k: int, batch: torch.Tensor | None = None, loop: bool = False,
              flow: str = "source_to_target") -> torch.Tensor:
    """Connect each point to its ``k`` nearest neighbours (a k-NN graph).

    Same signature and output as :func:`torch_geometric.nn.knn_graph`.
    ``loop=False`` excludes each point itself by *index*, so duplicated points
    are still neighbours of each other (at distance 0), and every point gets
    exactly ``k`` neighbours when its example has more than ``k`` points (else all of them).

    Args:
        x: (N, D) float tensor of point coordinates (or features).
        k: number of neighbours per point, >= 1.
        batch: optional (N,) sorted example index of each point.
        loop: if True, a point may be its own neighbour (one of its ``k`` nearest, at distance 0).
        flow: ``"source_to_target"`` (``edge_index[1]`` is the centre) or ``"target_to_source"``.

    Returns:
        edge_index: (2, E) long tensor, ``E = N * k`` when every example has more than ``k`` points;
        the edges of a centre are consecutive, centres in order, neighbours nearest first.

    Example:
        >>> knn_graph(torch.rand(100, 3), k=8).shape
        torch.Size([2, 800])
    """
    x = _check_points("x", x)
    k = check_int("k", k, min_value=1)
    b = check_batch("batch", batch, x.shape[0], device=x.device)
    loop = _check_bool("loop", loop)
    flow = check_choice("flow", flow, _FLOWS)
    out = _try_compiled("knn_graph", x.device, x, k, batch, loop=loop, flow=flow)
    if out is not None:
        return out
    centre, neighbour = _per_example(x, x, b, b, not loop, _knn_search(k))
    return torch.stack([neighbour, centre] if flow == "source_to_target" else [centre, neighbour])


def radius(x: torch.Tensor, y: torch.Tensor, r: float, batch_x: torch.Tensor | None = None,
           batch_y: torch.Tensor | None = None, max_num_neighbors: int = 32) -> torch.Tensor:
    """For each point of ``y``, the points of ``x`` within distance ``r`` (inclusive).

    Same output as :func:`torch_geometric.nn.radius`. When more than
    ``max_num_neighbors`` points qualify, the nearest ones are kept (torch-cluster keeps an unspecified subset).

    Args:
        x: (N, D) float tensor, the points searched.
        y: (M, D) float tensor, the query points.
        r: radius, > 0.
        batch_x: optional (N,) sorted example index of each point of ``x``.
        batch_y: optional (M,) sorted example index of each point of ``y``.
        max_num_neighbors: most neighbours returned per query, >= 1.

    Returns:
        assign_index: (2, E) long tensor; row 0 indexes ``y`` (sorted), row 1 ``x``.
    """
    x, y = _check_points("x", x), _check_points("y", y)
    if y.shape[1] != x.shape[1]:
        raise ValueError(f"y must have the same number of columns as x ({x.shape[1]}), got {y.shape[1]}")
    r = check_float("r", r, min_value=0.0, strict_min=True)
    max_num_neighbors = check_int("max_num_neighbors", max_num_neighbors, min_value=1)
    bx = check_batch("batch_x", batch_x, x.shape[0], device=x.device)
    by = check_batch("batch_y", batch_y, y.shape[0], device=y.device)
    out = _try_compiled("radius", x.device, x, y, r, batch_x, batch_y, max_num_neighbors)
    if out is not None:
        return out
    return torch.stack(_per_example(x, y, bx, by, False, _radius_search(r, max_num_neighbors)))


def radius_graph(x: torch.Tensor, r: float, batch: torch.Tensor | None = None, loop: bool = False,
                 max_num_neighbors: int = 32, flow: str = "source_to_target") -> torch.Tensor:
    """Connect each point to the points within distance ``r`` (a radius graph).

    Same signature and output as :func:`torch_geometric.nn.radius_graph`. When
    more than ``max_num_neighbors`` points qualify, the *nearest* ones are kept.
    ``loop=False`` excludes a point itself by index (duplicates stay connected);
    ``loop=True`` adds each point as its own neighbour, beyond the cap.

    Args:
        x: (N, D) float tensor of point coordinates.
        r: radius, > 0; a point at distance exactly ``r`` counts.
        batch: optional (N,) sorted example index of each point.
        loop: if True, each point is also connected to itself.
        max_num_neighbors: most neighbours per point (itself not counted), >= 1.
        flow: ``"source_to_target"`` (``edge_index[1]`` is the centre) or ``"target_to_source"``.

    Returns:
        edge_index: (2, E) long tensor; the edges of a centre are consecutive, centres in order.
    """
    x = _check_points("x", x)
    r = check_float("r", r, min_value=0.0, strict_min=True)
    b = check_batch("batch", batch, x.shape[0], device=x.device)
    loop = _check_bool("loop", loop)
    max_num_neighbors = check_int("max_num_neighbors", max_num_neighbors, min_value=1)
    flow = check_choice("flow", flow, _FLOWS)
    out = _try_compiled("radius_graph", x.device, x, r, batch, loop=loop, max_num_neighbors=max_num_neighbors,
                        flow=flow)
    if out is not None:
        return out
    centre, neighbour = _per_example(x, x, b, b, True, _radius_search(r, max_num_neighbors))
    if loop:  # each point first among its own edges, as its distance 0 says
        self_idx = torch.arange(x.shape[0], device=x.device)
        order = torch.argsort(torch.cat([self_idx, centre]) * 2 + torch.cat([torch.zeros_like(self_idx),
                                                                             torch.ones_like(centre)]), stable=True)
        centre = torch.cat([self_idx, centre])[order]
        neighbour = torch.cat([self_idx, neighbour])[order]
    return torch.stack([neighbour, centre] if flow == "source_to_target" else [centre, neighbour])


def fps(x: torch.Tensor, batch: torch.Tensor | None = None, ratio: float = 0.5,
        random_start: bool = True) -> torch.Tensor:
    """Farthest point sampling (PointNet++, Qi et al. 2017, https://arxiv.org/abs/1706.02413).

    Starting from one point, repeatedly pick the point farthest from all the
    points picked so far; the picks spread evenly over the cloud. Same output
    as :func:`torch_geometric.nn.fps`: ``ceil(ratio * n_b)`` picks for an
    example with ``n_b`` points, examples concatenated in order, picks in the
    order they were made; indices are distinct even with duplicated points.

    Args:
        x: (N, D) float tensor of point coordinates.
        batch: optional (N,) sorted example index of each point.
        ratio: fraction of points to keep, in (0, 1].
        random_start: if True the first pick of each example is random (seed it
            with :func:`torch.manual_seed`); if False it is the example's first point.

    Returns:
        index: (sum_b ceil(ratio * n_b),) long tensor of indices into ``x``.
    """
    x = _check_points("x", x)
    b = check_batch("batch", batch, x.shape[0], device=x.device)
    ratio = check_float("ratio", ratio, min_value=0.0, strict_min=True, max_value=1.0)
    random_start = _check_bool("random_start", random_start)
    out = _try_compiled("fps", x.device, x, batch, ratio, random_start)
    if out is not None:
        return out
    return _farthest_points(x.detach(), b, ratio, random_start)


def _farthest_points(x: torch.Tensor, batch: torch.Tensor, ratio: float, random_start: bool) -> torch.Tensor:
    """Greedy farthest point sampling of every example at once, on points padded to (B, n_max, D)."""
    num_examples = int(batch.max()) + 1
    ptr = torch.tensor(engines.ptr_of(batch, num_examples), device=x.device)
    sizes = ptr[1:] - ptr[:-1]  # (B,) points per example
    num_picks = torch.ceil(sizes.double().cpu() * ratio).long().clamp(max=sizes.cpu())  # (B,)
    col = torch.arange(x.shape[0], device=x.device) - ptr[batch]  # position of each point in its example
    pts = x.new_zeros(num_examples, int(sizes.max()), x.shape[1], dtype=torch.float64)
    pts[batch, col] = x.double()
    dist = torch.full(pts.shape[:2], -1.0, dtype=torch.float64, device=x.device)  # padding is never picked
    dist[batch, col] = math.inf
    starts = (torch.rand(num_examples) * sizes.double().cpu()).long() if random_start \
        else torch.zeros(num_examples, dtype=torch.long)
    cur = torch.minimum(starts, (sizes.cpu() - 1).clamp(min=0)).to(x.device)  # (B,)
    rows = torch.arange(num_examples, device=x.device)
    picks = torch.empty(int(num_picks.max()), num_examples, dtype=torch.long, device=x.device)
    for i in range(picks.shape[0]):
        picks[i] = cur
        d2 = ((pts - pts[rows, cur].unsqueeze(1)) ** 2).sum(-1)  # (B, n_max)
        dist = torch.where(dist < 0, dist, torch.minimum(dist, d2))
        dist[rows, cur] = -1.0  # a picked point is never picked again; its duplicates (at 0) still can be
        cur = dist.argmax(1)
    keep = torch.arange(picks.shape[0]).unsqueeze(0) < num_picks.unsqueeze(1)  # (B, m_max)
    return (picks.t() + ptr[:-1].unsqueeze(1))[keep.to(x.device)]  # examples in order, picks in the order made
