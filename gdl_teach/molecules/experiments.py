"""The lesson's experiments: the three-model FreeSolv comparison over seeds, its table, and the Huuskonen GNN.

:func:`compare_on_split` trains a fingerprint ridge model, a SMILES sequence
model and a GNN on the same seeded 80/10/10 split; :func:`summarise_runs`
and :func:`paired_comparison` read several seeds; :func:`train_and_test_gnn`
trains the GNN on a fixed train/test split.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch_geometric.data import Data

from gdl_teach.core.metrics import r2, rmse
from gdl_teach.core.splits import random_split
from gdl_teach.core.training import History
from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.molecules.fingerprints import fit_fingerprint_ridge, morgan_fingerprints
from gdl_teach.molecules.gnn import MoleculeGNN
from gdl_teach.molecules.smiles import build_vocab
from gdl_teach.molecules.training import (
    check_labelled_graphs,
    predict_graphs,
    predict_smiles,
    train_molecule_gnn,
    train_smiles_model,
)

__all__ = ["ComparisonRun", "compare_on_split", "paired_comparison", "summarise_runs", "predict_all",
           "train_and_test_gnn", "regression_report", "SPLIT_FRACTIONS"]

#: Train, validation and test shares of the FreeSolv comparison.
SPLIT_FRACTIONS = (0.8, 0.1, 0.1)


@dataclass
class ComparisonRun:
    """One seed of the three-model comparison: test RMSE (label units) and training seconds per model."""

    seed: int
    test_rmse: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    histories: dict[str, History] = field(default_factory=dict)
    models: dict[str, Any] = field(default_factory=dict)
    split: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None


def compare_on_split(dataset: Any, seed: int = 0, *, gnn_kwargs: dict[str, Any] | None = None,
                     smiles_kwargs: dict[str, Any] | None = None, device: torch.device | str | None = None,
                     progress: bool = True) -> ComparisonRun:
    """Fingerprint ridge, SMILES sequence model and GNN on the same seeded 80/10/10 split.

    All three see the same training, validation and test molecules; the
    validation set picks the ridge penalty and stops the two networks.

    Args:
        dataset: a :class:`gdl_teach.molecules.datasets.MoleculeDataset` (e.g. FreeSolv).
        seed: seeds the split and the training.
        gnn_kwargs: extra arguments of :func:`~gdl_teach.molecules.training.train_molecule_gnn`.
        smiles_kwargs: extra arguments of :func:`~gdl_teach.molecules.training.train_smiles_model`
            (e.g. ``{"kind": "gru"}``).
        device: where the two networks train; default :func:`gdl_teach.get_device`.
        progress: show tqdm bars.

    Returns:
        A :class:`ComparisonRun` with test RMSE, training seconds, histories and models.
    """
    graphs = dataset.to_list()
    smiles, y = [d.smiles for d in graphs], torch.cat([d.y.reshape(-1) for d in graphs])
    tr, va, te = random_split(len(graphs), SPLIT_FRACTIONS, check_int("seed", seed, min_value=0))
    run = ComparisonRun(seed=seed, split=(tr, va, te))
    pick = lambda seq, idx: [seq[i] for i in idx.tolist()]  # noqa: E731

    start = time.perf_counter()
    fps = morgan_fingerprints(smiles)
    ridge = fit_fingerprint_ridge(fps[tr.numpy()], y[tr].numpy(), fps[va.numpy()], y[va].numpy())
    run.test_rmse["ECFP + ridge"] = rmse(torch.as_tensor(ridge.predict(fps[te.numpy()])), y[te])
    run.seconds["ECFP + ridge"], run.models["ECFP + ridge"] = time.perf_counter() - start, ridge

    kw = {"device": device, **(smiles_kwargs or {})}
    name = f"SMILES {kw.get('kind', 'cnn').upper()}"
    vocab = build_vocab(pick(smiles, tr))
    seq_model, hist = train_smiles_model(pick(smiles, tr), y[tr], pick(smiles, va), y[va], vocab, seed=seed,
                                         progress=progress, **kw)
    run.test_rmse[name] = rmse(predict_smiles(seq_model, pick(smiles, te), vocab), y[te])
    run.seconds[name], run.histories[name], run.models[name] = hist.seconds, hist, (seq_model, vocab)

    gnn, hist = train_molecule_gnn(pick(graphs, tr), pick(graphs, va), seed=seed, progress=progress,
                                   **{"device": device, **(gnn_kwargs or {})})
    run.test_rmse["GNN (GINE)"] = rmse(predict_graphs(gnn, pick(graphs, te)), y[te])
    run.seconds["GNN (GINE)"], run.histories["GNN (GINE)"], run.models["GNN (GINE)"] = hist.seconds, hist, gnn
    return run


def paired_comparison(runs: Sequence[ComparisonRun], model: str, baseline: str) -> dict[str, float]:
    """Compare two models seed by seed: wins, mean gap and a paired t-test over the seeds.

    Each seed gives both models the same split, so the per-seed differences
    are paired; the t-test (``scipy.stats.ttest_rel``) asks whether their mean could be zero.

    Args:
        runs: what :func:`compare_on_split` returned for several seeds.
        model: the model's name in ``run.test_rmse``, e.g. ``"GNN (GINE)"``.
        baseline: the other model's name.

    Returns:
        ``{"wins", "seeds", "mean_gap", "t", "p"}``: on how many seeds ``model``
        had the lower RMSE, the mean of ``baseline - model``, the paired t
        statistic and its two-sided p-value (NaN with fewer than two seeds).
    """
    from scipy.stats import ttest_rel

    if not runs:
        raise ValueError("runs must not be empty")
    for name in (model, baseline):
        if name not in runs[0].test_rmse:
            raise ValueError(f"{name!r} is not a model of these runs; expected one of {list(runs[0].test_rmse)}")
    a = np.array([r.test_rmse[model] for r in runs])
    b = np.array([r.test_rmse[baseline] for r in runs])
    t, p = ttest_rel(b, a) if len(runs) > 1 else (float("nan"), float("nan"))
    return {"wins": int((a < b).sum()), "seeds": len(runs), "mean_gap": float((b - a).mean()),
            "t": float(t), "p": float(p)}


def summarise_runs(runs: Sequence[ComparisonRun]) -> Any:
    """A table (pandas DataFrame) of test RMSE per seed, and mean, std and training seconds per model.

    Args:
        runs: what :func:`compare_on_split` returned, one per seed (seeds must differ).

    Returns:
        One row per model; columns ``seed k`` for each seed, ``mean``, ``std`` (over seeds, ``ddof=0``),
        ``train s (total)`` and ``mean ± std`` (text).
    """
    import pandas as pd

    if not runs:
        raise ValueError("runs must not be empty")
    if len({r.seed for r in runs}) != len(runs):
        raise ValueError(f"runs must have different seeds, got {[r.seed for r in runs]}")
    names = list(runs[0].test_rmse)
    table = pd.DataFrame({f"seed {r.seed}": [r.test_rmse[n] for n in names] for r in runs}, index=names)
    per_seed = table.to_numpy()
    table["mean"] = per_seed.mean(axis=1)
    table["std"] = per_seed.std(axis=1)
    table["train s (total)"] = [sum(r.seconds[n] for r in runs) for n in names]
    table["mean ± std"] = [f"{m:.3f} ± {s:.3f}" for m, s in zip(table["mean"], table["std"])]
    return table


def predict_all(run: ComparisonRun, dataset: Any, idx: torch.Tensor) -> dict[str, torch.Tensor]:
    """Predictions of the three models of ``run`` for the molecules ``idx`` of ``dataset``.

    Args:
        run: what :func:`compare_on_split` returned.
        dataset: the dataset it was trained on.
        idx: (M,) molecule indices, e.g. the test split ``run.split[2]``.

    Returns:
        model name -> (M,) predictions on the CPU.
    """
    idx = check_tensor("idx", idx, ndim=1, integer=True, nonempty=True)
    graphs = [dataset.to_list()[i] for i in idx.tolist()]
    smiles = [d.smiles for d in graphs]
    out: dict[str, torch.Tensor] = {}
    for name, model in run.models.items():
        if name.startswith("ECFP"):
            out[name] = torch.as_tensor(model.predict(morgan_fingerprints(smiles)), dtype=torch.float32)
        elif name.startswith("SMILES"):
            out[name] = predict_smiles(model[0], smiles, model[1])
        else:
            out[name] = predict_graphs(model, graphs)
    return out


def regression_report(pred: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """RMSE and R^2 of predictions.

    Args:
        pred: (M,) predictions.
        target: (M,) measured values.

    Returns:
        ``{"RMSE": ..., "R2": ...}``.
    """
    return {"RMSE": rmse(pred, target), "R2": r2(pred, target)}


def train_and_test_gnn(train: Sequence[Data], test: Sequence[Data], *, seed: int = 0, val_fraction: float = 0.1,
                       progress: bool = True, **gnn_kwargs: Any) -> tuple[MoleculeGNN, History, dict[str, float]]:
    """Train a :class:`~gdl_teach.molecules.gnn.MoleculeGNN` on ``train`` (a seeded share held out for early
    stopping), test on ``test``.

    Args:
        train: training molecules (e.g. the Huuskonen training split).
        test: test molecules, never seen during training.
        seed: seeds the validation hold-out and the training.
        val_fraction: share of ``train`` used for early stopping.
        progress: show a tqdm bar.
        gnn_kwargs: extra arguments of :func:`~gdl_teach.molecules.training.train_molecule_gnn` (e.g. ``device``).

    Returns:
        ``(model, history, {"RMSE": ..., "R2": ...})`` on ``test``.
    """
    train, test = check_labelled_graphs("train", train), check_labelled_graphs("test", test)
    check_float("val_fraction", val_fraction, min_value=0.0, strict_min=True, max_value=0.5)
    # the first share is held out; the second and third (where rounding leaves a molecule) are fitted
    val_idx, fit_idx, rest = random_split(len(train), (val_fraction, 1 - val_fraction, 0.0),
                                          check_int("seed", seed, min_value=0))
    fit_idx = torch.cat([fit_idx, rest])
    model, hist = train_molecule_gnn([train[i] for i in fit_idx.tolist()], [train[i] for i in val_idx.tolist()],
                                     seed=seed, progress=progress, **gnn_kwargs)
    target = torch.cat([d.y.reshape(-1) for d in test])
    return model, hist, regression_report(predict_graphs(model, test), target)
