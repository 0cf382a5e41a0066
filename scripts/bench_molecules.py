"""Lesson 06's experiments outside the notebook: the 3-seed FreeSolv table and the Huuskonen GNN, with timings.

Runs exactly what ``notebooks/06_molecules.ipynb`` runs (same functions, defaults and seeds, one thread) and
prints test RMSE per model and seed, mean ± std, training seconds, the paired comparison of the GNN with the
SMILES model, and the Huuskonen RMSE and R^2. Options change seeds or model settings, e.g.::

    python scripts/bench_molecules.py --seeds 0 1 2 3 4
    python scripts/bench_molecules.py --smiles '{"kind": "gru"}'
    python scripts/bench_molecules.py --gnn '{"hidden_channels": 64, "num_layers": 4}'
"""
from __future__ import annotations

import argparse
import json
import time

import torch
from threadpoolctl import threadpool_limits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--gnn", type=json.loads, default={}, help="extra arguments of training.train_molecule_gnn (JSON)")
    parser.add_argument("--smiles", type=json.loads, default={}, help="extra arguments of training.train_smiles_model (JSON)")
    parser.add_argument("--skip-huuskonen", action="store_true", help="only the FreeSolv table")
    parser.add_argument("--threads", type=int, default=1, help="torch and BLAS threads (the lesson uses 1)")
    parser.add_argument("--device", default=None, help="cpu, cuda, ... (default: gdl_teach.get_device())")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)

    from gdl_teach.molecules import datasets, experiments

    start, cpu = time.perf_counter(), time.process_time()
    freesolv = datasets.load_freesolv()
    runs = []
    for seed in args.seeds:
        c = time.process_time()
        runs.append(experiments.compare_on_split(freesolv, seed, gnn_kwargs=args.gnn, smiles_kwargs=args.smiles,
                                                 device=args.device, progress=False))
        r = runs[-1]
        parts = [f"{k} {v:.3f} ({r.seconds[k]:.1f} s"
                 + (f", {r.histories[k].epochs} epochs, best val {min(r.histories[k].val_metric):.3f})"
                    if k in r.histories else ")") for k, v in r.test_rmse.items()]
        print(f"seed {seed}: " + "; ".join(parts) + f" | cpu {time.process_time() - c:.1f} s", flush=True)
    print(experiments.summarise_runs(runs).round(3).to_string())
    seq = next(k for k in runs[0].test_rmse if k.startswith("SMILES"))
    print(f"GNN vs {seq}:", {k: round(v, 3) for k, v in experiments.paired_comparison(runs, "GNN (GINE)", seq).items()})
    if not args.skip_huuskonen:
        c = time.process_time()
        settings = {"batch_size": 128, "lr": 3e-3, "epochs": 60, "device": args.device, **args.gnn}
        _, hist, report = experiments.train_and_test_gnn(datasets.load_huuskonen("train").to_list(),
                                                         datasets.load_huuskonen("test").to_list(),
                                                         seed=0, progress=False, **settings)
        print(f"Huuskonen test: RMSE {report['RMSE']:.3f} log units, R^2 {report['R2']:.3f}; {hist}; "
              f"cpu {time.process_time() - c:.1f} s")
    print(f"total {time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s cpu")


if __name__ == "__main__":
    main()
