"""Training and evaluation loops with progress bars, early stopping and a history.

One loop serves every lesson: full-batch node tasks (a single PyG ``Data`` with
``train_mask``/``val_mask``), mini-batches from a ``DataLoader`` (graphs, point
clouds, molecules), CPU or GPU. What differs between tasks is only the *step*:
how a batch becomes ``(prediction, target)``.
"""
from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from tqdm.auto import tqdm

from gdl_teach.core.device import get_device
from gdl_teach.core.validate import check_float, check_int

Step = Callable[[nn.Module, Any, str], tuple[torch.Tensor, torch.Tensor]]


def default_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """``pred = model(batch)``; target ``batch.y``; both restricted to ``batch.<split>_mask`` if present.

    Args:
        model: maps a batch to predictions, (N, C) or (N,) or (B, ...).
        batch: a PyG ``Data``/``Batch`` (or anything with ``.y``).
        split: ``"train"``, ``"val"`` or ``"test"``.
    """
    pred = model(batch)
    target = batch.y
    mask = getattr(batch, f"{split}_mask", None)
    if mask is not None:
        pred, target = pred[mask], target[mask]
    return pred, target


def feature_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Like :func:`default_step` but the model sees only ``batch.x``: ``pred = model(batch.x)``.

    The step of Euclidean baselines such as :class:`gdl_teach.nn.mlp.MLP`,
    which ignore the edges. ``x``: (N, F) -> pred: (N, C).
    """
    pred = model(batch.x)
    target = batch.y
    mask = getattr(batch, f"{split}_mask", None)
    if mask is not None:
        pred, target = pred[mask], target[mask]
    return pred, target


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    best_epoch: int = -1
    stopped_early: bool = False
    seconds: float = 0.0
    metric_name: str = ""

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def __repr__(self) -> str:
        best = f", best epoch {self.best_epoch}" if self.best_epoch >= 0 else ""
        last = f", last val {self.metric_name or 'loss'} {self.val_metric[-1] if self.val_metric else (self.val_loss[-1] if self.val_loss else float('nan')):.4f}"
        return f"History({self.epochs} epochs in {self.seconds:.1f}s{best}{last if self.val_loss else ''})"


class ShuffledBatches:
    """Mini-batches of graphs, collated once: ``num_orders`` shuffles, one per epoch in turn.

    Collating PyG graphs into a ``Batch`` costs more than training a small
    GNN on it, so the batches are built up front; iterating yields the
    batches of the next shuffle, so consecutive epochs still see different
    batch orders and compositions.

    Only tensor attributes are kept (strings such as SMILES or names only
    slow collation down).

    Args:
        graphs: PyG ``Data`` objects.
        batch_size: graphs per batch.
        num_orders: how many different shuffles to prepare.
        seed: seed of the shuffles.
    """

    def __init__(self, graphs: Sequence[Any], batch_size: int = 32, num_orders: int = 4, seed: int = 0) -> None:
        from torch_geometric.data import Batch, Data

        if not isinstance(graphs, (list, tuple)) or not graphs:
            raise ValueError(f"graphs must be a non-empty list of PyG Data objects, got {type(graphs).__name__}")
        graphs = [Data(**{k: v for k, v in d.items() if isinstance(v, torch.Tensor)}) for d in graphs]
        batch_size = check_int("batch_size", batch_size, min_value=1)
        num_orders = check_int("num_orders", num_orders, min_value=1)
        g = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
        self.orders = []
        for _ in range(num_orders):
            perm = torch.randperm(len(graphs), generator=g).tolist()
            self.orders.append([Batch.from_data_list([graphs[i] for i in perm[k:k + batch_size]])
                                for k in range(0, len(graphs), batch_size)])
        self._epoch = 0

    def __iter__(self) -> Iterator[Any]:
        batches = self.orders[self._epoch % len(self.orders)]
        self._epoch += 1
        return iter(batches)

    def __len__(self) -> int:
        return len(self.orders[0])


def _batches(data: Any) -> Iterable[Any]:
    if isinstance(data, (list, tuple)):
        return data
    if hasattr(data, "__iter__") and not hasattr(data, "edge_index") and not hasattr(data, "x"):
        return data  # a DataLoader or other iterable of batches
    return [data]  # one full batch


def _to(batch: Any, device: torch.device) -> Any:
    return batch.to(device) if hasattr(batch, "to") else batch


def evaluate(
    model: nn.Module,
    data: Any,
    metric: Callable[[torch.Tensor, torch.Tensor], float] | None = None,
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    step: Step = default_step,
    split: str = "test",
    device: torch.device | str | None = None,
) -> float:
    """Evaluate ``model`` on ``data``: the metric over all batches (or the mean loss).

    Predictions of all batches are concatenated before the metric is applied,
    so metrics such as RMSE or ROC-AUC are computed over the whole split.

    Args:
        model: the trained model.
        data: a PyG ``Data`` (full batch), a list of batches or a ``DataLoader``.
        metric: ``metric(pred, target) -> float``; if ``None``, ``loss_fn`` is used.
        loss_fn: used when ``metric`` is ``None``.
        step: how a batch becomes ``(pred, target)``; see :func:`default_step`.
        split: passed to ``step`` (selects ``<split>_mask`` by default).
        device: where to run; default: where the model's parameters are.
    """
    if metric is None and loss_fn is None:
        raise ValueError("give metric or loss_fn: evaluate needs something to compute")
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    device = torch.device(device) if device is not None else next(model.parameters()).device
    pred, target = predict(model, data, step=step, split=split, device=device)
    if metric is not None:
        return float(metric(pred, target))
    return float(loss_fn(pred, target))  # type: ignore[misc]


def predict(model: nn.Module, data: Any, *, step: Step = default_step, split: str = "test",
            device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """Predictions and targets of all batches of ``data``, concatenated on the CPU.

    Args:
        model: the model (put in eval mode).
        data: a PyG ``Data`` (full batch), a list of batches or a ``DataLoader``.
        step: how a batch becomes ``(pred, target)``.
        split: passed to ``step``.
        device: where the batches are sent.

    Returns:
        ``(pred, target)``, concatenated along the first dimension.
    """
    model.eval()
    preds, targets = [], []
    with torch.no_grad():
        for batch in _batches(data):
            pred, target = step(model, _to(batch, torch.device(device)), split)
            preds.append(pred.detach().cpu())
            targets.append(target.detach().cpu())
    if not preds:
        raise ValueError("data must contain at least one batch")
    return torch.cat(preds), torch.cat(targets)


def fit(
    model: nn.Module,
    train_data: Any,
    val_data: Any | None = None,
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    epochs: int = 100,
    lr: float = 1e-2,
    weight_decay: float = 0.0,
    optimizer: torch.optim.Optimizer | None = None,
    step: Step = default_step,
    metric: Callable[[torch.Tensor, torch.Tensor], float] | None = None,
    higher_is_better: bool = False,
    patience: int | None = None,
    device: torch.device | str | None = None,
    progress: bool = True,
    desc: str = "training",
) -> History:
    """Train ``model`` and return its :class:`History`.

    Early stopping: with ``patience`` set, training stops after ``patience``
    epochs without improvement of the validation score (``metric`` if given,
    else the validation loss) and the best weights are restored.

    Args:
        model: the model to train (moved to ``device``).
        train_data: a PyG ``Data`` (full batch, e.g. with ``train_mask``), a
            list of batches or a ``DataLoader``.
        val_data: same kinds; may be the same ``Data`` as ``train_data`` when
            masks select the splits. ``None``: no validation, no early stopping.
        loss_fn: ``loss_fn(pred, target) -> scalar tensor``.
        epochs: maximum number of passes over ``train_data``.
        lr: learning rate of the default Adam optimizer.
        weight_decay: L2 penalty of the default optimizer.
        optimizer: use this optimizer instead of Adam.
        step: how a batch becomes ``(pred, target)``; see :func:`default_step`.
        metric: validation metric ``metric(pred, target) -> float``.
        higher_is_better: direction of ``metric`` (True for accuracy).
        patience: epochs without improvement before stopping.
        device: where to train; default :func:`gdl_teach.get_device`.
        progress: show a tqdm progress bar.
        desc: label of the progress bar.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, e.g. torch.nn.functional.mse_loss, got {type(loss_fn).__name__}")
    epochs = check_int("epochs", epochs, min_value=1)
    check_float("lr", lr, min_value=0.0, strict_min=True)
    check_float("weight_decay", weight_decay, min_value=0.0)
    if patience is not None:
        check_int("patience", patience, min_value=1)
        if val_data is None:
            raise ValueError("patience needs val_data: early stopping watches the validation score")
    if metric is not None and val_data is None:
        raise ValueError("metric needs val_data: it is computed on the validation split")
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    if not list(model.parameters()):
        raise ValueError("model has no trainable parameters")
    opt = optimizer or torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    hist = History(metric_name=getattr(metric, "__name__", "metric") if metric else "loss")
    best_score, best_state, waited = None, None, 0
    start = time.perf_counter()
    bar = tqdm(range(epochs), desc=desc, disable=not progress, leave=False)
    for epoch in bar:
        model.train()
        total, count = 0.0, 0
        for batch in _batches(train_data):
            batch = _to(batch, device)
            opt.zero_grad()
            pred, target = step(model, batch, "train")
            loss = loss_fn(pred, target)
            if not torch.isfinite(loss):
                raise FloatingPointError(f"loss became {loss.item()} at epoch {epoch}; try a smaller lr")
            loss.backward()
            opt.step()
            total += loss.detach().item() * len(target)
            count += len(target)
        hist.train_loss.append(total / max(count, 1))
        postfix = {"loss": f"{hist.train_loss[-1]:.4f}"}
        if val_data is not None:
            vpred, vtarget = predict(model, val_data, step=step, split="val", device=device)  # one pass
            vloss = float(loss_fn(vpred, vtarget))
            hist.val_loss.append(vloss)
            score = vloss
            if metric is not None:
                score = float(metric(vpred, vtarget))
                hist.val_metric.append(score)
                postfix["val"] = f"{score:.4f}"
            else:
                postfix["val_loss"] = f"{vloss:.4f}"
            better = best_score is None or (score > best_score if (metric is not None and higher_is_better) else score < best_score)
            if better:
                best_score, waited, hist.best_epoch = score, 0, epoch
                if patience is not None:  # only early stopping restores them
                    best_state = copy.deepcopy(model.state_dict())
            else:
                waited += 1
                if patience is not None and waited >= patience:
                    hist.stopped_early = True
                    break
        bar.set_postfix(postfix)
    bar.close()
    if best_state is not None and patience is not None:
        model.load_state_dict(best_state)
    hist.seconds = time.perf_counter() - start
    return hist
