"""The lesson's experiments: five models on the same splits, their table, and the paired tests between them.

The five models, from the blind to the best informed:

- ``ECFP + ridge``: hashed circular fingerprints and a linear model (:mod:`~gdl_teach.molecules.fingerprints`);
- ``descriptors + RF``: RDKit's 2D descriptors and a random forest, the practitioner's baseline
  (:mod:`~gdl_teach.molecules.descriptors`);
- ``SMILES CNN``: the molecule as a string (:mod:`~gdl_teach.molecules.sequence_models`);
- ``GNN``: the molecule as a graph (:mod:`~gdl_teach.molecules.gnn`);
- ``GNN + descriptors``: the graph and the descriptors, as chemprop does (:mod:`~gdl_teach.molecules.gnn_descriptors`).

:func:`compare_on_split` trains them all on one split; :func:`summarise_runs`
and :func:`paired_comparison` read several splits; :func:`holdout_split` turns
a fixed train/test split (Huuskonen) into the same three index sets.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from gdl_teach.core.metrics import r2, rmse
from gdl_teach.core.splits import random_split
from gdl_teach.core.training import History
from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.molecules.descriptors import fit_descriptor_forest, rdkit_descriptors
from gdl_teach.molecules.fingerprints import fit_fingerprint_ridge, morgan_fingerprints
from gdl_teach.molecules.smiles import build_vocab
from gdl_teach.molecules.training import (
    predict_graphs,
    predict_smiles,
    train_descriptor_gnn,
    train_molecule_gnn,
    train_smiles_model,
    with_descriptors,
)

__all__ = ["MODEL_NAMES", "SPLIT_FRACTIONS", "MoleculeFeatures", "molecule_features", "ComparisonRun",
           "holdout_split", "compare_on_split", "summarise_runs", "paired_comparison", "paired_bootstrap",
           "regression_report", "count_parameters"]

#: The models of the comparison, in the order of the tables.
MODEL_NAMES = ("ECFP + ridge", "descriptors + RF", "SMILES CNN", "GNN", "GNN + descriptors")
#: Train, validation and test shares of a FreeSolv split.
SPLIT_FRACTIONS = (0.8, 0.1, 0.1)


@dataclass
class MoleculeFeatures:
    """The hand-made inputs of the classical models, computed once per data set (they do not depend on a split).

    Attributes:
        fingerprints: (M, 2048) Morgan bits.
        descriptors: (M, D) RDKit 2D descriptors (NaN where RDKit could not compute one).
    """

    fingerprints: np.ndarray
    descriptors: np.ndarray


def molecule_features(smiles: Sequence[str]) -> MoleculeFeatures:
    """Fingerprints and descriptors of every molecule.

    Args:
        smiles: (M,) SMILES strings.
    """
    return MoleculeFeatures(morgan_fingerprints(smiles), rdkit_descriptors(smiles))


@dataclass
class ComparisonRun:
    """One split of the comparison: per model, test RMSE (label units), predictions, training seconds, model.

    Attributes:
        seed: the split's seed (it also seeds the training).
        test_rmse: model name -> RMSE on the test molecules.
        predictions: model name -> (T,) test predictions on the CPU, in the order of ``split[2]``.
        seconds: model name -> training seconds (wall clock, for information: budgets are epochs and trees).
        parameters: model name -> number of trained parameters (networks only).
        histories: model name -> :class:`~gdl_teach.core.training.History` (networks only).
        models: model name -> the fitted model.
        split: ``(train_idx, val_idx, test_idx)``.
        target: (T,) the test molecules' labels.
    """

    seed: int
    test_rmse: dict[str, float] = field(default_factory=dict)
    predictions: dict[str, torch.Tensor] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    parameters: dict[str, int] = field(default_factory=dict)
    histories: dict[str, History] = field(default_factory=dict)
    models: dict[str, Any] = field(default_factory=dict)
    split: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None
    target: torch.Tensor | None = None

    def record(self, name: str, model: Any, pred: torch.Tensor, target: torch.Tensor, seconds: float,
               history: History | None = None) -> None:
        """Store one model's test predictions (N,), RMSE, time, parameters and history."""
        self.models[name], self.seconds[name] = model, seconds
        self.predictions[name] = torch.as_tensor(pred, dtype=torch.float32).reshape(-1).cpu()
        self.test_rmse[name] = rmse(self.predictions[name], target)
        if isinstance(model, nn.Module):
            self.parameters[name] = count_parameters(model)
        if history is not None:
            self.histories[name] = history


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters of a network."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def holdout_split(num_train: int, num_test: int, val_fraction: float = 0.1, seed: int = 0
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Indices of a fixed train/test split laid end to end, with a seeded share of the training items held out.

    Items ``0 .. num_train - 1`` are the training set (``val_fraction`` of
    them, drawn by ``seed``, become the validation set), items ``num_train ..
    num_train + num_test - 1`` the fixed test set.

    Args:
        num_train: size of the published training set.
        num_test: size of the published test set.
        val_fraction: share of the training set held out for validation.
        seed: seed of the hold-out.

    Returns:
        ``(train_idx, val_idx, test_idx)``.
    """
    check_int("num_test", num_test, min_value=1)
    check_float("val_fraction", val_fraction, min_value=0.0, strict_min=True, max_value=0.5)
    val, fit, rest = random_split(check_int("num_train", num_train, min_value=2), (val_fraction, 1 - val_fraction, 0.0),
                                  check_int("seed", seed, min_value=0))
    return torch.cat([fit, rest]), val, torch.arange(num_train, num_train + num_test)


def _pick(items: Sequence[Any], idx: torch.Tensor) -> list[Any]:
    return [items[i] for i in idx.tolist()]


def _classical_models(run: ComparisonRun, models: Sequence[str], features: MoleculeFeatures, y: torch.Tensor,
                      num_trees: int) -> None:
    tr, va, te = (i.numpy() for i in run.split)  # type: ignore[union-attr]
    fps, desc, yy = features.fingerprints, features.descriptors, y.numpy()
    if "ECFP + ridge" in models:
        start = time.perf_counter()
        ridge = fit_fingerprint_ridge(fps[tr], yy[tr], fps[va], yy[va])
        run.record("ECFP + ridge", ridge, torch.as_tensor(ridge.predict(fps[te])), y[te], time.perf_counter() - start)
    if "descriptors + RF" in models:
        start = time.perf_counter()
        forest = fit_descriptor_forest(desc[tr], yy[tr], num_trees=num_trees, seed=run.seed)
        run.record("descriptors + RF", forest, torch.as_tensor(forest.predict(desc[te])), y[te],
                   time.perf_counter() - start)


def _networks(run: ComparisonRun, models: Sequence[str], graphs: list[Any], features: MoleculeFeatures,
              y: torch.Tensor, kwargs: dict[str, dict[str, Any]], device: torch.device | str | None,
              progress: bool) -> None:
    tr, va, te = run.split  # type: ignore[misc]
    common = {"seed": run.seed, "device": device, "progress": progress}
    if "SMILES CNN" in models:
        smiles = [g.smiles for g in graphs]
        vocab = build_vocab(_pick(smiles, tr))
        model, hist = train_smiles_model(_pick(smiles, tr), y[tr], _pick(smiles, va), y[va], vocab,
                                         **{**common, **kwargs.get("smiles", {})})
        run.record("SMILES CNN", (model, vocab), predict_smiles(model, _pick(smiles, te), vocab), y[te],
                   hist.seconds, hist)
        run.parameters["SMILES CNN"] = count_parameters(model)
    if "GNN" in models:
        model, hist = train_molecule_gnn(_pick(graphs, tr), _pick(graphs, va), **{**common, **kwargs.get("gnn", {})})
        run.record("GNN", model, predict_graphs(model, _pick(graphs, te)), y[te], hist.seconds, hist)
    if "GNN + descriptors" in models:
        rich = with_descriptors(graphs, features.descriptors)
        model, hist = train_descriptor_gnn(_pick(rich, tr), _pick(rich, va),
                                           **{**common, **kwargs.get("descriptor_gnn", {})})
        run.record("GNN + descriptors", model, predict_graphs(model, _pick(rich, te)), y[te], hist.seconds, hist)


def compare_on_split(dataset: Any, seed: int = 0, *, models: Sequence[str] = MODEL_NAMES,
                     split: tuple[torch.Tensor, ...] | None = None, features: MoleculeFeatures | None = None,
                     network_kwargs: dict[str, dict[str, Any]] | None = None, num_trees: int = 100,
                     device: torch.device | str | None = None, progress: bool = True) -> ComparisonRun:
    """The models of :data:`MODEL_NAMES` on the same split: same training, validation and test molecules.

    The ridge penalty is chosen on the validation molecules and the three
    networks stop early on them; the forest has nothing to tune and fits the
    training molecules only. Every model is scored once on the test molecules.

    Args:
        dataset: a :class:`gdl_teach.molecules.datasets.MoleculeDataset` (e.g. FreeSolv).
        seed: seeds the split (unless ``split`` is given), the forest and the networks.
        models: which of :data:`MODEL_NAMES` to train (default all five), always in that order.
        split: ``(train_idx, val_idx, test_idx)``; default a seeded random 80/10/10 split.
        features: :func:`molecule_features` of ``dataset`` (computed here if not given; pass them to
            reuse them across splits).
        network_kwargs: extra arguments per network: ``{"smiles": ..., "gnn": ..., "descriptor_gnn": ...}``
            for :func:`~gdl_teach.molecules.training.train_smiles_model`, ``train_molecule_gnn`` and
            ``train_descriptor_gnn`` (e.g. from :meth:`gdl_teach.molecules.settings.Settings.network_kwargs`).
        num_trees: trees of the random forest.
        device: where the networks train; default :func:`gdl_teach.get_device`.
        progress: show tqdm bars.

    Returns:
        A :class:`ComparisonRun`.
    """
    graphs = dataset.to_list()
    y = torch.cat([d.y.reshape(-1) for d in graphs])
    seed = check_int("seed", seed, min_value=0)
    unknown = [m for m in models if m not in MODEL_NAMES]
    if isinstance(models, str) or unknown or not models:
        raise ValueError(f"models must name some of {list(MODEL_NAMES)}, got {models!r}")
    if split is None:
        split = random_split(len(graphs), SPLIT_FRACTIONS, seed)
    split = tuple(check_tensor(f"split[{k}]", s, ndim=1, integer=True, nonempty=True) for k, s in enumerate(split))
    if len(split) != 3:
        raise ValueError(f"split must be (train_idx, val_idx, test_idx), got {len(split)} index sets")
    features = features if features is not None else molecule_features([g.smiles for g in graphs])
    if features.descriptors.shape[0] != len(graphs) or features.fingerprints.shape[0] != len(graphs):
        raise ValueError(f"features must have one row per molecule of dataset ({len(graphs)})")
    run = ComparisonRun(seed=seed, split=split, target=y[split[2]])  # type: ignore[arg-type]
    _classical_models(run, models, features, y, num_trees)
    _networks(run, models, graphs, features, y, network_kwargs or {}, device, progress)
    return run


def summarise_runs(runs: Sequence[ComparisonRun]) -> Any:
    """A table (pandas DataFrame) of test RMSE per split, and mean, std and training seconds per model.

    Args:
        runs: what :func:`compare_on_split` returned, one per split (seeds must differ).

    Returns:
        One row per model; columns ``split k`` for each seed, ``mean``, ``std`` (sample standard deviation
        over splits, ``ddof=1``; NaN for a single split, where it is undefined), ``train s (total)`` and
        ``mean ± std`` (text).
    """
    import pandas as pd

    if not runs:
        raise ValueError("runs must not be empty")
    if len({r.seed for r in runs}) != len(runs):
        raise ValueError(f"runs must have different seeds, got {[r.seed for r in runs]}")
    names = list(runs[0].test_rmse)
    table = pd.DataFrame({f"split {r.seed}": [r.test_rmse[n] for n in names] for r in runs}, index=names)
    per_split = table.to_numpy()
    table["mean"] = per_split.mean(axis=1)
    table["std"] = per_split.std(axis=1, ddof=1) if len(runs) > 1 else float("nan")
    table["train s (total)"] = [sum(r.seconds[n] for r in runs) for n in names]
    table["mean ± std"] = [f"{m:.3f} ± {s:.3f}" if len(runs) > 1 else f"{m:.3f} (one split)"
                           for m, s in zip(table["mean"], table["std"])]
    return table


def paired_comparison(runs: Sequence[ComparisonRun], model: str, baseline: str) -> dict[str, float]:
    """Compare two models split by split: wins, mean gap and a paired t-test over the splits.

    Each split gives both models the same molecules, so the per-split
    differences are paired; the t-test (``scipy.stats.ttest_rel``) asks
    whether their mean could be zero.

    Args:
        runs: what :func:`compare_on_split` returned for several splits.
        model: the model's name in ``run.test_rmse``, e.g. ``"GNN"``.
        baseline: the other model's name.

    Returns:
        ``{"wins", "splits", "mean_gap", "t", "p"}``: on how many splits
        ``model`` had the lower RMSE, the mean of ``baseline - model`` (positive:
        ``model`` is better), the paired t statistic and its two-sided p-value
        (NaN with fewer than two splits).
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
    return {"wins": int((a < b).sum()), "splits": len(runs), "mean_gap": float((b - a).mean()),
            "t": float(t), "p": float(p)}


def regression_report(pred: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """RMSE and R^2 of predictions.

    Args:
        pred: (M,) predictions.
        target: (M,) measured values.

    Returns:
        ``{"RMSE": ..., "R2": ...}``.
    """
    return {"RMSE": rmse(pred, target), "R2": r2(pred, target)}


def paired_bootstrap(run: ComparisonRun, model: str, baseline: str, num_samples: int = 2000,
                     seed: int = 0) -> dict[str, float]:
    """How sure is a gap measured on one fixed test set? Resample its molecules, keep the pairs.

    Each bootstrap sample draws the test molecules with replacement and
    computes both models' RMSE on the *same* draw (Efron & Tibshirani 1993).
    It measures the uncertainty that comes from which molecules are in the test
    set; it says nothing about training seeds.

    Args:
        run: one :class:`ComparisonRun` (e.g. on Huuskonen's fixed split).
        model: the model's name, e.g. ``"GNN + descriptors"``.
        baseline: the other model's name.
        num_samples: bootstrap samples.
        seed: seed of the resampling.

    Returns:
        ``{"gap", "low", "high", "share"}``: the measured ``RMSE(baseline) - RMSE(model)``,
        the 2.5% and 97.5% quantiles of its bootstrap distribution, and the share
        of samples in which ``model`` had the lower RMSE.
    """
    for name in (model, baseline):
        if name not in run.predictions:
            raise ValueError(f"{name!r} is not a model of this run; expected one of {list(run.predictions)}")
    num_samples = check_int("num_samples", num_samples, min_value=10)
    if run.target is None:
        raise ValueError("run has no test labels (run.target); use a run made by compare_on_split")
    err_a = (run.predictions[model].double() - run.target.double()) ** 2  # (T,) squared errors, paired by molecule
    err_b = (run.predictions[baseline].double() - run.target.double()) ** 2
    g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
    draws = torch.randint(0, err_a.shape[0], (num_samples, err_a.shape[0]), generator=g)  # (S, T)
    gaps = err_b[draws].mean(dim=1).sqrt() - err_a[draws].mean(dim=1).sqrt()  # (S,)
    low, high = torch.quantile(gaps, torch.tensor([0.025, 0.975], dtype=gaps.dtype)).tolist()
    return {"gap": run.test_rmse[baseline] - run.test_rmse[model], "low": low, "high": high,
            "share": float((gaps > 0).double().mean())}
