"""Neighbour search on point clouds: k-nearest neighbours, radius graphs, farthest point sampling.

These are the operations every point-cloud model of the kit starts from
(PointNet++ groups points by radius around farthest-point samples, DGCNN builds
a k-NN graph). They have the same signatures, meanings and output conventions
as PyG's :func:`torch_geometric.nn.knn_graph`, :func:`~torch_geometric.nn.radius_graph`,
:func:`~torch_geometric.nn.knn`, :func:`~torch_geometric.nn.radius` and
:func:`~torch_geometric.nn.fps`:

* an edge list ``edge_index`` has shape ``(2, E)``; with
  ``flow="source_to_target"`` (the default) ``edge_index[1]`` is the centre
  point and ``edge_index[0]`` one of its neighbours, so messages flow from the
  neighbours into the centre;
* ``batch`` assigns each point to an example of a mini-batch (sorted, as PyG's
  ``Batch`` builds it); points of different examples are never connected.

PyG computes them with the compiled ``torch-cluster`` package. When it is
importable we call it (:data:`HAS_TORCH_CLUSTER`); it is not on the package
index for every platform, so otherwise the pure-torch code below runs, on the
CPU or a GPU alike.

How the pure-torch k-NN search works. It is exact: it returns the same
distances as brute force (up to float rounding; ties are broken arbitrarily).

1. Put a grid of cubic cells of side ``h`` over each example and sort the
   points by cell key (the example index is folded into the key, so examples
   never mix). The cells of a row along the last axis have consecutive keys,
   so a ``3 x 3 x 3`` block of cells is 9 runs of consecutive sorted points
   (3 in 2D). ``h`` is a high quantile of the k-th neighbour distance of a
   few sampled points, so a cell holds a handful of points.
2. The candidates of a query are the points of the block around its cell
   (all queries of a cell share them); squared distances come from
   coordinate differences, in chunks of a bounded number of pairs.
3. Keep the ``k`` smallest. The answer is proven exact when the k-th distance
   is no larger than the distance from the query to the border of its block
   (nothing outside can be closer). Most queries pass; each of the others
   knows an upper bound of its k-th distance (its k-th candidate), and a
   second pass gives it a block just wide enough to hold that ball. A handful
   of leftovers, and dimensions above 3, use brute force within the example.

Radius search uses the same grid with cells at least ``r`` wide, so the
``3 x 3 x 3`` block always holds the ball of radius ``r``.
"""
from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator
from typing import Any

import torch

from gdl_teach.core.device import torch_threads
from gdl_teach.core.validate import check_batch, check_choice, check_float, check_int, check_tensor

try:  # the compiled backend PyG itself uses; optional
    import torch_cluster  # type: ignore[import-not-found]
except Exception:  # pragma: no cover - depends on the environment
    torch_cluster = None

#: True when the compiled ``torch_cluster`` package is importable and used.
HAS_TORCH_CLUSTER: bool = torch_cluster is not None
#: Which implementation answers the calls, as ``gdl-teach doctor`` reports it.
BACKEND: str = "torch-cluster (compiled)" if HAS_TORCH_CLUSTER else "pure torch (torch-cluster not installed)"

__all__ = ["knn", "knn_graph", "radius", "radius_graph", "fps", "HAS_TORCH_CLUSTER", "CPU_THREADS"]

#: Threads the pure-torch code may use on the CPU (``None``: keep torch's setting).
#: One by default: its operations are short, and OpenMP threads that wait for
#: each other stall when other programs keep the CPUs busy (ten times slower
#: on a loaded 2-core machine), while an idle machine gains little from them.
CPU_THREADS: int | None = 1

_FLOWS = ("source_to_target", "target_to_source")
_CHUNK = 1 << 18  # (queries x candidates) per chunk: bounds memory, keeps data in cache
_INF = float("inf")


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------
def knn(
    x: torch.Tensor,
    y: torch.Tensor,
    k: int,
    batch_x: torch.Tensor | None = None,
    batch_y: torch.Tensor | None = None,
) -> torch.Tensor:
    """For each point of ``y``, find its ``k`` nearest points in ``x`` (Euclidean).

    Same output as :func:`torch_geometric.nn.knn`. When an example of ``x``
    has fewer than ``k`` points, a query of that example gets all of them.

    Args:
        x: (N, D) float tensor, the points searched.
        y: (M, D) float tensor, the query points.
        k: number of neighbours per query, >= 1.
        batch_x: optional (N,) sorted example index of each point of ``x``.
        batch_y: optional (M,) sorted example index of each point of ``y``.

    Returns:
        assign_index: (2, E) long tensor; ``assign_index[0]`` indexes ``y``
        (sorted: the ``k`` neighbours of a query are consecutive, in no
        particular order) and ``assign_index[1]`` indexes ``x``.

    Raises:
        TypeError / ValueError: on a malformed argument (the message names it).
    """
    x = _check_points("x", x)
    y = _check_points("y", y)
    if y.shape[1] != x.shape[1]:
        raise ValueError(f"y must have the same number of columns as x ({x.shape[1]}), got {y.shape[1]}")
    k = check_int("k", k, min_value=1)
    bx = check_batch("batch_x", batch_x, x.shape[0], device=x.device)
    by = check_batch("batch_y", batch_y, y.shape[0], device=y.device)
    if _backend() is not None:
        return torch_cluster.knn(x, y, k, batch_x, batch_y)
    with _search_context(x):
        return _knn_edges(x, y, bx, by, k, same=False, exclude_self=False, centre_row=0)


def knn_graph(
    x: torch.Tensor,
    k: int,
    batch: torch.Tensor | None = None,
    loop: bool = False,
    flow: str = "source_to_target",
) -> torch.Tensor:
    """Connect each point to its ``k`` nearest neighbours (a k-NN graph).

    Same signature and output as :func:`torch_geometric.nn.knn_graph`.
    ``loop=False`` excludes each point itself by *index*, so duplicated points
    are still neighbours of each other (at distance 0), and every point gets
    exactly ``k`` neighbours. When an example has ``k`` or fewer other points,
    each of its points is connected to all of them (as in PyG). Ties at the
    k-th distance are broken arbitrarily.

    Args:
        x: (N, D) float tensor of point coordinates (or features).
        k: number of neighbours per point, >= 1.
        batch: optional (N,) sorted example index of each point.
        loop: if True, a point may be its own neighbour (it is one of its
            ``k`` nearest, at distance 0).
        flow: ``"source_to_target"`` (``edge_index[1]`` is the centre) or
            ``"target_to_source"`` (``edge_index[0]`` is the centre).

    Returns:
        edge_index: (2, E) long tensor, ``E = N * k`` when every example has
        more than ``k`` points; the edges of a centre are consecutive (centres
        in order, their neighbours in no particular order).

    Raises:
        TypeError / ValueError: on a malformed argument (the message names it).

    Example:
        >>> pos = torch.rand(100, 3)
        >>> knn_graph(pos, k=8).shape
        torch.Size([2, 800])
    """
    x = _check_points("x", x)
    k = check_int("k", k, min_value=1)
    b = check_batch("batch", batch, x.shape[0], device=x.device)
    loop = _check_bool("loop", loop)
    flow = check_choice("flow", flow, _FLOWS)
    if _backend() is not None:
        return torch_cluster.knn_graph(x, k, batch, loop=loop, flow=flow)
    centre_row = 1 if flow == "source_to_target" else 0
    with _search_context(x):
        return _knn_edges(x, x, b, b, k, same=True, exclude_self=not loop, centre_row=centre_row)


def radius(
    x: torch.Tensor,
    y: torch.Tensor,
    r: float,
    batch_x: torch.Tensor | None = None,
    batch_y: torch.Tensor | None = None,
    max_num_neighbors: int = 32,
) -> torch.Tensor:
    """For each point of ``y``, find the points of ``x`` within distance ``r``.

    Same output as :func:`torch_geometric.nn.radius`. When more than
    ``max_num_neighbors`` points qualify, the nearest ones are kept (PyG's
    torch-cluster keeps an unspecified subset).

    Args:
        x: (N, D) float tensor, the points searched.
        y: (M, D) float tensor, the query points.
        r: radius, > 0; a point at distance exactly ``r`` counts.
        batch_x: optional (N,) sorted example index of each point of ``x``.
        batch_y: optional (M,) sorted example index of each point of ``y``.
        max_num_neighbors: most neighbours returned per query, >= 1.

    Returns:
        assign_index: (2, E) long tensor; row 0 indexes ``y`` (sorted), row 1 ``x``.
    """
    x = _check_points("x", x)
    y = _check_points("y", y)
    if y.shape[1] != x.shape[1]:
        raise ValueError(f"y must have the same number of columns as x ({x.shape[1]}), got {y.shape[1]}")
    r = check_float("r", r, min_value=0.0, strict_min=True)
    max_num_neighbors = check_int("max_num_neighbors", max_num_neighbors, min_value=1)
    bx = check_batch("batch_x", batch_x, x.shape[0], device=x.device)
    by = check_batch("batch_y", batch_y, y.shape[0], device=y.device)
    if _backend() is not None:
        return torch_cluster.radius(x, y, r, batch_x, batch_y, max_num_neighbors)
    with _search_context(x):
        centre, neighbour = _radius_search(x, y, bx, by, r, max_num_neighbors)
    return torch.stack([centre, neighbour])


def radius_graph(
    x: torch.Tensor,
    r: float,
    batch: torch.Tensor | None = None,
    loop: bool = False,
    max_num_neighbors: int = 32,
    flow: str = "source_to_target",
) -> torch.Tensor:
    """Connect each point to the points within distance ``r`` (a radius graph).

    Same signature and output as :func:`torch_geometric.nn.radius_graph`.
    When more than ``max_num_neighbors`` points qualify, the *nearest* ones are
    kept; PyG's torch-cluster does not guarantee which ones it keeps, so the
    two agree exactly only when the cap is not hit. ``loop=False`` excludes a
    point itself by index (duplicates stay connected) and the cap counts only
    the other points.

    Args:
        x: (N, D) float tensor of point coordinates.
        r: radius, > 0; a point at distance exactly ``r`` counts.
        batch: optional (N,) sorted example index of each point.
        loop: if True, each point is also connected to itself.
        max_num_neighbors: most neighbours per point, >= 1.
        flow: ``"source_to_target"`` (``edge_index[1]`` is the centre) or
            ``"target_to_source"``.

    Returns:
        edge_index: (2, E) long tensor; the edges of a centre are consecutive,
        centres in order.

    Raises:
        TypeError / ValueError: on a malformed argument (the message names it).
    """
    x = _check_points("x", x)
    r = check_float("r", r, min_value=0.0, strict_min=True)
    b = check_batch("batch", batch, x.shape[0], device=x.device)
    loop = _check_bool("loop", loop)
    max_num_neighbors = check_int("max_num_neighbors", max_num_neighbors, min_value=1)
    flow = check_choice("flow", flow, _FLOWS)
    if _backend() is not None:
        return torch_cluster.radius_graph(x, r, batch, loop=loop, max_num_neighbors=max_num_neighbors, flow=flow)
    with _search_context(x):
        centre, neighbour = _radius_search(x, x, b, b, r, max_num_neighbors, same=True, exclude_self=not loop)
    if flow == "source_to_target":
        return torch.stack([neighbour, centre])
    return torch.stack([centre, neighbour])


def fps(
    x: torch.Tensor,
    batch: torch.Tensor | None = None,
    ratio: float = 0.5,
    random_start: bool = True,
) -> torch.Tensor:
    """Farthest point sampling (PointNet++, Qi et al. 2017, arXiv:1706.02413).

    Starting from one point, repeatedly pick the point farthest from all the
    points picked so far; the picks spread evenly over the cloud. Same output
    as :func:`torch_geometric.nn.fps`: ``ceil(ratio * n_b)`` picks for an
    example with ``n_b`` points, examples concatenated in order, picks in the
    order they were made. Indices are always distinct, even with duplicated
    points. Runs on all examples at once (padded to ``(B, n_max)``).

    Args:
        x: (N, D) float tensor of point coordinates.
        batch: optional (N,) sorted example index of each point.
        ratio: fraction of points to keep, in (0, 1].
        random_start: if True the first pick of each example is random
            (seed it with :func:`torch.manual_seed`); if False it is the
            example's first point.

    Returns:
        index: (sum_b ceil(ratio * n_b),) long tensor of indices into ``x``.

    Raises:
        TypeError / ValueError: on a malformed argument (the message names it).
    """
    x = _check_points("x", x)
    b = check_batch("batch", batch, x.shape[0], device=x.device)
    ratio = check_float("ratio", ratio, min_value=0.0, strict_min=True, max_value=1.0)
    random_start = _check_bool("random_start", random_start)
    if _backend() is not None:
        return torch_cluster.fps(x, batch, ratio, random_start)
    with _search_context(x):
        return _fps(x, b, ratio, random_start)


# --------------------------------------------------------------------------
# argument checks and dispatch
# --------------------------------------------------------------------------
def _backend() -> Any:
    """The compiled module to dispatch to, or None for the pure-torch code."""
    return torch_cluster if HAS_TORCH_CLUSTER else None


@contextlib.contextmanager
def _search_context(x: torch.Tensor) -> Iterator[None]:
    """Run the enclosed pure-torch code without autograd and, on the CPU, with at most ``CPU_THREADS`` threads.

    The results are indices, so no gradient flows through them (as in PyG);
    inputs that require grad (k-NN on learned features, as in DGCNN) work.
    """
    with torch_threads(CPU_THREADS if x.device.type == "cpu" else None), torch.no_grad():
        yield


def _check_points(name: str, x: Any) -> torch.Tensor:
    x = check_tensor(name, x, ndim=2, floating=True, nonempty=True, finite=True)
    if x.shape[1] == 0:
        raise ValueError(f"{name} must have at least one column (shape (N, D) with D >= 1), got {tuple(x.shape)}")
    return x


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value


def _knn_edges(
    x: torch.Tensor, y: torch.Tensor, bx: torch.Tensor, by: torch.Tensor, k: int, same: bool,
    exclude_self: bool, centre_row: int,
) -> torch.Tensor:
    """k-NN search written straight into the (2, M * k) edge list; drops the missing ones."""
    M = y.shape[0]
    edges = torch.empty(2, M * k, dtype=torch.long, device=x.device)
    nbr = edges[1 - centre_row].view(M, k)
    complete = _knn_search(x, y, bx, by, k, nbr, same=same, exclude_self=exclude_self)
    edges[centre_row].view(M, k).copy_(torch.arange(M, device=x.device).unsqueeze(1).expand(M, k))
    if not complete:
        edges = edges[:, nbr.view(-1) >= 0]
    return edges


def _work_dtype(x: torch.Tensor) -> torch.dtype:
    return x.dtype if x.dtype in (torch.float32, torch.float64) else torch.float32


# --------------------------------------------------------------------------
# the uniform grid
# --------------------------------------------------------------------------
_SCRATCH = threading.local()
_SCRATCH_MAX = 1 << 21  # elements: at most a few MiB kept per buffer


def _scratch(name: str, shape: tuple[int, ...], like: torch.Tensor) -> torch.Tensor:
    """A reusable temporary of the given shape (per thread, grown as needed).

    Fresh multi-megabyte tensors cost a page fault per 4 KiB on first touch,
    which (measured in a VM) costs as much as the arithmetic on them; the
    search keeps its few largest temporaries alive between calls instead,
    each at most ``_SCRATCH_MAX`` elements. A scratch tensor is only valid
    until the next request for the same ``name``.
    """
    numel = math.prod(shape)
    if numel > _SCRATCH_MAX:  # do not keep huge buffers alive
        return torch.empty(shape, dtype=like.dtype, device=like.device)
    pool = getattr(_SCRATCH, "pool", None)
    if pool is None:
        pool = _SCRATCH.pool = {}
    key = (name, like.dtype, like.device)
    buf = pool.get(key)
    if buf is None or buf.numel() < numel:
        buf = pool[key] = torch.empty(max(numel, 1 << 12), dtype=like.dtype, device=like.device)
    return buf[:numel].view(shape)


def _sq_norm(v: torch.Tensor, dim: int) -> torch.Tensor:
    """Squared Euclidean norm along a short dimension (faster than ``square().sum(dim)``)."""
    parts = v.unbind(dim)
    out = parts[0].square()
    for p in parts[1:]:
        out.addcmul_(p, p)
    return out


def _bounds(x: torch.Tensor, bx: torch.Tensor, num_batches: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, D) lower and upper corners of each example's bounding box (zeros for an empty example)."""
    if num_batches == 1:
        return x.amin(0, keepdim=True), x.amax(0, keepdim=True)
    idx = bx.unsqueeze(1).expand(-1, x.shape[1])
    lo = x.new_zeros(num_batches, x.shape[1]).scatter_reduce_(0, idx, x, "amin", include_self=False)
    hi = x.new_zeros(num_batches, x.shape[1]).scatter_reduce_(0, idx, x, "amax", include_self=False)
    return lo, hi


class _Grid:
    """Points of ``x`` sorted into cubic cells of side ``h``, one grid per example.

    Attributes:
        h: cell side.
        lo: (B, D) lower corner of each example's grid.
        g: (B, D) number of cells of each example along each axis.
        dims: python list of D global cell counts (max over examples), for keys.
        keys: (N,) sorted cell keys of the points.
        perm: (N,) original index of each sorted point.
        cell: (N, D) cell of each sorted point.
        xs: (N + 1, D) sorted points and a sentinel row at infinity (index ``N``, "no point").
    """

    def __init__(self, x: torch.Tensor, bx: torch.Tensor, lo: torch.Tensor, hi: torch.Tensor, h: float) -> None:
        D = x.shape[1]
        self.h = h
        self.lo = lo
        self.g = ((hi - lo) / h).floor_().long().add_(1)  # (B, D)
        self.dims = self.g.amax(0).tolist()
        cell = self.cell_of(x, bx)
        self.keys, self.perm = torch.sort(self.key_of(bx, cell))
        self.perm_ext = torch.cat([self.perm, self.perm.new_full((1,), -1)])  # the sentinel maps to -1
        self.cell = cell[self.perm]
        self.xs = torch.cat([x[self.perm], x.new_full((1, D), _INF)])
        self.xt = self.xs.t().contiguous()  # (D, N + 1), for fast gathers
        self.sentinel = x.shape[0]

    def _lo_g(self, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return (self.lo, self.g) if self.lo.shape[0] == 1 else (self.lo[b], self.g[b])

    def cell_of(self, p: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """(n, D) integer cell of each point, clamped into its example's grid."""
        lo, g = self._lo_g(b)
        c = ((p - lo) / self.h).floor_().long()
        return torch.minimum(c.clamp_(min=0), g - 1)

    def key_of(self, b: torch.Tensor, cell: torch.Tensor) -> torch.Tensor:
        key = b.clone()
        for d, n in enumerate(self.dims):
            key.mul_(n).add_(cell[..., d])
        return key

    def safe_radius2(self, p: torch.Tensor, b: torch.Tensor, cell: torch.Tensor, R: int) -> torch.Tensor:
        """(n,) squared distance from each point to the border of its (2R+1)^D block of cells.

        Faces beyond which the example has no cells do not count (infinite).
        Slightly shrunk so that rounding can never let a wrong answer pass.
        """
        lo, g = self._lo_g(b)
        local = (p - lo) / self.h  # (n, D) in cell units
        to_low = (local - (cell - R)).masked_fill_(cell <= R, _INF)
        to_high = ((cell + (R + 1)) - local).masked_fill_(cell + (R + 1) >= g, _INF)
        safe = torch.minimum(to_low, to_high).amin(1).mul_(self.h * (1 - 1e-4))
        return safe.square_()

    def runs(self, cells: torch.Tensor, b: torch.Tensor, R: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The block of (2R+1)^D cells around each given cell, as runs of consecutive sorted points.

        The block's cells along the last axis have consecutive keys, so a block
        is (2R+1)^(D-1) runs of consecutive points in the sorted order.

        Args:
            cells: (U, D) cell coordinates.
            b: (U,) example of each cell.
            R: block half-width in cells.

        Returns:
            first: (U, M) sorted position of the first point of each run.
            length: (U, M) number of points of each run (0 outside the grid).
            self_base: (U,) a point of the cell at sorted position ``p`` is
                candidate number ``self_base + p`` of its own cell (runs concatenated).
        """
        D = cells.shape[1]
        device = cells.device
        if D > 1:
            steps = torch.arange(-R, R + 1, device=device)
            offs = torch.cartesian_prod(*([steps] * (D - 1))).reshape(-1, D - 1)  # (M, D-1)
            nb = cells[:, None, : D - 1] + offs  # (U, M, D-1)
            dims_head = torch.tensor(self.dims[: D - 1], device=device)
            valid = ((nb >= 0) & (nb < dims_head)).all(-1)  # (U, M)
            base = b.unsqueeze(1).expand(-1, nb.shape[1]).clone()
            for d in range(D - 1):
                base.mul_(self.dims[d]).add_(nb[..., d])
        else:
            valid = None
            base = b.unsqueeze(1).clone()
        mid = (base.shape[1] - 1) // 2  # the run through the cell itself
        n_last = self.dims[-1]
        base.mul_(n_last)
        last = cells[:, D - 1 : D]  # (U, 1)
        first = torch.searchsorted(self.keys, base + (last - R).clamp_(min=0))  # (U, M)
        end = torch.searchsorted(self.keys, base + (last + R).clamp_(max=n_last - 1), right=True)
        length = end.sub_(first)
        if valid is not None:
            length.masked_fill_(~valid, 0)
        self_base = length[:, :mid].sum(1) - first[:, mid]
        return first, length, self_base

    def candidates(self, first: torch.Tensor, length: torch.Tensor, P: int) -> torch.Tensor:
        """(U, P) sorted positions of the points of each cell's runs, padded with the sentinel.

        Built as a running sum along each row: +1 from one point to the next,
        plus a jump where a run starts (telescoped over empty runs).
        """
        U, M = length.shape
        run_off = length.cumsum(1) - length  # (U, M) where each run starts in the row
        jump = first.clone()
        jump[:, 1:] -= first[:, :-1] + length[:, :-1]
        jump[:, 0] -= 1
        inside = run_off < P  # runs starting past the end are empty and trailing: no jump needed
        at = run_off + (torch.arange(U, device=first.device) * P)[:, None]
        steps = torch.ones(U, P, dtype=first.dtype, device=first.device)
        steps.view(-1).index_add_(0, at[inside], jump[inside])
        cand = steps.cumsum_(1)
        return cand.masked_fill_(torch.arange(P, device=first.device) >= length.sum(1, keepdim=True), self.sentinel)


class _Queries:
    """Query points sorted by grid cell key (the queries of one cell are consecutive)."""

    def __init__(self, idx: torch.Tensor, xs: torch.Tensor, b: torch.Tensor, cell: torch.Tensor,
                 key: torch.Tensor, pos_self: torch.Tensor | None) -> None:
        self.idx = idx  # (n,) index into y
        self.xs = xs  # (n, D) coordinates
        self.b, self.cell, self.key = b, cell, key
        self.pos_self = pos_self  # (n,) sorted position of the query in x, to exclude it; or None

    def subset(self, keep: torch.Tensor) -> _Queries:
        return _Queries(self.idx[keep], self.xs[keep], self.b[keep], self.cell[keep], self.key[keep],
                        None if self.pos_self is None else self.pos_self[keep])

    @staticmethod
    def build(grid: _Grid, y: torch.Tensor, by: torch.Tensor, same: bool, exclude_self: bool) -> _Queries:
        if same:  # the queries are the grid's points, already sorted
            n = grid.perm.numel()
            pos = torch.arange(n, device=y.device) if exclude_self else None
            b = by[grid.perm] if int(by[-1]) > 0 else by
            return _Queries(grid.perm, grid.xs[:n], b, grid.cell, grid.keys, pos)
        cell = grid.cell_of(y, by)
        key, order = torch.sort(grid.key_of(by, cell))
        return _Queries(order, y[order], by[order], cell[order], key, None)


def _grid_blocks(grid: _Grid, q: _Queries, R: int) -> Iterator[tuple[Any, ...]]:
    """Squared distances from the queries to the candidates of their block, a chunk at a time.

    The queries of a cell share the cell's candidate list, so candidate
    indices and coordinates are gathered once per cell, then copied to each
    query's row. Distances are computed from coordinate differences (not
    ``|c|^2 - 2 q.c + |q|^2``, which loses all precision when cells are much
    larger than the distances, as in a batch mixing small and large clouds).
    Chunks hold about ``_CHUNK`` (query, candidate) pairs, so their
    temporaries stay in cache.

    Yields:
        r0, r1: the chunk is the queries ``q[r0:r1]``.
        cand: (Uc * P,) flattened (cell, candidate) table of sorted positions
            (the sentinel ``N`` for padding).
        base: (C,) offset of each query's cell in ``cand``.
        d2: (C, P) squared distances to the candidates (``inf`` for padding
            and for the query itself when it must be excluded).
    """
    _, m = torch.unique_consecutive(q.key, return_counts=True)  # queries per cell, (U,)
    U, n, D = m.numel(), q.key.numel(), q.xs.shape[1]
    qfirst = m.cumsum(0) - m
    first, length, self_base = grid.runs(q.cell[qfirst], q.b[qfirst], R)  # (U, M)
    T = length.sum(1)  # (U,) candidates per cell
    cell_of = torch.repeat_interleave(torch.arange(U, device=m.device), m)  # (n,) cell of each query
    work = T.repeat_interleave(m).cumsum(0)  # (n,) candidates of the queries up to each one
    total = int(work[-1])
    if total <= _CHUNK:
        bounds = [0, n]
    else:  # chunks of about _CHUNK (query, candidate) pairs; a crowded cell may be split
        n_chunks = -(-total // _CHUNK)
        cuts = torch.searchsorted(work, torch.arange(1, n_chunks, device=m.device) * (total // n_chunks))
        bounds = sorted({0, n, *(cuts + 1).clamp_(max=n).tolist()})
    for r0, r1 in zip(bounds[:-1], bounds[1:]):
        u0, u1 = int(cell_of[r0]), int(cell_of[r1 - 1]) + 1
        P = int(T[u0:u1].max())
        cand = grid.candidates(first[u0:u1], length[u0:u1], P)  # (Uc, P)
        c_xyz = grid.xt.index_select(1, cand.view(-1)).view(D, u1 - u0, P)  # (D, Uc, P); inf for padding
        lc = cell_of[r0:r1] - u0  # (C,) cell of each query, within the chunk
        q_xyz = q.xs[r0:r1].t()  # (D, C)
        d2 = _scratch("d2", (r1 - r0, P), c_xyz)  # (C, P)
        diff = _scratch("diff", (r1 - r0, P), c_xyz)
        for d in range(D):  # d2 = sum over coordinates of (c - q)^2
            torch.index_select(c_xyz[d], 0, lc, out=diff).sub_(q_xyz[d].unsqueeze(1))
            if d == 0:
                torch.mul(diff, diff, out=d2)
            else:
                d2.addcmul_(diff, diff)
        if q.pos_self is not None:
            col = self_base[u0 + lc] + q.pos_self[r0:r1]  # candidate number of the query itself
            d2.scatter_(1, col.unsqueeze(1), _INF)
        yield r0, r1, cand.view(-1), lc * P, d2


def _brute_blocks(x: torch.Tensor, y: torch.Tensor, bx: torch.Tensor, by: torch.Tensor, q: torch.Tensor,
                  exclude_self: bool) -> Iterator[tuple[torch.Tensor, ...]]:
    """Distances from the queries ``q`` to every point of their example, a chunk at a time.

    Yields:
        rows: (C,) query indices into ``y``.
        cand: (C, P) indices into ``x`` (``N`` = padding).
        d2: (C, P) squared distances; padding and the query itself ``inf``.
    """
    N, D = x.shape
    B = int(max(int(bx[-1]), int(by[-1]))) + 1
    ptr = torch.searchsorted(bx, torch.arange(B + 1, device=x.device))  # (B + 1,)
    qb = by[q]
    s, n = ptr[qb], ptr[qb + 1] - ptr[qb]
    n, order = torch.sort(n)  # chunks of similar example size pad little
    q, s = q[order], s[order]
    xp = torch.cat([x, x.new_zeros(1, D)])
    c0 = 0
    while c0 < q.numel():
        n_hi = max(1, int(n[min(q.numel(), c0 + 1024) - 1]))
        c1 = min(q.numel(), c0 + max(1, _CHUNK // n_hi))
        P = int(n[c1 - 1])
        qc = q[c0:c1]
        arP = torch.arange(P, device=x.device)
        cand = s[c0:c1, None] + arP  # (C, P)
        pad = arP >= n[c0:c1, None]
        cand.masked_fill_(pad, N)
        d2 = (xp[cand] - y[qc].unsqueeze(1)).square_().sum(-1)  # (C, P)
        d2.masked_fill_(pad, _INF)
        if exclude_self:
            d2.masked_fill_(cand == qc[:, None], _INF)
        yield qc, cand, d2
        c0 = c1


def _sample_kth_distance(x: torch.Tensor, bx: torch.Tensor, y: torch.Tensor, by: torch.Tensor, k: int) -> torch.Tensor:
    """(S,) k-th neighbour distance of a few evenly spread queries, ``inf`` where too few points."""
    n_sample = min(y.shape[0], max(8, min(48, (1 << 21) // max(1, x.shape[0]))))
    pick = torch.linspace(0, y.shape[0] - 1, n_sample, device=y.device).long()
    d = torch.cdist(y[pick], x)  # (S, N)
    if int(bx[-1]) != int(bx[0]) or int(by[-1]) != int(by[0]):
        d.masked_fill_(by[pick].unsqueeze(1) != bx.unsqueeze(0), _INF)
    return d.topk(min(k, x.shape[0]), dim=1, largest=False, sorted=False).values.amax(1)


_MAX_R, _MAX_ROUNDS = 8, 4  # widest block half-width (in cells) and rounds of the grid search
_KNN_QUANTILE = 0.85  # cell side: this quantile of the sampled k-th neighbour distances


def _grid_cell_size(x: torch.Tensor, num_batches: int, guess: float) -> float:
    """Clamp a cell size so the grid keys fit in int64 and cells are not degenerate."""
    extent = float((x.amax(0) - x.amin(0)).amax())
    D = x.shape[1]
    # keys are < B * prod(cells per axis); keep that well below 2**62
    max_cells = min(1 << 20, int((2.0**60 / max(1, num_batches)) ** (1.0 / D)))
    floor = extent / max_cells if extent > 0 else 1.0
    if not math.isfinite(guess):
        guess = floor
    return max(guess, floor, 1e-30)


# --------------------------------------------------------------------------
# k nearest neighbours
# --------------------------------------------------------------------------
def _knn_search(
    x: torch.Tensor, y: torch.Tensor, bx: torch.Tensor, by: torch.Tensor, k: int, out: torch.Tensor,
    same: bool = False, exclude_self: bool = False,
) -> bool:
    """Fill ``out`` (M, k) with indices into ``x`` of each query's ``k`` nearest points.

    ``same`` means ``y is x`` (the grid's sort is reused for the queries);
    ``exclude_self`` (only with ``same``) forbids a point to be its own neighbour.
    A query whose example has fewer than ``k`` candidates gets -1 in the
    remaining slots. The neighbours of a query come in no particular order.

    Returns:
        True when every slot holds a neighbour (no -1).
    """
    dtype = _work_dtype(x)
    x, y = x.to(dtype), y.to(dtype)
    M, D = y.shape
    B = int(max(int(bx[-1]), int(by[-1]))) + 1
    nx = torch.bincount(bx, minlength=B) if B > 1 else torch.tensor([x.shape[0]], device=x.device)
    small = (nx - int(exclude_self) <= k)[by]  # queries that simply get every candidate
    complete = not bool((nx - int(exclude_self) < k)[by].any())
    if D > 3 or bool(small.all()):
        _knn_brute(x, y, bx, by, k, exclude_self, torch.arange(M, device=y.device), out)
        return complete
    any_small = bool(small.any())
    big = None
    if any_small:
        _knn_brute(x, y, bx, by, k, exclude_self, small.nonzero().squeeze(1), out)
        big = (~small).nonzero().squeeze(1)
    lo, hi = _bounds(x, bx, B)
    yq, bq = (y, by) if big is None else (y[big], by[big])
    kth = _sample_kth_distance(x, bx, yq, bq, k + int(exclude_self))
    kth = kth[torch.isfinite(kth)]
    # a cell as wide as most k-th neighbour distances: most queries are settled by the first pass
    h = float(kth.quantile(_KNN_QUANTILE)) if kth.numel() else _INF
    grid = _Grid(x, bx, lo, hi, _grid_cell_size(x, B, h))
    q = _Queries.build(grid, y, by, same, exclude_self)
    if any_small:
        q = q.subset(~small[q.idx])
    # pass 1: every query with the 3^D block around its cell. A query left
    # unproven knows an upper bound of its k-th distance (its k-th candidate),
    # so pass 2 gives it a block just wide enough to contain that ball.
    R_q = torch.ones(q.idx.numel(), dtype=torch.long, device=x.device)
    bound2 = None  # squared upper bounds of the k-th distances, once known
    for _ in range(_MAX_ROUNDS):
        bad_all = torch.zeros(q.idx.numel(), dtype=torch.bool, device=x.device)
        R_next = torch.zeros_like(R_q)
        bound_next = torch.full(R_q.shape, _INF, dtype=x.dtype, device=x.device)
        values = torch.unique(R_q).tolist() if len(R_q) and int(R_q.max()) > 1 else [1]
        for R in values:
            sel = None if len(values) == 1 else (R_q == R).nonzero().squeeze(1)
            qs = q if sel is None else q.subset(sel)
            if R > _MAX_R or qs.idx.numel() * x.shape[0] <= _CHUNK // 4:  # brute force is cheaper
                _knn_brute(x, y, bx, by, k, exclude_self, torch.sort(qs.idx).values, out)
                continue
            b2 = None if bound2 is None else (bound2 if sel is None else bound2[sel])
            found = _knn_grid_pass(grid, qs, k, R, out, b2)
            if found is None:
                continue
            bad, kth2 = found
            idx = bad.nonzero().squeeze(1)
            tgt = idx if sel is None else sel[idx]
            bad_all[tgt] = True
            bound_next[tgt] = kth2[idx]
            need = (kth2[idx].sqrt() * ((1 + 1e-3) / grid.h)).nan_to_num_(posinf=2.0 * R).floor_() + 1
            R_next[tgt] = need.clamp_(min=R + 1, max=_MAX_R + 1).long()
        if not bool(bad_all.any()):
            return complete
        q, R_q, bound2 = q.subset(bad_all), R_next[bad_all], bound_next[bad_all]
    _knn_brute(x, y, bx, by, k, exclude_self, torch.sort(q.idx).values, out)
    return complete


def _knn_grid_pass(
    grid: _Grid, q: _Queries, k: int, R: int, out: torch.Tensor, bound2: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor] | None:
    """One grid pass with blocks of (2R+1)^D cells; writes the answers it can prove into ``out``.

    An answer is proven when the query's k-th distance is within its safe
    radius (the distance to the border of its block), so only candidates
    inside that radius (and inside ``bound2``, a known upper bound of the
    k-th distance) can matter: they are packed into a narrow table before the
    k smallest are selected, which is cheaper than selecting from all.

    Args:
        bound2: optional (n,) squared upper bound of each query's k-th distance.

    Returns:
        None when every query was settled, else ``(bad, kth2)``: (n,) bool, the
        queries whose answer could not be proven exact, and (n,) a squared
        upper bound of their k-th neighbour distance (``inf`` if unknown).
    """
    n = q.idx.numel()
    safe2 = grid.safe_radius2(q.xs, q.b, q.cell, R)  # (n,)
    limit2 = safe2 if bound2 is None else torch.minimum(safe2, bound2 * (1 + 1e-5))
    kth2 = torch.empty(n, dtype=safe2.dtype, device=safe2.device)
    short = torch.zeros(n, dtype=torch.bool, device=safe2.device)  # fewer than k candidates within the limit
    res = _scratch("res", (n, k), q.idx)  # sorted positions of the neighbours
    for r0, r1, cand, base, d2 in _grid_blocks(grid, q, R):
        C, P = d2.shape
        if P < k:
            kth2[r0:r1] = _INF
            res[r0:r1] = grid.sentinel
            continue
        if bound2 is None:  # first pass: select from all candidates (the k-th is an upper bound)
            val, arg = d2.topk(k, dim=1, largest=False, sorted=False)  # (C, k), in no particular order
            torch.amax(val, 1, out=kth2[r0:r1])
        else:  # the k nearest lie within the known bound: select among the few candidates inside it
            val, arg, enough = _k_smallest_within(d2, limit2[r0:r1], k)
            kth2[r0:r1] = torch.where(enough, val.amax(1), bound2[r0:r1])
            short[r0:r1] = ~enough
        res[r0:r1] = cand[base[:, None] + arg]
    # write every row; the unproven ones are overwritten by a later pass or by brute force
    found = torch.index_select(grid.perm_ext, 0, res.view(-1), out=_scratch("found", (res.numel(),), res))
    out.index_copy_(0, q.idx, found.view(-1, k))
    bad = ~(kth2 <= safe2) | short  # also catches inf and NaN
    return (bad, kth2) if bool(bad.any()) else None


def _k_smallest_within(
    d2: torch.Tensor, limit: torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The ``k`` smallest entries of each row of ``d2`` among those ``<= limit`` (per row).

    Returns:
        val: (C, k) values (``inf`` pads a row with fewer than k entries within its limit).
        arg: (C, k) their columns.
        enough: (C,) whether the row had at least k entries within its limit.
    """
    C, P = d2.shape
    hit = d2 <= limit.unsqueeze(1)  # (C, P)
    cnt = hit.sum(1, dtype=torch.int32).long()
    W = max(int(cnt.max()), k)
    if 2 * W > P:  # packing would not pay: select from the whole row
        val, arg = d2.masked_fill(~hit, _INF).topk(k, dim=1, largest=False, sorted=False)
        return val, arg, cnt >= k
    rows, cols = hit.nonzero().unbind(1)
    pos = torch.arange(rows.numel(), device=d2.device) - (cnt.cumsum(0) - cnt)[rows]
    packed = d2.new_full((C, W), _INF)
    packed[rows, pos] = d2[rows, cols]
    packed_col = cols.new_zeros((C, W))
    packed_col[rows, pos] = cols
    val, a = packed.topk(k, dim=1, largest=False, sorted=False)
    return val, packed_col.gather(1, a), cnt >= k


def _knn_brute(
    x: torch.Tensor, y: torch.Tensor, bx: torch.Tensor, by: torch.Tensor, k: int, exclude_self: bool,
    q: torch.Tensor, out: torch.Tensor,
) -> None:
    """Exact k-NN of the queries ``q`` by brute force within each query's example."""
    for rows, cand, d2 in _brute_blocks(x, y, bx, by, q, exclude_self):
        kk = min(k, d2.shape[1])
        if kk == 0:  # an example without points
            out[rows] = -1
            continue
        val, arg = d2.topk(kk, dim=1, largest=False)
        out[rows, :kk] = torch.gather(cand, 1, arg).masked_fill_(torch.isinf(val), -1)
        if kk < k:
            out[rows, kk:] = -1


# --------------------------------------------------------------------------
# radius search
# --------------------------------------------------------------------------
def _radius_search(
    x: torch.Tensor, y: torch.Tensor, bx: torch.Tensor, by: torch.Tensor, r: float, max_nn: int,
    same: bool = False, exclude_self: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pairs (query, point) with ``|y[query] - x[point]| <= r``, at most ``max_nn`` (the nearest) per query.

    ``same`` means ``y is x``; ``exclude_self`` (only with ``same``) drops each point itself.

    Returns:
        centre: (E,) indices into ``y``, sorted.
        neighbour: (E,) indices into ``x``.
    """
    dtype = _work_dtype(x)
    x, y = x.to(dtype), y.to(dtype)
    M, D = y.shape
    r2 = r * r
    centres, neighbours = [], []
    if D > 3:
        for rows, cand, d2 in _brute_blocks(x, y, bx, by, torch.arange(M, device=y.device), exclude_self):
            c, j = _within(d2, d2.new_full((d2.shape[0],), r2), max_nn)
            centres.append(rows[c])
            neighbours.append(cand[c, j])
    else:
        B = int(max(int(bx[-1]), int(by[-1]))) + 1
        lo, hi = _bounds(x, bx, B)
        grid = _Grid(x, bx, lo, hi, _grid_cell_size(x, B, r))  # cells at least r wide: the 3^D block holds the ball
        q = _Queries.build(grid, y, by, same, exclude_self)
        has_x = torch.bincount(bx, minlength=B)[q.b] > 0  # queries of examples without points get nothing
        if not bool(has_x.all()):
            q = q.subset(has_x)
        if q.idx.numel():
            for r0, r1, cand, base, d2 in _grid_blocks(grid, q, 1):
                c, j = _within(d2, d2.new_full((r1 - r0,), r2), max_nn)
                centres.append(q.idx[r0:r1][c])
                neighbours.append(grid.perm[cand[base[c] + j]])
    if not centres:
        empty = torch.empty(0, dtype=torch.long, device=x.device)
        return empty, empty
    centre, neighbour = torch.cat(centres), torch.cat(neighbours)
    order = torch.sort(centre, stable=True).indices  # group the edges by centre, in order
    return centre[order], neighbour[order]


def _within(d2: torch.Tensor, limit: torch.Tensor, max_nn: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(row, column) of the entries ``d2 <= limit`` (per row), keeping the ``max_nn`` smallest of a row."""
    hit = d2 <= limit.unsqueeze(1)  # (C, P)
    over = hit.sum(1) > max_nn
    if bool(over.any()):  # rows with too many: keep the nearest max_nn
        rows = over.nonzero().squeeze(1)
        arg = d2[rows].topk(max_nn, dim=1, largest=False).indices
        hit[rows] = False
        hit[rows.unsqueeze(1), arg] = True
    row, col = hit.nonzero().unbind(1)
    return row, col


# --------------------------------------------------------------------------
# farthest point sampling
# --------------------------------------------------------------------------
def _fps(x: torch.Tensor, b: torch.Tensor, ratio: float, random_start: bool) -> torch.Tensor:
    """Iterative farthest point sampling of every example at once, padded to (B, n_max)."""
    dtype = _work_dtype(x)
    N, D = x.shape
    device = x.device
    B = int(b[-1]) + 1
    n = torch.bincount(b, minlength=B)  # (B,)
    ptr = torch.cat([n.new_zeros(1), n.cumsum(0)])  # (B + 1,)
    n_max = int(n.max())
    m = torch.ceil(n.to(torch.float64) * ratio).long().clamp_(max=n)  # picks per example
    m_max = int(m.max())
    col = torch.arange(N, device=device) - ptr[b]  # position of each point in its example
    xc = x.to(dtype)
    lo, hi = _bounds(xc, b, B)
    xc = xc - ((lo + hi) / 2)[b]  # centred: keeps |x|^2 - 2 x.p + |p|^2 accurate
    pts = xc.new_zeros(B, n_max, D)
    pts[b, col] = xc  # (B, n_max, D)
    pn2 = _sq_norm(pts, 2).unsqueeze(2)  # (B, n_max, 1)
    flat = pts.view(B * n_max, D)
    # squared distance to the chosen set; -1 for padding and chosen points, so they are never picked
    dist = xc.new_full((B, n_max), -1.0)
    dist[b, col] = _INF
    if random_start:
        cur = (torch.rand(B, device=device) * n.to(torch.float64)).long()
        cur = torch.minimum(cur, (n - 1).clamp(min=0))
    else:
        cur = torch.zeros(B, dtype=torch.long, device=device)
    base = torch.arange(B, device=device) * n_max
    picks = torch.empty(m_max, B, dtype=torch.long, device=device)
    d2 = torch.empty(B, n_max, 1, dtype=dtype, device=device)
    for i in range(m_max):
        picks[i] = cur
        cur += base  # flat index of the pick
        dist.view(-1).index_fill_(0, cur, -1.0)
        if i + 1 == m_max:
            break
        p = flat.index_select(0, cur)  # (B, D)
        torch.baddbmm(pn2, pts, p.unsqueeze(2), alpha=-2.0, out=d2)  # |x|^2 - 2 x.p
        d2 += _sq_norm(p, 1).view(B, 1, 1)
        torch.minimum(dist, d2.view(B, n_max), out=dist)
        cur = dist.argmax(1)
    picks = picks.t()  # (B, m_max)
    keep = torch.arange(m_max, device=device) < m[:, None]
    return (picks + ptr[:-1, None])[keep]
