"""Graph classification: four GNNs against a blind model and hand-made features, by stratified cross-validation.

The protocol follows Errica, Podda, Bacciu & Micheli, *A Fair Comparison of
Graph Neural Networks for Graph Classification*, ICLR 2020,
https://arxiv.org/abs/1912.09893: an outer stratified k-fold split assesses
the models (every graph is a test graph exactly once); inside each fold a
stratified validation part chooses each model's recipe, and the test graphs
are read only once, at the end.

* :func:`gdl_teach.core.splits.stratified_folds` - the outer folds, each with its validation part;
* :func:`train_graph_model` - one :class:`~gdl_teach.message_passing.models.GraphClassifier`,
  full batch, the epoch with the best validation accuracy kept;
* :func:`compare_graph_models` - every model, every fold, every learning
  rate of the grid; the one with the best validation accuracy counts;
* :func:`feature_baseline` - logistic regression on
  :func:`~gdl_teach.message_passing.features.graph_feature_matrix`, its
  ``C`` chosen on the same validation graphs.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from gdl_teach.core.device import cpu_threads, get_device
from gdl_teach.core.metrics import accuracy
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.splits import Fold
from gdl_teach.core.training import History, evaluate, fit, graph_step
from gdl_teach.core.validate import check_choice
from gdl_teach.message_passing.baselines import logistic_regression
from gdl_teach.message_passing.features import graph_feature_matrix
from gdl_teach.message_passing.models import MODEL_NAMES, make_graph_model

__all__ = ["FEATURE_MODEL", "train_graph_model", "compare_graph_models",
           "feature_baseline"]

FEATURE_MODEL = "features+LogReg"



def _labels(graphs: Sequence[Any]) -> np.ndarray:
    if isinstance(graphs, (str, bytes)) or not isinstance(graphs, Sequence) or len(graphs) < 3:
        raise ValueError(f"graphs must be a list of at least 3 PyG Data objects, got {type(graphs).__name__}")
    return np.array([int(g.y.view(-1)[0]) for g in graphs])


def train_graph_model(name: str, train: Sequence[Any], val: Sequence[Any], *, num_classes: int, lr: float,
                      epochs: int, patience: int | None = None, hidden_channels: int = 16, num_layers: int = 3,
                      seed: int = 0,
                      device: torch.device | str | None = None) -> tuple[nn.Module, History]:
    """Train one graph classifier on the whole training list at once; keep the epoch best on validation.

    Args:
        name: one of :data:`~gdl_teach.message_passing.models.MODEL_NAMES`.
        train: training graphs (one full batch).
        val: validation graphs.
        num_classes: C.
        lr: Adam learning rate.
        epochs: number of epochs (one full-batch step each).
        patience: stop after this many epochs without a better validation accuracy (``None``: run all
            ``epochs``); either way the best epoch's weights are restored.
        hidden_channels: width of the node embeddings.
        num_layers: graph layers.
        seed: seed of the initial weights.
        device: where to train; default :func:`gdl_teach.get_device`.

    Returns:
        ``(model, history)``; the model holds the weights of its best validation epoch.
    """
    from torch_geometric.data import Batch

    check_choice("name", name, MODEL_NAMES)
    seed_everything(seed)
    model = make_graph_model(name, train[0].num_features, hidden_channels, num_classes, num_layers=num_layers)
    with cpu_threads(1):
        hist = fit(model, [Batch.from_data_list(list(train))], [Batch.from_data_list(list(val))],
                   loss_fn=F.cross_entropy, epochs=epochs, lr=lr, step=graph_step, metric=accuracy,
                   higher_is_better=True, patience=patience or epochs, device=device, progress=False)
    return model, hist


def compare_graph_models(graphs: Sequence[Any], folds: Sequence[Fold], models: Sequence[str] = MODEL_NAMES,
                         lrs: Sequence[float] = (0.01, 0.001), select_lr_on: str = "each fold", epochs: int = 100,
                         patience: int | None = None, hidden_channels: int = 16, num_layers: int = 3,
                         progress: bool = True,
                         device: torch.device | str | None = None) -> tuple[pd.DataFrame, dict[str, nn.Module]]:
    """Train every model on every fold; its learning rate is chosen on validation graphs only.

    Every model gets the same budget: runs of ``epochs`` full-batch epochs with
    batch normalisation, ``hidden_channels`` and ``num_layers``, one per
    learning rate in ``lrs``. Within a run the epoch with the best validation
    accuracy is kept; across runs the learning rate with the best validation
    accuracy (ties: the first). ``select_lr_on="first fold"`` tries the grid on
    fold 0 only and reuses each model's choice on the other folds (cheaper;
    still only validation graphs decide); ``"each fold"`` tries it everywhere.

    Args:
        graphs: PyG ``Data`` objects with ``x``, ``edge_index`` and ``y`` (1,).
        folds: from :func:`gdl_teach.core.splits.stratified_folds`.
        models: names from :data:`~gdl_teach.message_passing.models.MODEL_NAMES`.
        lrs: the learning rates tried.
        select_lr_on: ``"each fold"`` or ``"first fold"``.
        epochs, patience, hidden_channels, num_layers: the shared budget (see :func:`train_graph_model`).
        progress: show a progress bar.
        device: where to train; default :func:`gdl_teach.get_device`.

    Returns:
        ``(runs, trained)``: one row per (model, fold, lr) with ``model``, ``fold``, ``lr``, ``val_acc``,
        ``test_acc``, ``best_epoch`` and ``chosen`` (the run that counts), and ``{model: its chosen
        model of fold 0}`` (on the CPU).
    """
    from torch_geometric.data import Batch
    from tqdm.auto import tqdm

    y = _labels(graphs)
    if isinstance(models, str) or not models or isinstance(lrs, (int, float)) or not lrs:
        raise TypeError("models and lrs must be non-empty lists")
    every_fold = check_choice("select_lr_on", select_lr_on, ("each fold", "first fold")) == "each fold"
    device = torch.device(device) if device is not None else get_device()
    rows, trained, chosen_lr = [], {}, {}
    total = len(models) * (len(folds) * len(lrs) if every_fold else len(lrs) + len(folds) - 1)
    bar = tqdm(total=total, desc="graph task", disable=not progress, leave=False)
    for k, (tr, va, te) in enumerate(folds):
        test_batch = [Batch.from_data_list([graphs[i] for i in te])]
        for name in models:
            runs = []
            for lr in (lrs if every_fold or k == 0 else [chosen_lr[name]]):
                model, hist = train_graph_model(name, [graphs[i] for i in tr], [graphs[i] for i in va],
                                                num_classes=int(y.max()) + 1, lr=lr, epochs=epochs,
                                                patience=patience, hidden_channels=hidden_channels,
                                                num_layers=num_layers, seed=k, device=device)
                test_acc = evaluate(model, test_batch, accuracy, step=graph_step, device=device)
                runs.append(({"model": name, "fold": k, "lr": lr, "val_acc": max(hist.val_metric),
                              "test_acc": test_acc, "best_epoch": hist.best_epoch, "chosen": False}, model))
                bar.update()
            best = max(range(len(runs)), key=lambda i: (runs[i][0]["val_acc"], -i))
            runs[best][0]["chosen"] = True
            chosen_lr.setdefault(name, runs[best][0]["lr"])
            if k == 0:
                trained[name] = runs[best][1].cpu()
            rows += [r for r, _ in runs]
    bar.close()
    return pd.DataFrame(rows), trained


def feature_baseline(graphs: Sequence[Any], folds: Sequence[Fold], groups: Sequence[str] | None = None,
                     name: str = FEATURE_MODEL) -> pd.DataFrame:
    """Logistic regression on hand-made graph features, ``C`` chosen on each fold's validation graphs.

    Args:
        graphs: PyG ``Data`` objects with ``y`` (1,).
        folds: from :func:`gdl_teach.core.splits.stratified_folds`.
        groups: feature groups (:data:`~gdl_teach.message_passing.features.FEATURE_GROUPS`); default all.
        name: the model name written in the table.

    Returns:
        One row per fold: ``model``, ``fold``, ``test_acc``, ``chosen`` (always True).
    """
    y = _labels(graphs)
    feats, _ = graph_feature_matrix(graphs, groups)
    rows = []
    for k, (tr, va, te) in enumerate(folds):
        model = logistic_regression(feats[tr], y[tr], feats[va], y[va], seed=k)
        rows.append({"model": name, "fold": k, "test_acc": float(model.score(feats[te], y[te])), "chosen": True})
    return pd.DataFrame(rows)
