"""Training and prediction of lesson 04's GNN, and a one-split comparison table.

:func:`train_risk_gnn` trains an :class:`~gdl_teach.epidemics.models.EpidemicGNN`
with the kit's :func:`gdl_teach.core.training.fit` on :func:`gdl_teach.get_device`;
:func:`predict_risk` and :func:`risk_scores` score snapshots on the model's
device and return CPU tensors, never moving the caller's data;
:func:`score_table` compares models on the same people (ROC-AUC, Brier score).
"""
from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.data import Batch, Data
from torch_geometric.loader import DataLoader

from gdl_teach.core.device import cpu_threads, get_device
from gdl_teach.core.metrics import brier, roc_auc
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.training import History, ShuffledBatches, fit
from gdl_teach.core.validate import check_int
from gdl_teach.epidemics.models import EpidemicGNN


def risk_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The :func:`gdl_teach.core.training.fit` step: logits and labels of the susceptible people in ``batch``.

    Args:
        model: an :class:`~gdl_teach.epidemics.models.EpidemicGNN`.
        batch: a PyG ``Batch`` of snapshots with ``x``, ``edge_index``,
            ``edge_weight``, ``y`` (N,) and ``mask`` (N,), on the model's device.
        split: unused (the split is chosen by which snapshots are passed).

    Returns:
        ``(logit, y)``, both (M,) over the M susceptible people.
    """
    logit = model(batch.x, batch.edge_index, getattr(batch, "edge_weight", None))
    return logit[batch.mask], batch.y[batch.mask]


def batches(dataset: Any, batch_size: int = 8) -> list[Batch]:
    """Collate a dataset of snapshots into a fixed list of PyG batches (collated once, reused every epoch).

    Args:
        dataset: snapshot ``Data`` objects.
        batch_size: snapshots per batch.
    """
    batch_size = check_int("batch_size", batch_size, min_value=1)
    return list(DataLoader(dataset, batch_size=batch_size, shuffle=False))


def train_risk_gnn(
    train: Any,
    val: Any,
    *,
    conv: str = "graph",
    hidden_channels: int = 32,
    num_layers: int = 2,
    epochs: int = 10,
    lr: float = 1e-2,
    batch_size: int = 4,
    patience: int = 5,
    seed: int = 0,
    num_threads: int | None = 1,
    progress: bool = True,
) -> tuple[EpidemicGNN, History]:
    """Train an :class:`EpidemicGNN` with binary cross-entropy on susceptible people; early stopping on val ROC-AUC.

    The head's bias starts at the logit of the training infection rate (about
    1.5% here), so training does not spend its first epochs learning that
    almost nobody is infected. The model and the batches live on
    :func:`gdl_teach.get_device`; the snapshots in ``train`` and ``val`` are
    collated once into new batches (reshuffled between epochs), never moved.

    Args:
        train: training snapshots (an ``OutbreakDataset`` or list of ``Data``).
        val: validation snapshots.
        conv: layer kind, see :class:`EpidemicGNN`.
        hidden_channels: layer width.
        num_layers: rounds of message passing.
        epochs: maximum epochs.
        lr: Adam learning rate.
        batch_size: snapshots per step.
        patience: epochs without val improvement before stopping.
        seed: seeds the initial weights and the batch order.
        num_threads: CPU threads torch may use while training (restored after);
            ``None`` keeps the current setting. The default 1 is deliberate: these
            batches are small sparse operations, where synchronising threads
            costs more than it saves, many times more on a busy shared CPU.
        progress: show tqdm bars.

    Returns:
        ``(model, history)``; the model holds the best weights seen on val and stays on the device.
    """
    if len(train) == 0 or len(val) == 0:
        raise ValueError("train and val must each hold at least one snapshot")
    seed_everything(check_int("seed", seed, min_value=0))
    model = EpidemicGNN(int(train[0].x.shape[1]), hidden_channels, num_layers, conv)
    rate = float(torch.cat([d.y.cpu()[d.mask.cpu()] for d in train]).mean())
    if not 0.0 < rate < 1.0:
        raise ValueError("the training snapshots must contain both infected and not-infected susceptible people")
    with torch.no_grad():
        model.head.bias.fill_(math.log(rate / (1.0 - rate)))
    loader = ShuffledBatches(list(train), batch_size=check_int("batch_size", batch_size, min_value=1),
                             num_orders=2, seed=seed)
    if num_threads is not None:
        check_int("num_threads", num_threads, min_value=1)
    with cpu_threads(num_threads):
        history = fit(model, loader, batches(val, 32), loss_fn=F.binary_cross_entropy_with_logits, epochs=epochs,
                      lr=lr, step=risk_step, metric=roc_auc, higher_is_better=True, patience=patience,
                      progress=progress, desc=f"GNN ({conv})", device=get_device())
    return model, history


def _logits(model: nn.Module, data: Any) -> torch.Tensor:
    """(N,) logits on the model's device; ``data`` itself stays where it is (its tensors are copied over)."""
    device = next(model.parameters()).device
    edge_weight = getattr(data, "edge_weight", None)
    return model(data.x.to(device), data.edge_index.to(device),
                 None if edge_weight is None else edge_weight.to(device))


@torch.no_grad()
def predict_risk(model: nn.Module, data: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Predicted probabilities and labels of the susceptible people of every snapshot.

    Args:
        model: a trained :class:`EpidemicGNN`, on any device.
        data: one snapshot ``Data`` or a dataset/list of them (never moved).

    Returns:
        ``(prob, y)``, both (M,) over the susceptible people, in dataset order, on the CPU.
    """
    model.eval()
    probs, ys = [], []
    for batch in [data] if isinstance(data, Data) else batches(data, 32):
        prob = torch.sigmoid(_logits(model, batch)).cpu()
        mask = batch.mask.cpu()
        probs.append(prob[mask])
        ys.append(batch.y.cpu()[mask])
    return torch.cat(probs), torch.cat(ys)


@torch.no_grad()
def risk_scores(model: nn.Module, data: Data) -> torch.Tensor:
    """Predicted probability for everyone in one snapshot, (N,) on the CPU, not only the susceptible.

    Args:
        model: a trained :class:`EpidemicGNN`, on any device.
        data: one snapshot ``Data`` (never moved).
    """
    if not isinstance(data, Data):
        raise TypeError(f"data must be one snapshot Data, got {type(data).__name__}")
    model.eval()
    return torch.sigmoid(_logits(model, data)).cpu()


def score_table(predictions: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> Any:
    """A pandas DataFrame of ROC-AUC (higher is better) and Brier score (lower is better) per model.

    Args:
        predictions: model name -> ``(prob (M,), y (M,))`` on the same people.
    """
    import pandas as pd

    if not predictions:
        raise ValueError("predictions must name at least one model")
    rows = []
    for name, (prob, y) in predictions.items():
        prob, y = prob.detach().cpu(), y.detach().cpu()
        rows.append({"model": name, "ROC-AUC": round(roc_auc(prob, y), 4), "Brier": round(brier(prob, y), 5)})
    return pd.DataFrame(rows).set_index("model")
