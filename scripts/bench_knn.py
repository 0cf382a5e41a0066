"""Benchmark gdl_teach.geometry.neighbors: its k-NN graph against scikit-learn, and its two engines.

Prints one table; it only reports, and always exits with status 0.

    python scripts/bench_knn.py                  # 2,048, 16,384 and 65,536 points, k = 16
    python scripts/bench_knn.py --sizes 30000 --repeats 11

For each size and point distribution (uniform in the unit cube, and a
clustered cloud of 20 Gaussian blobs) it times

* ``knn_graph(x, k)``: what a lesson calls (SciPy's cKDTree on the CPU when no
  compiled backend is installed), including building the edge list;
* ``NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x)`` from
  scikit-learn (it returns each point as its own first neighbour, hence k + 1);
* the brute-force engine the kit uses on a GPU, here on the CPU, for scale
  (skipped above 4,096 points: it sorts every distance);

each the median wall-clock time of several repeats after a warm-up, the
calls interleaved so all see the same machine load. "exact" checks that the
k-th neighbour distances agree with scikit-learn's.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing


def make_cloud(num_points: int, kind: str, seed: int):
    """(num_points, 3) float32 points: ``uniform`` in the unit cube or ``clustered`` (20 Gaussian blobs)."""
    import torch

    g = torch.Generator().manual_seed(seed)
    if kind == "uniform":
        return torch.rand(num_points, 3, generator=g)
    centres = torch.rand(20, 3, generator=g)
    label = torch.randint(0, 20, (num_points,), generator=g)
    return centres[label] + 0.03 * torch.randn(num_points, 3, generator=g)


def median_ms(fns: list[Callable[[], object]], repeats: int, warmup: int = 1) -> list[float]:
    """Median wall time in ms of each function, calls interleaved (a, b, a, b, ...)."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return [1e3 * statistics.median(t) for t in times]


def bench_one(num_points: int, kind: str, k: int, repeats: int, seed: int) -> str:
    import torch
    from sklearn.neighbors import NearestNeighbors

    from gdl_teach.geometry import neighbors, search_backends

    x = make_cloud(num_points, kind, seed)
    xn = x.double().numpy()

    def ours() -> torch.Tensor:
        return neighbors.knn_graph(x, k)

    def sklearn() -> object:
        return NearestNeighbors(n_neighbors=k + 1).fit(xn).kneighbors(xn)

    def brute() -> object:
        return search_backends.brute_knn(x, x, k, torch.arange(num_points))

    fns = [ours, sklearn] + ([brute] if num_points <= 4096 else [])
    times = median_ms(fns, repeats)
    ei = ours()
    d_ours = (x[ei[0]].double() - x[ei[1]].double()).norm(dim=1).view(num_points, k).amax(1)
    d_skl = torch.from_numpy(sklearn()[0][:, -1])
    exact = bool(torch.allclose(d_ours, d_skl, rtol=1e-6, atol=1e-9))
    brute_ms = f"{times[2]:>10.1f}" if len(times) > 2 else f"{'skipped':>10}"
    return (f"{num_points:>7}  {kind:<10} {times[0]:>9.1f} {times[1]:>11.1f} {times[0] / times[1]:>6.2f} "
            f"{brute_ms}  {'yes' if exact else 'NO'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2048, 16384, 65536])
    parser.add_argument("--k", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = parser.parse_args(argv)

    import torch

    from gdl_teach.geometry import neighbors

    torch.set_num_threads(args.threads)
    load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"
    print(f"engine: {neighbors.BACKEND}; torch {torch.__version__}, {torch.get_num_threads()} torch threads, "
          f"{os.cpu_count()} CPUs, load average {load}")
    print(f"k-NN graph, k = {args.k}; median of {args.repeats} runs after a warm-up")
    print(f"{'points':>7}  {'cloud':<10} {'kit ms':>9} {'sklearn ms':>11} {'ratio':>6} {'brute ms':>10}  exact")
    for num_points in args.sizes:
        for kind in ("uniform", "clustered"):
            try:
                print(bench_one(num_points, kind, args.k, args.repeats, args.seed), flush=True)
            except Exception as err:  # noqa: BLE001 - the script only reports
                print(f"{num_points:>7}  {kind:<10} failed: {type(err).__name__}: {err}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
