"""Lesson 06's comparisons outside the notebook: the FreeSolv table over splits and the Huuskonen run, with timings.

Runs exactly what ``notebooks/06_molecules.ipynb`` runs (same functions, settings and seeds, one thread) and
prints test RMSE per model and split, mean ± std, training seconds, the paired comparisons and the Huuskonen
table with its paired bootstrap. Options change the setting or try what the lesson does not run, e.g.::

    python scripts/bench_molecules.py                       # the lesson's CPU setting
    python scripts/bench_molecules.py --setting gpu         # 10 splits, longer training (runs on a CPU too)
    python scripts/bench_molecules.py --ensemble 3          # also: mean of 3 GNN + descriptors per split
    python scripts/bench_molecules.py --search              # the validation search behind the settings
    python scripts/bench_molecules.py --search "SMILES CNN" # the same for one network
"""
from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import torch
from threadpoolctl import threadpool_limits

#: Candidates of the validation search (``--search``): training budgets and widths tried for the graph networks.
SEARCH = [
    {"epochs": 80, "patience": 10, "lr": 2e-3, "batch_size": 64},
    {"epochs": 80, "patience": 10, "lr": 3e-3, "batch_size": 64},
    {"epochs": 80, "patience": 10, "lr": 3e-3, "batch_size": 32},
    {"epochs": 80, "patience": 10, "lr": 2e-3, "batch_size": 64, "hidden_channels": 64},
    {"epochs": 60, "patience": 10, "lr": 3e-3, "batch_size": 128},
]

def _print_table(runs: list[Any], experiments: Any) -> None:
    table = experiments.summarise_runs(runs)
    print(table.round(3).to_string())
    best = table["mean"].idxmin()
    print("parameters:", {k: v for k, v in runs[0].parameters.items()}, "| lowest mean:", best)
    for model, baseline in [("GNN", "SMILES CNN"), ("GNN", "descriptors + RF"),
                            ("GNN + descriptors", "descriptors + RF"), ("GNN + descriptors", "GNN")]:
        vs = experiments.paired_comparison(runs, model, baseline)
        print(f"  {model} vs {baseline}: wins {vs['wins']}/{vs['splits']}, gap {vs['mean_gap']:+.3f}, "
              f"t {vs['t']:.2f}, p {vs['p']:.3f}")


def _ensemble(dataset: Any, features: Any, runs: list[Any], size: int, kwargs: dict[str, Any]) -> None:
    from gdl_teach.core.metrics import rmse
    from gdl_teach.molecules import training

    rich = training.with_descriptors(dataset.to_list(), features.descriptors)
    scores = []
    for run in runs:
        tr, va, te = run.split
        preds = []
        for k in range(size):
            model, _ = training.train_descriptor_gnn([rich[i] for i in tr.tolist()], [rich[i] for i in va.tolist()],
                                                     seed=1000 * k + run.seed, progress=False, **kwargs)
            preds.append(training.predict_graphs(model, [rich[i] for i in te.tolist()]))
        scores.append(rmse(torch.stack(preds).mean(0), run.target))
        print(f"split {run.seed}: ensemble of {size} GNN + descriptors {scores[-1]:.3f} "
              f"(single {run.test_rmse['GNN + descriptors']:.3f}, RF {run.test_rmse['descriptors + RF']:.3f})")
    print(f"ensemble of {size}: {np.mean(scores):.3f} ± {np.std(scores, ddof=1):.3f}")


def _search(dataset: Any, features: Any, splits: tuple[int, ...], models: list[str]) -> None:
    """Mean validation RMSE of each candidate over the splits (the test molecules are never scored)."""
    from gdl_teach.core.splits import random_split
    from gdl_teach.molecules import experiments, smiles, training

    graphs = dataset.to_list()
    rich = training.with_descriptors(graphs, features.descriptors)
    strings, y = dataset.smiles, dataset.y

    def smiles_trainer(tr: list[int], va: list[int], **kw: Any) -> Any:
        vocab = smiles.build_vocab([strings[i] for i in tr])
        return training.train_smiles_model([strings[i] for i in tr], y[tr], [strings[i] for i in va], y[va], vocab,
                                           **{"hidden_channels": 48, **kw})

    trainers = {"GNN": lambda tr, va, **kw: training.train_molecule_gnn([graphs[i] for i in tr],
                                                                        [graphs[i] for i in va], **kw),
                "GNN + descriptors": lambda tr, va, **kw: training.train_descriptor_gnn([rich[i] for i in tr],
                                                                                      [rich[i] for i in va], **kw),
                "SMILES CNN": smiles_trainer}
    for candidate in SEARCH:
        for name in models:
            vals, c = [], time.process_time()
            for seed in splits:
                tr, va, _ = random_split(len(graphs), experiments.SPLIT_FRACTIONS, seed)
                _, hist = trainers[name](tr.tolist(), va.tolist(), seed=seed, progress=False, **candidate)
                vals.append(min(hist.val_metric))
            print(f"{name} {candidate}: mean validation RMSE {np.mean(vals):.3f}, cpu {time.process_time() - c:.1f} s",
                  flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setting", choices=["cpu", "gpu"], default=None, help="default: by the device")
    parser.add_argument("--splits", type=int, nargs="+", default=None, help="FreeSolv split seeds (default: setting)")
    parser.add_argument("--ensemble", type=int, default=0, help="also train this many GNN + descriptors per split")
    parser.add_argument("--search", nargs="*", default=None, metavar="MODEL",
                        help="print the validation search of these networks (default all three) and stop")
    parser.add_argument("--skip-huuskonen", action="store_true", help="only the FreeSolv table")
    parser.add_argument("--skip-freesolv", action="store_true", help="only the Huuskonen table")
    parser.add_argument("--threads", type=int, default=1, help="torch and BLAS threads (the lesson uses 1)")
    parser.add_argument("--device", default=None, help="cpu, cuda, ... (default: gdl_teach.get_device())")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)

    from gdl_teach.molecules import datasets, experiments
    from gdl_teach.molecules import settings as lesson_settings

    setting = lesson_settings.settings(args.setting)
    splits = tuple(args.splits) if args.splits else setting.freesolv_splits
    print(setting)
    start, cpu = time.perf_counter(), time.process_time()
    freesolv = datasets.load_freesolv()
    features = experiments.molecule_features(freesolv.smiles)
    print(f"FreeSolv features: {time.process_time() - cpu:.1f} s cpu")
    if args.search is not None:
        _search(freesolv, features, splits, args.search or ["GNN", "GNN + descriptors", "SMILES CNN"])
        return
    runs = []
    for seed in () if args.skip_freesolv else splits:
        c = time.process_time()
        runs.append(experiments.compare_on_split(freesolv, seed, features=features, num_trees=setting.num_trees,
                                                 network_kwargs=setting.network_kwargs(), device=args.device,
                                                 progress=False))
        r = runs[-1]
        parts = [f"{k} {v:.3f}" + (f" ({r.histories[k].epochs} ep)" if k in r.histories else "")
                 for k, v in r.test_rmse.items()]
        print(f"split {seed}: " + "; ".join(parts) + f" | cpu {time.process_time() - c:.1f} s", flush=True)
    if runs:
        _print_table(runs, experiments)
    if args.ensemble and runs:
        _ensemble(freesolv, features, runs, args.ensemble, setting.network_kwargs()["descriptor_gnn"])
    if not args.skip_huuskonen:
        c = time.process_time()
        train, test = datasets.load_huuskonen("train"), datasets.load_huuskonen("test")
        huus = datasets.MoleculeDataset(train.to_list() + test.to_list(), name="Huuskonen")
        huus_features = experiments.molecule_features(huus.smiles)
        for seed in setting.huuskonen_seeds:
            run = experiments.compare_on_split(huus, seed, split=experiments.holdout_split(len(train), len(test),
                                                                                              seed=seed),
                                               features=huus_features, num_trees=setting.num_trees,
                                               network_kwargs=setting.network_kwargs("huuskonen"),
                                               device=args.device, progress=False)
            print(f"Huuskonen seed {seed}: " + "; ".join(f"{k} {v:.3f}" for k, v in run.test_rmse.items()))
            for model in ("GNN", "GNN + descriptors"):
                print(f"  {model} vs descriptors + RF, paired bootstrap:",
                      {k: round(v, 3) for k, v in experiments.paired_bootstrap(run, model, "descriptors + RF").items()})
        print(f"Huuskonen cpu {time.process_time() - c:.1f} s")
    print(f"total {time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s cpu")


if __name__ == "__main__":
    main()
