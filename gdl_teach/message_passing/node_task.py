r"""Node classification: four GNNs against blind and practitioner baselines, over several splits.

The models (:data:`NODE_MODELS`), all given the same labelled nodes:

* ``"MLP"`` - the kit's :class:`~gdl_teach.nn.mlp.MLP` on each node's
  features alone: blind to the edges (the motivating baseline);
* ``"MLP+adj"`` - the same MLP on ``[x, A row]`` (:func:`~gdl_teach.message_passing.features.adjacency_rows`):
  the graph flattened, nothing lost;
* ``"LabelProp"`` - label propagation on the edges (networkx), no features, no parameters;
* ``"LogReg+hops"`` - logistic regression on :math:`\hat A^K x`
  (:func:`~gdl_teach.message_passing.features.hop_features`): neighbourhood
  averages handed to a linear model, ``K`` and the regularisation chosen on
  the validation nodes (SGC, Wu et al. 2019, https://arxiv.org/abs/1902.07153,
  computed once instead of learned);
* ``"GCN"``, ``"GraphSAGE"``, ``"GAT"``, ``"GIN"`` - the node models of
  :mod:`~gdl_teach.message_passing.models`.

Seed ``s`` draws a new split with the same numbers of training, validation
and test nodes as the dataset's own masks (:func:`resplit`) and initialises
the trained models with ``s``, so every model is compared on the same splits.
The MLPs and GNNs share one recipe (:func:`compare_node_models`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from gdl_teach.core.device import cpu_threads, get_device
from gdl_teach.core.metrics import accuracy
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.splits import per_class_masks
from gdl_teach.core.training import evaluate, fit
from gdl_teach.core.validate import check_choice, check_int
from gdl_teach.message_passing.baselines import label_propagation, logistic_regression
from gdl_teach.message_passing.features import adjacency_rows, hop_features
from gdl_teach.message_passing.models import GNN_NAMES, make_node_model
from gdl_teach.nn.mlp import MLP

__all__ = ["NODE_BASELINES", "NODE_MODELS", "HOPS", "node_step", "resplit", "compare_node_models"]

NODE_BASELINES = ("MLP", "MLP+adj", "LabelProp", "LogReg+hops")
HOPS = (1, 2, 4, 8)  # the K tried by "LogReg+hops"; 2 when there are no validation nodes
NODE_MODELS = (*NODE_BASELINES, *GNN_NAMES)


def node_step(model: nn.Module, data: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A :func:`gdl_teach.core.training.fit` step for node tasks: ``(logits[mask] (M, C), y[mask] (M,))``.

    An :class:`~gdl_teach.nn.mlp.MLP` is called with ``x`` alone (it
    never sees the edges); a GNN with ``(x, edge_index)``.

    Args:
        model: an MLP or a node model of :mod:`gdl_teach.message_passing.models`.
        data: a PyG ``Data`` with ``x`` (N, F), ``edge_index``, ``y`` (N,) and ``<split>_mask``.
        split: ``"train"``, ``"val"`` or ``"test"``.
    """
    out = model(data.x) if isinstance(model, MLP) else model(data.x, data.edge_index)
    mask = getattr(data, f"{split}_mask")
    return out[mask], data.y[mask]


def _check_node_data(name: str, data: Any) -> None:
    for attr in ("x", "edge_index", "y", "train_mask", "test_mask"):
        if getattr(data, attr, None) is None:
            raise ValueError(f"{name} must be a PyG Data with {attr} (e.g. load_karate_club()), it has none")


def resplit(data: Any, seed: int) -> Any:
    """A copy of ``data`` with a new split: as many labelled nodes per class and validation nodes as before.

    Args:
        data: a PyG ``Data`` with ``y`` (N,), ``train_mask`` (the same count in every class) and
            optionally ``val_mask``.
        seed: seed of the new draw (:func:`gdl_teach.core.splits.per_class_masks`).

    Returns:
        A shallow copy with new ``train_mask``, ``val_mask`` and ``test_mask``; ``data`` is not changed.
    """
    _check_node_data("data", data)
    counts = torch.bincount(data.y[data.train_mask].cpu())
    if counts.numel() == 0 or bool((counts != counts[0]).any()):
        raise ValueError(f"data.train_mask must hold the same number of nodes of every class, got {counts.tolist()}")
    num_val = int(data.val_mask.sum()) if getattr(data, "val_mask", None) is not None else 0
    train, val, test = per_class_masks(data.y.cpu(), int(counts[0]), num_val, check_int("seed", seed, min_value=0))
    out = data.clone()
    out.train_mask, out.val_mask, out.test_mask = (m.to(data.y.device) for m in (train, val, test))
    return out


def _classical(name: str, data: Any, seed: int) -> float:
    """Test accuracy of ``"LabelProp"`` or ``"LogReg+hops"`` on one split."""
    if name == "LabelProp":
        pred = label_propagation(data.edge_index, data.num_nodes, data.y, data.train_mask)
        return accuracy(pred[data.test_mask].cpu(), data.y[data.test_mask].cpu())
    hops, y = hop_features(data.x, data.edge_index, num_hops=max(HOPS)).cpu(), data.y.cpu()
    tr, va, te = data.train_mask.cpu(), data.val_mask.cpu(), data.test_mask.cpu()
    if not bool(va.any()):
        return float(logistic_regression(hops[2][tr], y[tr]).score(hops[2][te].numpy(), y[te].numpy()))
    fitted = [logistic_regression(hops[k][tr], y[tr], hops[k][va], y[va], seed=seed) for k in HOPS]
    best = max(range(len(HOPS)), key=lambda i: (fitted[i].score(hops[HOPS[i]][va].numpy(), y[va].numpy()), -i))
    return float(fitted[best].score(hops[HOPS[best]][te].numpy(), y[te].numpy()))


def _trained(name: str, data: Any, seed: int, recipe: Mapping[str, Any], device: torch.device) -> tuple[float, int]:
    """Test accuracy and epochs of an MLP or GNN trained on one split with the shared recipe."""
    has_val = bool(data.val_mask.any())
    if name == "MLP+adj":
        data = data.clone()
        data.x = adjacency_rows(data.x, data.edge_index)
    seed_everything(seed)
    model = make_node_model(name.split("+")[0], data.num_features, recipe["hidden_channels"], int(data.y.max()) + 1)
    with cpu_threads(1):
        hist = fit(model, data, data if has_val else None, loss_fn=F.cross_entropy, epochs=recipe["epochs"],
                   lr=recipe["lr"], weight_decay=recipe["weight_decay"], step=node_step, device=device,
                   progress=False, patience=recipe["patience"] if has_val else None)
    return evaluate(model, data, accuracy, step=node_step, split="test", device=device), hist.epochs


def compare_node_models(datasets: Mapping[str, Any], seeds: Sequence[int] | Mapping[str, Sequence[int]] = range(5),
                        models: Sequence[str] = NODE_MODELS, hidden_channels: int = 32, epochs: int = 60,
                        lr: float = 0.02, weight_decay: float = 5e-4, patience: int = 15, progress: bool = True,
                        device: torch.device | str | None = None) -> pd.DataFrame:
    """Run every model on every dataset and split; report test accuracy.

    The MLPs and GNNs share one recipe: Adam with ``lr`` and ``weight_decay``,
    ``hidden_channels``, dropout 0.5, at most ``epochs`` epochs; a split with
    validation nodes stops after ``patience`` epochs without a lower validation
    loss and keeps the best weights, one without trains all ``epochs``.
    ``"LogReg+hops"`` picks ``K`` from :data:`HOPS` and its regularisation on the
    validation nodes (``K = 2``, ``C = 1`` without them).

    Args:
        datasets: ``{"name": Data}``; each ``Data`` has ``x``, ``edge_index``, ``y`` and masks.
        seeds: the splits (and initial weights), for all datasets or ``{"name": seeds}``.
        models: names from :data:`NODE_MODELS`.
        hidden_channels, epochs, lr, weight_decay, patience: the shared recipe.
        progress: show one progress bar per dataset.
        device: where to train; default :func:`gdl_teach.get_device`.

    Returns:
        One row per (dataset, model, seed): ``dataset``, ``model``, ``seed``, ``test_acc``, ``epochs``
        (0 for the models that are not trained by gradient descent).
    """
    from tqdm.auto import tqdm

    if not isinstance(datasets, Mapping) or not datasets:
        raise TypeError(f"datasets must be a non-empty dict name -> Data, got {type(datasets).__name__}")
    if isinstance(models, str) or not models:
        raise TypeError(f"models must be a non-empty list of names from {list(NODE_MODELS)}, got {models!r}")
    for m in models:
        check_choice("models", m, NODE_MODELS)
    recipe = {"hidden_channels": check_int("hidden_channels", hidden_channels, min_value=1),
              "epochs": epochs, "lr": lr, "weight_decay": weight_decay, "patience": patience}
    device = torch.device(device) if device is not None else get_device()
    rows = []
    for dname, data in datasets.items():
        _check_node_data(f"datasets[{dname!r}]", data)
        split_seeds = list(seeds[dname] if isinstance(seeds, Mapping) else seeds)
        if not split_seeds:
            raise ValueError(f"seeds must give at least one seed for {dname!r}")
        bar = tqdm(total=len(models) * len(split_seeds), desc=dname, disable=not progress, leave=False)
        for seed in split_seeds:
            split = resplit(data, seed)
            for name in models:
                if name in ("LabelProp", "LogReg+hops"):
                    with cpu_threads(1):
                        acc, ran = _classical(name, split, seed), 0
                else:
                    acc, ran = _trained(name, split, seed, recipe, device)
                rows.append({"dataset": dname, "model": name, "seed": seed, "test_acc": acc, "epochs": ran})
                bar.update()
        bar.close()
    return pd.DataFrame(rows)
