"""Tests for gdl_teach.geometry.neighbors: k-NN / radius graphs and farthest point sampling.

Every search is compared with brute force (all pairwise distances in float64);
neighbour *sets* may differ on ties, so the tests compare sorted distances.
"""
from __future__ import annotations

import math

import pytest
import torch

from gdl_teach.geometry import neighbors as ops


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def pairwise(y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Exact float64 distances (M, N), without the matmul shortcut cdist may take."""
    return torch.cdist(y.double(), x.double(), compute_mode="donot_use_mm_for_euclid_dist")


def brute_knn_dist(x, k, batch=None, loop=False, y=None, batch_y=None):
    """(M, k) sorted distances of the k nearest, inf where an example has fewer points."""
    y = x if y is None else y
    bx = torch.zeros(len(x), dtype=torch.long) if batch is None else batch
    by = bx if batch_y is None and y is x else (torch.zeros(len(y), dtype=torch.long) if batch_y is None else batch_y)
    d = pairwise(y, x)
    d[by[:, None] != bx[None, :]] = math.inf
    if not loop and y is x:
        d.fill_diagonal_(math.inf)
    kk = min(k, d.shape[1])
    out = torch.full((len(y), k), math.inf, dtype=torch.float64)
    out[:, :kk] = d.topk(kk, dim=1, largest=False).values
    return out


def edge_dist_table(x, edge_index, n_centres, k, centre_row, y=None):
    """(n_centres, k) sorted neighbour distances per centre, inf-padded."""
    y = x if y is None else y
    centre, nbr = edge_index[centre_row], edge_index[1 - centre_row]
    d = (y.double()[centre] - x.double()[nbr]).norm(dim=1)
    out = torch.full((n_centres, k), math.inf, dtype=torch.float64)
    counts = torch.bincount(centre, minlength=n_centres)
    assert int(counts.max()) <= k
    order = torch.argsort(d)
    order = order[torch.sort(centre[order], stable=True).indices]  # by centre, then distance
    centre, d = centre[order], d[order]
    start = torch.cumsum(counts, 0) - counts
    rank = torch.arange(len(centre)) - start[centre]
    out[centre, rank] = d
    return out


def clustered(n: int, d: int = 3, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    centres = torch.rand(8, d, generator=g)
    label = torch.randint(0, 8, (n,), generator=g)
    return centres[label] + 0.02 * torch.randn(n, d, generator=g)


# --------------------------------------------------------------------------
# knn_graph
# --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("dim", [2, 3])
@pytest.mark.parametrize("loop", [False, True])
def test_knn_graph_matches_brute_force(seed, dim, loop):
    g = torch.Generator().manual_seed(seed)
    n, k = 1000, 12
    x = torch.rand(n, dim, generator=g)
    ei = ops.knn_graph(x, k, loop=loop)
    assert ei.shape == (2, n * k) and ei.dtype == torch.long
    # source_to_target: edge_index[1] is the centre, each centre exactly k times, in order
    assert torch.equal(ei[1], torch.arange(n).repeat_interleave(k))
    if not loop:
        assert bool((ei[0] != ei[1]).all())
    got = edge_dist_table(x, ei, n, k, centre_row=1)
    torch.testing.assert_close(got, brute_knn_dist(x, k, loop=loop), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dim", [2, 3])
def test_knn_graph_batched_never_crosses_examples(dim):
    g = torch.Generator().manual_seed(3)
    sizes = [300, 7, 500, 200]
    x = torch.cat([torch.rand(n, dim, generator=g) for n in sizes])  # examples overlap in space
    batch = torch.repeat_interleave(torch.arange(4), torch.tensor(sizes))
    ei = ops.knn_graph(x, 10, batch=batch)
    assert bool((batch[ei[0]] == batch[ei[1]]).all())
    got = edge_dist_table(x, ei, len(x), 10, centre_row=1)
    torch.testing.assert_close(got, brute_knn_dist(x, 10, batch), rtol=1e-5, atol=1e-6)


def test_knn_graph_batch_mixing_scales():
    # a tiny cloud on a line next to a huge one: cells sized for the big one are enormous for the
    # small one, so distances must not lose precision to the cell size
    g = torch.Generator().manual_seed(9)
    t = torch.rand(400, 1, generator=g)
    x = torch.cat([t * torch.ones(1, 2), 1000 * torch.rand(300, 2, generator=g)])
    batch = torch.repeat_interleave(torch.arange(2), torch.tensor([400, 300]))
    for loop in (False, True):
        ei = ops.knn_graph(x, 20, batch=batch, loop=loop)
        got = edge_dist_table(x, ei, len(x), 20, centre_row=1)
        torch.testing.assert_close(got, brute_knn_dist(x, 20, batch, loop=loop), rtol=1e-5, atol=1e-6)


def test_knn_graph_clustered_and_far_outliers():
    # dense blobs, a few points far away: exercises the wider blocks and the brute-force fallback
    x = torch.cat([clustered(1500), 50 * torch.rand(15, 3, generator=torch.Generator().manual_seed(1))])
    ei = ops.knn_graph(x, 16)
    got = edge_dist_table(x, ei, len(x), 16, centre_row=1)
    torch.testing.assert_close(got, brute_knn_dist(x, 16), rtol=1e-5, atol=1e-6)


def test_knn_graph_flow_target_to_source_is_flipped():
    x = torch.rand(300, 3)
    a = ops.knn_graph(x, 5, flow="source_to_target")
    b = ops.knn_graph(x, 5, flow="target_to_source")
    assert torch.equal(a.flip(0), b)


def test_knn_graph_duplicated_points_stay_neighbours():
    base = torch.rand(120, 3, generator=torch.Generator().manual_seed(4))
    x = base.repeat_interleave(5, dim=0)  # every point 5 times
    ei = ops.knn_graph(x, 8, loop=False)
    assert bool((ei[0] != ei[1]).all())  # the point itself is excluded by index ...
    d = (x[ei[0]] - x[ei[1]]).norm(dim=1).view(-1, 8)
    assert bool(((d == 0).sum(1) == 4).all())  # ... its 4 copies are neighbours at distance 0
    got = edge_dist_table(x, ei, len(x), 8, centre_row=1)
    torch.testing.assert_close(got, brute_knn_dist(x, 8), rtol=1e-5, atol=1e-6)


def test_knn_graph_ties_on_a_lattice():
    ax = torch.arange(10.0)
    x = torch.stack(torch.meshgrid(ax, ax, ax, indexing="ij"), -1).reshape(-1, 3)
    ei = ops.knn_graph(x, 10)
    got = edge_dist_table(x, ei, len(x), 10, centre_row=1)
    torch.testing.assert_close(got, brute_knn_dist(x, 10), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("loop", [False, True])
def test_knn_graph_k_larger_than_an_example(loop):
    x = torch.rand(53, 3)
    batch = torch.tensor([0] * 3 + [1] * 50)
    ei = ops.knn_graph(x, 10, batch=batch, loop=loop)
    per_centre = torch.bincount(ei[1], minlength=53)
    assert per_centre[:3].tolist() == [3 if loop else 2] * 3  # all the (other) points of the small example
    assert bool((per_centre[3:] == 10).all())
    assert bool((batch[ei[0]] == batch[ei[1]]).all())


def test_knn_graph_single_point_and_other_dims():
    assert ops.knn_graph(torch.rand(1, 3), 4).shape == (2, 0)
    for dim in (1, 5):  # 1-D uses the grid, 5-D brute force
        x = torch.rand(400, dim)
        ei = ops.knn_graph(x, 6)
        torch.testing.assert_close(edge_dist_table(x, ei, 400, 6, 1), brute_knn_dist(x, 6), rtol=1e-5, atol=1e-6)


def test_knn_graph_dtypes_and_offset_coordinates():
    x = torch.rand(800, 3, dtype=torch.float64) + 1000.0  # far from the origin
    ei = ops.knn_graph(x, 8)
    torch.testing.assert_close(edge_dist_table(x, ei, 800, 8, 1), brute_knn_dist(x, 8), rtol=1e-9, atol=1e-9)
    assert ops.knn_graph(torch.rand(200, 3).half(), 4).shape == (2, 800)


def test_knn_cross_sets_with_batches():
    g = torch.Generator().manual_seed(5)
    x, y = torch.rand(700, 3, generator=g), torch.rand(300, 3, generator=g)
    bx = torch.tensor([0] * 300 + [2] * 400)  # example 1 has no points of x
    by = torch.tensor([0] * 100 + [1] * 50 + [2] * 150)
    ai = ops.knn(x, y, 6, bx, by)
    assert bool((bx[ai[1]] == by[ai[0]]).all())
    assert not bool(((ai[0] >= 100) & (ai[0] < 150)).any())  # queries of example 1 get nothing
    got = edge_dist_table(x, ai, 300, 6, centre_row=0, y=y)
    torch.testing.assert_close(got, brute_knn_dist(x, 6, bx, y=y, batch_y=by), rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------
# radius_graph / radius
# --------------------------------------------------------------------------
@pytest.mark.parametrize("dim", [2, 3, 4])
@pytest.mark.parametrize("loop", [False, True])
def test_radius_graph_matches_brute_force(dim, loop):
    g = torch.Generator().manual_seed(dim)
    x = torch.rand(700, dim, generator=g)
    batch = torch.sort(torch.randint(0, 3, (700,), generator=g)).values
    r = {2: 0.06, 3: 0.15, 4: 0.3}[dim]
    ei = ops.radius_graph(x, r, batch=batch, loop=loop, max_num_neighbors=10_000)
    d = pairwise(x, x)
    d[batch[:, None] != batch[None, :]] = math.inf
    if not loop:
        d.fill_diagonal_(math.inf)
    want = set(map(tuple, (d <= r).nonzero().tolist()))  # (centre, neighbour)
    got = list(zip(ei[1].tolist(), ei[0].tolist()))
    assert len(got) == len(set(got)) and set(got) == want
    assert bool((ei[1][1:] >= ei[1][:-1]).all())  # grouped by centre


def test_radius_graph_cap_keeps_the_nearest():
    x = torch.rand(600, 3, generator=torch.Generator().manual_seed(6))
    cap = 5
    ei = ops.radius_graph(x, 0.2, max_num_neighbors=cap)
    d = pairwise(x, x)
    d.fill_diagonal_(math.inf)
    within = (d <= 0.2).sum(1)
    assert bool((within > cap).float().mean() > 0.5)  # the cap is hit for most points
    assert torch.equal(torch.bincount(ei[1], minlength=600), within.clamp(max=cap))
    kth = d.sort(1).values[:, cap - 1]  # distance of the cap-th nearest other point
    dist = (x[ei[0]].double() - x[ei[1]].double()).norm(dim=1)
    assert bool((dist <= kth[ei[1]] + 1e-6).all())


def test_radius_cross_and_flow():
    g = torch.Generator().manual_seed(7)
    x, y = torch.rand(500, 2, generator=g), torch.rand(200, 2, generator=g)
    ai = ops.radius(x, y, 0.05, max_num_neighbors=10_000)
    want = set(map(tuple, (pairwise(y, x) <= 0.05).nonzero().tolist()))
    assert set(zip(ai[0].tolist(), ai[1].tolist())) == want
    a = ops.radius_graph(x, 0.05)
    assert torch.equal(a.flip(0), ops.radius_graph(x, 0.05, flow="target_to_source"))


# --------------------------------------------------------------------------
# fps
# --------------------------------------------------------------------------
def naive_fps(x: torch.Tensor, n_pick: int, start: int) -> tuple[list[int], list[float]]:
    """Reference FPS; also returns, per pick, its distance to the set chosen before it."""
    x = x.double()
    chosen, gaps = [start], [math.inf]
    d = (x - x[start]).norm(dim=1)
    for _ in range(n_pick - 1):
        d_free = d.clone()
        d_free[chosen] = -1.0
        j = int(d_free.argmax())
        chosen.append(j)
        gaps.append(float(d[j]))
        d = torch.minimum(d, (x - x[j]).norm(dim=1))
    return chosen, gaps


@pytest.mark.parametrize("ratio", [0.1, 0.5, 1.0])
def test_fps_counts_first_pick_and_farthest_property(ratio):
    g = torch.Generator().manual_seed(8)
    sizes = [37, 120, 64]
    x = torch.rand(sum(sizes), 3, generator=g)
    batch = torch.repeat_interleave(torch.arange(3), torch.tensor(sizes))
    idx = ops.fps(x, batch, ratio=ratio, random_start=False)
    counts = [math.ceil(ratio * n) for n in sizes]
    assert torch.equal(torch.bincount(batch[idx], minlength=3), torch.tensor(counts))
    start = 0
    for n, c in zip(sizes, counts):
        picks = idx[batch[idx] == batch[start]] - start
        assert int(picks[0]) == 0  # random_start=False: the example's first point
        assert len(set(picks.tolist())) == c  # distinct
        xb = x[start : start + n]
        ref, ref_gaps = naive_fps(xb, c, 0)
        # each pick is (one of) the farthest from the points picked before it
        gaps = [math.inf] + [
            float(pairwise(xb[picks[i : i + 1]], xb[picks[:i]]).min()) for i in range(1, c)
        ]
        assert gaps == pytest.approx(ref_gaps, rel=1e-5, abs=1e-6)
        start += n


def test_fps_random_start_is_seeded_and_duplicates_stay_distinct():
    x = torch.rand(100, 3)
    torch.manual_seed(0)
    a = ops.fps(x, ratio=0.3)
    torch.manual_seed(0)
    b = ops.fps(x, ratio=0.3)
    assert torch.equal(a, b)
    same = torch.zeros(6, 2)  # all points identical
    assert sorted(ops.fps(same, ratio=1.0).tolist()) == list(range(6))


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: ops.knn_graph([[0.0, 1.0]], 2), TypeError, "x must be a torch.Tensor"),
        (lambda: ops.knn_graph(torch.zeros(5, 3, dtype=torch.long), 2), TypeError, "x must be a floating"),
        (lambda: ops.knn_graph(torch.rand(5), 2), ValueError, "x must have shape"),
        (lambda: ops.knn_graph(torch.rand(0, 3), 2), ValueError, "x must not be empty"),
        (lambda: ops.knn_graph(torch.tensor([[0.0, math.nan]]), 2), ValueError, "x contains NaN"),
        (lambda: ops.knn_graph(torch.rand(5, 3), 0), ValueError, "k must be >= 1"),
        (lambda: ops.knn_graph(torch.rand(5, 3), 2.0), TypeError, "k must be an int"),
        (lambda: ops.knn_graph(torch.rand(5, 3), 2, batch=torch.zeros(4, dtype=torch.long)), ValueError,
         "batch must have one entry per point"),
        (lambda: ops.knn_graph(torch.rand(3, 3), 2, batch=torch.tensor([1, 0, 0])), ValueError, "batch must be"),
        (lambda: ops.knn_graph(torch.rand(5, 3), 2, loop=1), TypeError, "loop must be a bool"),
        (lambda: ops.knn_graph(torch.rand(5, 3), 2, flow="up"), ValueError, "flow must be one of"),
        (lambda: ops.knn(torch.rand(5, 3), torch.rand(5, 2), 2), ValueError, "y must have the same number"),
        (lambda: ops.knn(torch.rand(5, 3), torch.rand(0, 3), 2), ValueError, "y must not be empty"),
        (lambda: ops.radius_graph(torch.rand(5, 3), 0.0), ValueError, "r must be > 0"),
        (lambda: ops.radius_graph(torch.rand(5, 3), "1"), TypeError, "r must be a number"),
        (lambda: ops.radius_graph(torch.rand(5, 3), 0.1, max_num_neighbors=0), ValueError,
         "max_num_neighbors must be >= 1"),
        (lambda: ops.fps(torch.rand(5, 3), ratio=0.0), ValueError, "ratio must be > 0"),
        (lambda: ops.fps(torch.rand(5, 3), ratio=1.5), ValueError, "ratio must be <= 1"),
        (lambda: ops.fps(torch.rand(0, 3)), ValueError, "x must not be empty"),
        (lambda: ops.fps(torch.rand(5, 3), random_start="yes"), TypeError, "random_start must be a bool"),
    ],
)
def test_bad_arguments_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --------------------------------------------------------------------------
# engines and dispatch
# --------------------------------------------------------------------------
def test_dispatches_to_a_compiled_backend_when_available(monkeypatch):
    calls = []

    def record(name):
        def fn(*args, **kwargs):
            calls.append((name, args, kwargs))
            return torch.zeros(2, 0, dtype=torch.long)
        return fn

    monkeypatch.setattr(ops, "_COMPILED", {n: record(n) for n in ["knn", "knn_graph", "radius", "radius_graph", "fps"]})
    monkeypatch.setattr(ops, "_FAILED", set())
    x, b = torch.rand(10, 3), torch.zeros(10, dtype=torch.long)
    ops.knn_graph(x, 3, batch=b, loop=True, flow="target_to_source")
    ops.radius_graph(x, 0.5, max_num_neighbors=7)
    ops.knn(x, x, 2)
    ops.radius(x, x, 0.5)
    ops.fps(x, ratio=0.5, random_start=False)
    assert [c[0] for c in calls] == ["knn_graph", "radius_graph", "knn", "radius", "fps"]
    assert calls[0][2] == {"loop": True, "flow": "target_to_source"} and calls[0][1][2] is b
    assert calls[1][2]["max_num_neighbors"] == 7
    with pytest.raises(ValueError, match="k must be >= 1"):  # arguments are still checked first
        ops.knn_graph(x, 0)
    assert len(calls) == 5


def test_a_compiled_backend_that_cannot_run_falls_back_and_is_not_retried(monkeypatch):
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("no kernel for this device")

    monkeypatch.setattr(ops, "_COMPILED", {"knn_graph": broken})
    monkeypatch.setattr(ops, "_FAILED", set())
    x = torch.rand(30, 3)
    assert ops.knn_graph(x, 4).shape == (2, 120)
    assert ops.knn_graph(x, 4).shape == (2, 120)
    assert calls == [1], "a backend that failed on this device must not be tried again"


def test_kdtree_and_brute_force_engines_agree_exactly_with_ties_by_lower_index():
    from gdl_teach.geometry import search_backends as engines

    grid = torch.stack(torch.meshgrid(torch.arange(6.0), torch.arange(6.0), indexing="ij"), -1).view(-1, 2)
    for pts in (grid, torch.rand(300, 3, generator=torch.Generator().manual_seed(0))):
        for exclude in (None, torch.arange(len(pts))):
            d1, i1 = engines.kdtree_knn(pts.double().numpy(), pts.double().numpy(), 5,
                                        None if exclude is None else exclude.numpy())
            d2, i2 = engines.brute_knn(pts, pts, 5, exclude)
            assert torch.equal(torch.from_numpy(i1), i2)
            torch.testing.assert_close(torch.from_numpy(d1), d2)
    # on a lattice the 4 nearest of an inner point tie: the lower indices come first
    edge_index = ops.knn_graph(grid, 4)
    centre = 14  # (2, 2)
    assert edge_index[0][edge_index[1] == centre].tolist() == [8, 13, 15, 20]


def test_inputs_that_require_grad():
    # e.g. DGCNN builds its k-NN graph on learned features
    x = torch.rand(200, 3, requires_grad=True)
    for out in (ops.knn_graph(x, 4), ops.radius_graph(x, 0.2), ops.fps(x), ops.knn(x, x, 2)):
        assert out.dtype == torch.long and not out.requires_grad
    assert torch.is_grad_enabled()


def test_backend_is_named():
    assert isinstance(ops.BACKEND, str) and ops.BACKEND
