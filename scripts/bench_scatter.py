"""Time the from-scratch scatter GCN layer against PyG's GCNConv, in the same run.

Usage:
    python scripts/bench_scatter.py [--nodes 20000] [--edges 200000] [--features 64]
                                    [--repeats 20] [--threads N] [--backward]

Both layers compute the same thing (self-loops, symmetric normalisation,
linear map, gather, weight, scatter-add) with the same weights; the script
checks that their outputs agree, times them alternately and prints the
median time of each and the ratio ours / PyG of the medians (and of the
best times). The lesson's goal is a ratio of at most 1.5.
"""
from __future__ import annotations

import argparse
import platform

import torch
import torch_geometric

from gdl_teach.message_passing.from_scratch import benchmark_gcn_scatter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--edges", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: torch's setting)")
    parser.add_argument("--backward", action="store_true", help="time forward + backward")
    args = parser.parse_args(argv)
    if args.edges < 100_000:
        parser.error(f"--edges must be at least 100000 for this benchmark, got {args.edges}")
    print(f"torch {torch.__version__}, torch_geometric {torch_geometric.__version__}, {platform.processor() or platform.machine()}")
    for backward in sorted({False, args.backward}):
        r = benchmark_gcn_scatter(args.nodes, args.edges, args.features, args.repeats, backward=backward,
                                  num_threads=args.threads)
        what = "forward+backward" if backward else "forward"
        print(f"GCN layer, {r['num_nodes']:,.0f} nodes, {r['num_edges']:,.0f} edges, {args.features} features, "
              f"{what}, {r['threads']:.0f} thread(s), median of {args.repeats}:")
        print(f"  from scratch (index_add_): {r['ours_ms']:8.2f} ms")
        print(f"  PyG GCNConv              : {r['pyg_ms']:8.2f} ms")
        print(f"  ratio ours / PyG         : {r['ratio']:8.2f}   (goal <= 1.5; ratio of the best times "
              f"{r['ratio_best']:.2f}; outputs differ by {r['max_abs_diff']:.1e})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
