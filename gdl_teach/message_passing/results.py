"""Claim tables: mean and spread over seeds or folds, and paired tests between two models.

Every comparison of the lesson trains each model on the same splits (a
split is a seed of :mod:`~gdl_teach.message_passing.node_task` or a fold of
:mod:`~gdl_teach.message_passing.graph_task`), so two models can be compared
split by split: :func:`paired_test` counts wins and runs a paired t-test
(``scipy.stats.ttest_rel``) on the per-split differences.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["summarize", "mean_std_table", "paired_test", "best_against_best"]


def _check_runs(runs: Any, columns: Sequence[str]) -> pd.DataFrame:
    if not isinstance(runs, pd.DataFrame):
        raise TypeError(f"runs must be a DataFrame from compare_node_models / compare_graph_models, got "
                        f"{type(runs).__name__}")
    missing = [c for c in columns if c not in runs.columns]
    if missing:
        raise ValueError(f"runs must have the columns {list(columns)}; missing {missing}")
    return runs


def summarize(runs: pd.DataFrame, by: Sequence[str] = ("dataset", "model"), metric: str = "test_acc") -> pd.DataFrame:
    """Mean and standard deviation (``ddof=1``) of ``metric`` over the splits, one row per group.

    Args:
        runs: one row per (model, split), e.g. from ``compare_node_models``.
        by: the grouping columns present in ``runs`` (the others are ignored).
        metric: the column to average.

    Returns:
        A DataFrame indexed by ``by`` with columns ``mean``, ``std`` and ``splits``, in the order of first appearance.
    """
    keys = [b for b in by if b in getattr(runs, "columns", [])]
    runs = _check_runs(runs, [metric, *keys])
    if not keys:
        raise ValueError(f"by must name columns of runs, got {list(by)}")
    grouped = runs.groupby(keys, sort=False)[metric]
    return grouped.agg(mean="mean", std="std", splits="count").fillna(0.0).round(3)


def mean_std_table(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`summarize`'s table as text, ``"mean ± std (splits)"``, one column per dataset (or one column).

    Args:
        summary: from :func:`summarize`, indexed by ``(dataset, model)`` or by ``model``.

    Returns:
        A DataFrame of strings indexed by model.
    """
    summary = _check_runs(summary, ["mean", "std", "splits"])
    text = summary.apply(lambda r: f"{r['mean']:.3f} ± {r['std']:.3f} ({int(r['splits'])})", axis=1)
    if summary.index.nlevels == 2:
        return text.unstack(0).reindex(index=list(dict.fromkeys(summary.index.get_level_values(1))),
                                       columns=list(dict.fromkeys(summary.index.get_level_values(0))))
    return text.to_frame("test accuracy, mean ± std (splits)")


def paired_test(runs: pd.DataFrame, model: str, baseline: str, pair_by: str = "seed",
                metric: str = "test_acc") -> dict[str, float]:
    """Compare two models split by split: mean gap, wins, and a paired t-test on the gaps.

    Args:
        runs: one row per (model, split) of a single dataset.
        model: the model whose advantage is measured.
        baseline: the model it is compared with.
        pair_by: the column that names the split (``"seed"`` or ``"fold"``).
        metric: the column compared (higher is better).

    Returns:
        ``{"gap": mean of model - baseline, "wins", "losses", "ties": counts over the splits,
        "p": two-sided p-value of scipy.stats.ttest_rel (1.0 when every gap is 0), "splits": count}``.
    """
    from scipy.stats import ttest_rel

    runs = _check_runs(runs, ["model", pair_by, metric])
    a = runs[runs["model"] == model].set_index(pair_by)[metric]
    b = runs[runs["model"] == baseline].set_index(pair_by)[metric]
    if a.empty or b.empty:
        raise ValueError(f"runs has no rows for model {model!r} or baseline {baseline!r}")
    common = a.index.intersection(b.index)
    if len(common) < 2:
        raise ValueError(f"paired_test needs at least two splits that both models ran, got {len(common)}")
    a, b = a.loc[common].to_numpy(float), b.loc[common].to_numpy(float)
    gaps = a - b
    p = float(ttest_rel(a, b).pvalue) if np.any(gaps != gaps[0]) else (1.0 if gaps[0] == 0 else 0.0)
    return {"gap": float(gaps.mean()), "wins": int((gaps > 0).sum()), "losses": int((gaps < 0).sum()),
            "ties": int((gaps == 0).sum()), "p": p, "splits": len(common)}


def best_against_best(runs: pd.DataFrame, gnns: Sequence[str], baselines: Sequence[str], pair_by: str = "seed",
                      metric: str = "test_acc") -> pd.DataFrame:
    """Per dataset, the best GNN against the best non-GNN model (best = highest mean), with :func:`paired_test`.

    Args:
        runs: rows with ``model``, ``pair_by``, ``metric`` and, optionally, ``dataset``.
        gnns: names of the graph neural networks.
        baselines: names of the models that are not GNNs.
        pair_by: the column that names the split.
        metric: the column compared.

    Returns:
        One row per dataset: ``best GNN``, ``best baseline``, their means, ``gap``, ``wins``, ``losses``, ``p``.
    """
    runs = _check_runs(runs, ["model", pair_by, metric])
    groups = runs.groupby("dataset", sort=False) if "dataset" in runs.columns else [("all splits", runs)]
    rows = []
    for name, part in groups:
        means = part.groupby("model", sort=False)[metric].mean()
        gnn, base = means.reindex(list(gnns)).idxmax(), means.reindex(list(baselines)).idxmax()
        test = paired_test(part, gnn, base, pair_by, metric)
        rows.append({"dataset": name, "best GNN": gnn, "GNN mean": round(float(means[gnn]), 3),
                     "best baseline": base, "baseline mean": round(float(means[base]), 3),
                     "gap": round(test["gap"], 3), "wins": test["wins"], "losses": test["losses"],
                     "p": round(test["p"], 3)})
    return pd.DataFrame(rows).set_index("dataset")
