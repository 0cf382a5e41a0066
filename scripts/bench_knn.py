"""Benchmark gdl_teach.geometry.neighbors: k-NN graph against scikit-learn, plus radius graph and FPS.

Prints one table; it only reports, and always exits with status 0.

    python scripts/bench_knn.py                 # 2,048 and 16,384 points, k = 16
    python scripts/bench_knn.py --sizes 4096 --repeats 11

For each size and point distribution (uniform in the unit cube, and a
clustered cloud of Gaussian blobs) it times ``gdl_teach.geometry.neighbors.knn_graph(x, k)``
and ``NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x)`` (sklearn
returns each point itself as its first neighbour, hence ``k + 1``), each the
median wall-clock time of several repeats after two warm-up calls, the two
interleaved so both see the same machine load. "exact" checks that the k-th
neighbour distances of both agree. torch keeps its default number of threads
unless ``--threads`` is given.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing


def make_cloud(n: int, kind: str, seed: int):
    """(n, 3) float32 points: ``uniform`` in the unit cube or ``clustered`` (20 Gaussian blobs)."""
    import torch

    g = torch.Generator().manual_seed(seed)
    if kind == "uniform":
        return torch.rand(n, 3, generator=g)
    centres = torch.rand(20, 3, generator=g)
    label = torch.randint(0, 20, (n,), generator=g)
    return centres[label] + 0.03 * torch.randn(n, 3, generator=g)


def median_ms(fns: list[Callable[[], object]], repeats: int, warmup: int = 2) -> list[float]:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2048, 16384])
    parser.add_argument("--k", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    parser.add_argument("--ops-threads", default=None,
                        help="threads gdl_teach.geometry.neighbors may use ('torch' = all of torch's; default: ops.CPU_THREADS)")
    args = parser.parse_args(argv)

    import torch

    from gdl_teach.geometry import neighbors as ops

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.ops_threads is not None:
        ops.CPU_THREADS = None if args.ops_threads == "torch" else int(args.ops_threads)
    try:
        from sklearn.neighbors import NearestNeighbors
    except ImportError:
        NearestNeighbors = None
    load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"
    backend = "torch-cluster" if ops.HAS_TORCH_CLUSTER else "pure torch"
    ops_threads = torch.get_num_threads() if ops.CPU_THREADS is None else min(ops.CPU_THREADS,
                                                                               torch.get_num_threads())
    print(f"gdl_teach.geometry.neighbors ({backend}), torch {torch.__version__}, {torch.get_num_threads()} torch threads "
          f"({ops_threads} inside gdl_teach.geometry.neighbors), {os.cpu_count()} CPUs, load average {load}")
    print(f"k-NN graph, k = {args.k}; median of {args.repeats} runs after 2 warm-up runs")
    print(f"{'n':>7}  {'distribution':<12} {'ours ms':>9} {'sklearn ms':>11} {'ratio':>6}  exact")
    info = []
    for n in args.sizes:
        for kind in ("uniform", "clustered"):
            try:
                x = make_cloud(n, kind, args.seed)
                xn = x.numpy()
                ours = lambda: ops.knn_graph(x, args.k)  # noqa: E731, B023 - called in this iteration only
                if NearestNeighbors is None:
                    (t_ours,) = median_ms([ours], args.repeats)
                    print(f"{n:>7}  {kind:<12} {t_ours:>9.2f} {'n/a':>11} {'n/a':>6}  n/a")
                    continue
                skl = lambda: NearestNeighbors(n_neighbors=args.k + 1).fit(xn).kneighbors(xn)  # noqa: E731, B023
                t_ours, t_skl = median_ms([ours, skl], args.repeats)
                # exactness: the k-th neighbour distance of every point agrees
                ei = ours()
                d_ours = (x[ei[0]].double() - x[ei[1]].double()).norm(dim=1).view(n, args.k).amax(1)
                d_skl = torch.from_numpy(skl()[0][:, -1]).double()
                exact = bool(torch.allclose(d_ours, d_skl, rtol=1e-4, atol=1e-6))
                print(f"{n:>7}  {kind:<12} {t_ours:>9.2f} {t_skl:>11.2f} {t_ours / t_skl:>6.2f}  "
                      f"{'yes' if exact else 'NO'}")
                info.append((n, kind, x, float(d_skl.median())))
            except Exception:  # report and go on: the script only reports
                print(f"{n:>7}  {kind:<12} failed:")
                traceback.print_exc(file=sys.stdout)

    print()
    print("for information: radius_graph (r = median k-th neighbour distance, max_num_neighbors = 32) "
          "and fps (ratio 0.25)")
    print(f"{'n':>7}  {'distribution':<12} {'radius ms':>10} {'edges/pt':>9} {'fps ms':>9}")
    for n, kind, x, r in info:
        try:
            t_rad, = median_ms([lambda: ops.radius_graph(x, r, max_num_neighbors=32)], max(3, args.repeats // 2))  # noqa: B023
            degree = ops.radius_graph(x, r, max_num_neighbors=32).shape[1] / n
            t_fps, = median_ms([lambda: ops.fps(x, ratio=0.25)], 3, warmup=1)  # noqa: B023
            print(f"{n:>7}  {kind:<12} {t_rad:>10.2f} {degree:>9.1f} {t_fps:>9.1f}")
        except Exception:
            print(f"{n:>7}  {kind:<12} failed:")
            traceback.print_exc(file=sys.stdout)
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception:  # never fail: this script only reports
        traceback.print_exc(file=sys.stdout)
    sys.exit(0)
