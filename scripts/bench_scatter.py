"""Time the from-scratch scatter GCN layer against PyG's GCNConv, in the same run.

Usage:
    python scripts/bench_scatter.py [--nodes 20000] [--edges 200000] [--features 64]
                                    [--repeats 20] [--threads N] [--backward] [--seed 0]

Both layers compute the same thing (self-loops, symmetric normalisation,
linear map, gather, weight, scatter-add) with the same weights, and both
recompute the normalisation on every call (``GCNConv(cached=False)``, the
default). The script checks that their outputs agree, times them alternately
(:func:`gdl_teach.message_passing.experiments.time_layers`) and prints the
median time of each and the ratio ours / PyG of the medians (and of the best
times). The lesson's goal is a ratio of at most 1.5.
"""
from __future__ import annotations

import argparse
import platform

import torch
import torch_geometric
from torch_geometric.nn import GCNConv

from gdl_teach.message_passing.experiments import time_layers
from gdl_teach.nn.gcn import GCNScatter


def random_graph(num_nodes: int, num_edges: int, num_features: int, seed: int = 0
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Random features (N, F) and a random directed edge list (2, E) with uniform endpoints."""
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(num_nodes, num_features, generator=g),
            torch.randint(0, num_nodes, (2, num_edges), generator=g))


def benchmark(num_nodes: int, num_edges: int, num_features: int, repeats: int, backward: bool = False,
              num_threads: int | None = None, seed: int = 0) -> dict[str, float]:
    """Median and best times (ms) of GCNScatter and GCNConv on one random graph, and their outputs' difference."""
    x, edge_index = random_graph(num_nodes, num_edges, num_features, seed)
    torch.manual_seed(seed)
    pyg = GCNConv(num_features, num_features)
    ours = GCNScatter(num_features, num_features)
    ours.load_state_dict(pyg.state_dict())
    with torch.no_grad():
        diff = float((ours(x, edge_index) - pyg(x, edge_index)).abs().max())
    times = time_layers({"ours": ours, "pyg": pyg}, x, edge_index, repeats=repeats, backward=backward,
                        num_threads=num_threads)
    return {"ours_ms": times.loc["ours", "median_ms"], "pyg_ms": times.loc["pyg", "median_ms"],
            "ratio": times.loc["ours", "median_ms"] / times.loc["pyg", "median_ms"],
            "ratio_best": times.loc["ours", "best_ms"] / times.loc["pyg", "best_ms"], "max_abs_diff": diff}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--edges", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: torch's setting)")
    parser.add_argument("--backward", action="store_true", help="also time forward + backward")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.edges < 100_000:
        parser.error(f"--edges must be at least 100000 for this benchmark, got {args.edges}")
    for name in ("nodes", "features", "repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    if args.threads is not None and args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    print(f"torch {torch.__version__}, torch_geometric {torch_geometric.__version__}, "
          f"{platform.processor() or platform.machine()}")
    for backward in sorted({False, args.backward}):
        r = benchmark(args.nodes, args.edges, args.features, args.repeats, backward=backward,
                      num_threads=args.threads, seed=args.seed)
        what = "forward+backward" if backward else "forward"
        threads = args.threads or torch.get_num_threads()
        print(f"GCN layer, {args.nodes:,} nodes, {args.edges:,} edges, {args.features} features, "
              f"{what}, {threads} thread(s), median of {args.repeats}:")
        print(f"  from scratch (index_add_): {r['ours_ms']:8.2f} ms")
        print(f"  PyG GCNConv              : {r['pyg_ms']:8.2f} ms")
        print(f"  ratio ours / PyG         : {r['ratio']:8.2f}   (goal <= 1.5; ratio of the best times "
              f"{r['ratio_best']:.2f}; outputs differ by {r['max_abs_diff']:.1e})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
