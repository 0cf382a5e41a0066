#!/usr/bin/env python
"""Neighbour-sampled vs full-batch training of GraphSAGE on a generated graph: memory and time per epoch.

    .venv/bin/python scripts/bench_sampling.py                      # 300,000 nodes, both modes
    .venv/bin/python scripts/bench_sampling.py --num-nodes 100000 --epochs 2

Each mode runs in a fresh process of its own, so its peak resident memory
(``ru_maxrss``) is its own, and so is its CPU time (``time.process_time``, which a
busy machine inflates less than the wall time): the graph is built, the resident memory noted
("after setup"), then the model trained for ``--epochs`` epochs
(full batch: one step over the whole graph per epoch; sampled: one step per
``--batch-size`` training seeds, with ``--num-neighbors`` fan-outs, kit sampler
or PyG's NeighborLoader where pyg-lib/torch-sparse is installed). Test accuracy
uses exact inference in both modes (sampled mode: batches with every neighbour
kept, which equals full-batch inference, on the first 20,000 test nodes). One
torch thread, so that the numbers compare; the machine's other load is not
controlled (say so when quoting them).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import torch
import torch.nn.functional as F
from torch_geometric.nn.models import GraphSAGE

from gdl_teach.data import planted_partition, sampling

EVAL_NODES = 20_000


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _full_epoch(model: GraphSAGE, data, optimizer: torch.optim.Optimizer) -> float:
    model.train()
    optimizer.zero_grad()
    out = model(data.x, data.edge_index)  # (N, C): every node, every edge, at once
    loss = F.cross_entropy(out[data.train_mask], data.y[data.train_mask])
    loss.backward()
    optimizer.step()
    return float(loss)


def _sampled_epoch(model: GraphSAGE, loader, optimizer: torch.optim.Optimizer) -> float:
    model.train()
    total, count = 0.0, 0
    for batch in loader:
        optimizer.zero_grad()
        out = model(batch.x, batch.edge_index)[:batch.batch_size]  # (B, C): the seeds are the first rows
        loss = F.cross_entropy(out, batch.y[:batch.batch_size])
        loss.backward()
        optimizer.step()
        total, count = total + float(loss) * batch.batch_size, count + batch.batch_size
    return total / count


@torch.no_grad()
def _accuracy(model: GraphSAGE, data, mode: str, num_layers: int, batch_size: int) -> float:
    model.eval()
    test = data.test_mask.nonzero().view(-1)[:EVAL_NODES]
    if mode == "full":
        return float((model(data.x, data.edge_index)[test].argmax(-1) == data.y[test]).float().mean())
    correct = 0
    for batch in sampling.neighbor_loader(data, [-1] * num_layers, input_nodes=test, batch_size=batch_size):
        pred = model(batch.x, batch.edge_index)[:batch.batch_size].argmax(-1)
        correct += int((pred == batch.y[:batch.batch_size]).sum())
    return correct / test.numel()


def run_mode(args: argparse.Namespace) -> dict[str, float | str]:
    """Build the graph, train in ``args.run`` mode, return the measurements."""
    torch.set_num_threads(1)
    data = planted_partition.planted_partition_graph(num_nodes=args.num_nodes, avg_degree=args.avg_degree,
                                                     seed=args.seed)
    torch.manual_seed(args.seed)
    model = GraphSAGE(data.num_features, args.hidden_channels, len(args.num_neighbors),
                      out_channels=int(data.y.max()) + 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loader = None
    if args.run == "sampled":
        loader = sampling.neighbor_loader(data, args.num_neighbors, input_nodes=data.train_mask,
                                          batch_size=args.batch_size, shuffle=True, seed=args.seed)
    setup_mib = _rss_mib()
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(args.epochs):
        loss = _full_epoch(model, data, optimizer) if loader is None else _sampled_epoch(model, loader, optimizer)
    seconds = (time.perf_counter() - start) / args.epochs
    cpu_seconds = (time.process_time() - cpu_start) / args.epochs
    train_peak = _peak_mib()
    acc = _accuracy(model, data, args.run, len(args.num_neighbors), args.batch_size)
    return {"mode": args.run, "nodes": data.num_nodes, "edges": data.num_edges,
            "train_nodes": int(data.train_mask.sum()), "steps_per_epoch": len(loader) if loader is not None else 1,
            "cpu_s_per_epoch": round(cpu_seconds, 2), "wall_s_per_epoch": round(seconds, 2), "rss_after_setup_mib": round(setup_mib),
            "peak_rss_training_mib": round(train_peak), "last_train_loss": round(loss, 4),
            "test_accuracy": round(acc, 4),
            "sampler": "none" if loader is None else type(loader).__name__}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-nodes", type=int, default=300_000)
    parser.add_argument("--avg-degree", type=float, default=10.0)
    parser.add_argument("--num-neighbors", type=int, nargs="+", default=[10, 5])
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--hidden-channels", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--run", choices=["full", "sampled"], help="run one mode in this process (internal)")
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_mode(args)))
        return 0
    rows = []
    for mode in ("full", "sampled"):
        proc = subprocess.run([sys.executable, __file__, *sys.argv[1:], "--run", mode], capture_output=True,
                              text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return proc.returncode
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    keys = list(rows[0])
    print(f"{'':<24}" + "".join(f"{r['mode']:>20}" for r in rows))
    for key in keys[1:]:
        print(f"{key:<24}" + "".join(f"{str(r[key]):>20}" for r in rows))
    print(f"fan-outs {args.num_neighbors}, batch {args.batch_size}, hidden {args.hidden_channels}, "
          f"{args.epochs} epochs, 1 torch thread; peak RSS includes Python, torch and the graph itself")
    return 0


if __name__ == "__main__":
    sys.exit(main())
