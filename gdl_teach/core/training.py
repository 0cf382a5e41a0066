"""The training loop, in small pieces a lesson can show one at a time.

One loop serves every lesson: full-batch node tasks (a single PyG ``Data`` with
``train_mask``/``val_mask``), mini-batches from a list or a ``DataLoader``
(graphs, point clouds, molecules), CPU or GPU. What differs between tasks is
only the *step*: how a batch becomes ``(prediction, target)``.

* :func:`train_epoch` - one pass over the training batches;
* :func:`predict` and :func:`evaluate` - predictions of a split, and a metric on them;
* :class:`EarlyStopping` - remembers the best weights and says when to stop;
* :func:`fit` - the loop that puts them together, with a progress bar and a :class:`History`.

Batches are copied to the device, never moved in place: the learner's graph
stays where it was.
"""
from __future__ import annotations

import copy
import math
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from tqdm.auto import tqdm

from gdl_teach.core.batches import ShuffledBatches
from gdl_teach.core.device import get_device
from gdl_teach.core.validate import check_float, check_int

__all__ = ["History", "EarlyStopping", "ShuffledBatches", "default_step", "feature_step", "graph_step", "train_epoch",
           "predict", "evaluate", "fit", "to_device", "check_prediction"]

Step = Callable[[nn.Module, Any, str], tuple[torch.Tensor, torch.Tensor]]
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Metric = Callable[[torch.Tensor, torch.Tensor], float]
EXPLOSION_FACTOR = 1e4  # a training loss this many times its first value means the run diverges


def default_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """``pred = model(batch)``; target ``batch.y``; both restricted to ``batch.<split>_mask`` if present.

    Args:
        model: maps a batch to predictions, (N, C) or (N,) or (B, ...).
        batch: a PyG ``Data``/``Batch`` (or anything with ``.y``).
        split: ``"train"``, ``"val"`` or ``"test"``.
    """
    pred, target = model(batch), batch.y
    mask = getattr(batch, f"{split}_mask", None)
    return (pred[mask], target[mask]) if mask is not None else (pred, target)


def feature_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Like :func:`default_step`, but the model sees only the features: ``pred = model(batch.x)``.

    The step of Euclidean baselines such as :class:`gdl_teach.nn.mlp.MLP`,
    which ignore the edges. ``x``: (N, F) -> pred: (N, C).
    """
    pred, target = model(batch.x), batch.y
    mask = getattr(batch, f"{split}_mask", None)
    return (pred[mask], target[mask]) if mask is not None else (pred, target)


def graph_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The step of graph-level tasks: ``pred = model(x, edge_index, batch)`` (B, C), target ``y`` (B,).

    Args:
        model: called as ``model(batch.x, batch.edge_index, batch.batch)``; one row per graph.
        batch: a PyG ``Batch`` of graphs with one label each.
        split: unused (a loader of graphs already holds one split).
    """
    return model(batch.x, batch.edge_index, batch.batch), batch.y.view(-1)


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
        last = ""
        if self.val_loss:
            value = self.val_metric[-1] if self.val_metric else self.val_loss[-1]
            last = f", last val {self.metric_name or 'loss'} {value:.4f}"
        return f"History({self.epochs} epochs in {self.seconds:.1f}s{best}{last})"


def batches_of(data: Any, name: str = "data") -> Iterable[Any]:
    """The batches in ``data``: a list/tuple or loader as it is, a single ``Data`` as one full batch.

    Raises:
        ValueError: naming ``name`` when ``data`` holds no batch at all.
    """
    if isinstance(data, (list, tuple)) or (hasattr(data, "__iter__") and not hasattr(data, "edge_index")
                                            and not hasattr(data, "x") and not isinstance(data, torch.Tensor)):
        if hasattr(data, "__len__") and len(data) == 0:
            raise ValueError(f"{name} holds no batch (an empty list or loader): there is nothing to train on")
        return data
    return [data]


def to_device(batch: Any, device: torch.device) -> Any:
    """``batch`` on ``device``: a copy when it has to move, never the caller's object moved in place.

    Tensors, lists/tuples of them and PyG ``Data``/``Batch`` objects are handled;
    anything else is returned as it is (a step that takes such batches moves
    what it needs itself, or the batches are built on the device up front).
    """
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(b, device) for b in batch)
    if hasattr(batch, "to") and hasattr(batch, "clone"):  # a PyG Data/Batch: .to() would move it in place
        tensors = [v for v in batch.to_dict().values() if isinstance(v, torch.Tensor)] if hasattr(batch, "to_dict") \
            else []
        if all(t.device == device for t in tensors):
            return batch
        return batch.clone().to(device)
    return batch


def check_prediction(pred: torch.Tensor, target: torch.Tensor) -> None:
    """Refuse a prediction and target a loss would silently broadcast (e.g. (N,) against (N, 1)).

    Allowed: equal shapes, or class scores ``(N, C, ...)`` against integer labels ``(N, ...)``.
    """
    if not isinstance(pred, torch.Tensor) or not isinstance(target, torch.Tensor):
        raise TypeError(f"the step must return two tensors (pred, target), got {type(pred).__name__} and "
                        f"{type(target).__name__}")
    if pred.shape == target.shape:
        return
    labels = not (target.is_floating_point() or target.is_complex())
    if labels and pred.dim() == target.dim() + 1 and pred.shape[0] == target.shape[0] \
            and pred.shape[2:] == target.shape[1:]:
        return
    raise ValueError(f"the step returned pred of shape {tuple(pred.shape)} and target of shape "
                     f"{tuple(target.shape)}; a loss would broadcast them into a wrong result. Make them match, "
                     "e.g. pred.squeeze(-1) or target.view(-1, 1)")


def train_epoch(model: nn.Module, batches: Iterable[Any], optimizer: torch.optim.Optimizer, loss_fn: LossFn,
                step: Step = default_step, device: torch.device | str = "cpu") -> float:
    """One pass over ``batches``: forward, loss, backward, optimizer step. Returns the mean loss per example."""
    model.train()
    total, count = 0.0, 0
    for batch in batches:
        pred, target = step(model, to_device(batch, torch.device(device)), "train")
        check_prediction(pred, target)
        if len(target) == 0:  # e.g. a mini-batch without any training node
            continue
        loss = loss_fn(pred, target)
        if not torch.isfinite(loss):
            raise FloatingPointError(f"the loss became {loss.item()}; try a smaller lr")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.detach().item() * len(target)
        count += len(target)
    if count == 0:
        raise ValueError("the training data gave no example: every batch (or mask) was empty")
    return total / count


def predict(model: nn.Module, data: Any, *, step: Step = default_step, split: str = "test",
            device: torch.device | str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Predictions and targets of all batches of ``data``, concatenated, on the CPU.

    Args:
        model: the model (put in eval mode).
        data: a PyG ``Data`` (full batch), a list of batches or a ``DataLoader``.
        step: how a batch becomes ``(pred, target)``.
        split: passed to ``step``.
        device: where the batches are sent; default: where the model's parameters are.
    """
    device = torch.device(device) if device is not None else _model_device(model)
    model.eval()
    preds, targets = [], []
    with torch.no_grad():
        for batch in batches_of(data):
            pred, target = step(model, to_device(batch, device), split)
            preds.append(pred.detach().cpu())
            targets.append(target.detach().cpu())
    if not preds:
        raise ValueError("data must contain at least one batch")
    return torch.cat(preds), torch.cat(targets)


def evaluate(model: nn.Module, data: Any, metric: Metric | None = None, *, loss_fn: LossFn | None = None,
             step: Step = default_step, split: str = "test", device: torch.device | str | None = None) -> float:
    """The metric over all batches of ``data`` (or the loss when no metric is given).

    Predictions of all batches are concatenated first, so metrics such as RMSE
    or ROC-AUC are computed over the whole split.
    """
    if metric is None and loss_fn is None:
        raise ValueError("give metric or loss_fn: evaluate needs something to compute")
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    pred, target = predict(model, data, step=step, split=split, device=device)
    return float(metric(pred, target)) if metric is not None else float(loss_fn(pred, target))  # type: ignore[misc]


class EarlyStopping:
    """Remember the best validation score and its weights; say when ``patience`` epochs brought nothing better.

    Args:
        patience: epochs without improvement before stopping (``None``: never stop, only track the best epoch).
        higher_is_better: direction of the score (True for accuracy, False for a loss).
    """

    def __init__(self, patience: int | None, higher_is_better: bool = False) -> None:
        self.patience = None if patience is None else check_int("patience", patience, min_value=1)
        self.higher_is_better = higher_is_better
        self.best_score: float | None = None
        self.best_epoch, self.waited = -1, 0
        self.best_state: dict[str, Any] | None = None

    def update(self, score: float, epoch: int, model: nn.Module) -> bool:
        """Record ``score`` of ``epoch``; return True when training should stop."""
        better = self.best_score is None or (score > self.best_score if self.higher_is_better
                                             else score < self.best_score)
        if better:
            self.best_score, self.best_epoch, self.waited = score, epoch, 0
            if self.patience is not None:  # only early stopping restores weights
                self.best_state = copy.deepcopy(model.state_dict())
            return False
        self.waited += 1
        return self.patience is not None and self.waited >= self.patience

    def restore(self, model: nn.Module) -> None:
        """Load the best weights back into ``model`` (when early stopping kept them)."""
        if self.best_state is not None:
            model.load_state_dict(self.best_state)


def _model_device(model: nn.Module) -> torch.device:
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


def _warn_if_exploding(history: History, lr: float) -> bool:
    first, last = history.train_loss[0], history.train_loss[-1]
    if first > 0 and last > EXPLOSION_FACTOR * first:
        warnings.warn(f"the training loss grew from {first:.3g} (epoch 0) to {last:.3g} (epoch "
                      f"{history.epochs - 1}): training diverges; try a smaller learning rate than lr={lr:g}",
                      RuntimeWarning, stacklevel=3)
        return True
    return False


def _check_fit_arguments(model: Any, loss_fn: Any, epochs: int, lr: float, weight_decay: float,
                         val_data: Any, patience: int | None, metric: Any) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, e.g. torch.nn.functional.mse_loss, got {type(loss_fn).__name__}")
    check_int("epochs", epochs, min_value=1)
    check_float("lr", lr, min_value=0.0, strict_min=True)
    check_float("weight_decay", weight_decay, min_value=0.0)
    if patience is not None and val_data is None:
        raise ValueError("patience needs val_data: early stopping watches the validation score")
    if metric is not None and val_data is None:
        raise ValueError("metric needs val_data: it is computed on the validation split")
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError("model has no trainable parameters")


def fit(model: nn.Module, train_data: Any, val_data: Any | None = None, *, loss_fn: LossFn, epochs: int = 100,
        lr: float = 1e-2, weight_decay: float = 0.0, optimizer: torch.optim.Optimizer | None = None,
        step: Step = default_step, metric: Metric | None = None, higher_is_better: bool = False,
        patience: int | None = None, device: torch.device | str | None = None, progress: bool = True,
        desc: str = "training") -> History:
    """Train ``model`` for up to ``epochs`` passes over ``train_data`` and return its :class:`History`.

    Each epoch is :func:`train_epoch`, then (with ``val_data``) one :func:`predict`
    pass scored by ``metric`` (or the loss) and an :class:`EarlyStopping` update;
    with ``patience`` set, training stops after ``patience`` epochs without
    improvement and the best weights are restored. A loss that grows by a
    factor of 10^4 gives one warning; a non-finite loss stops with an error.

    Args:
        model: the model to train (moved to ``device``).
        train_data: a PyG ``Data`` (full batch, e.g. with ``train_mask``), a list of batches or a ``DataLoader``.
        val_data: same kinds; may be the same ``Data`` as ``train_data`` when masks select the splits.
        loss_fn: ``loss_fn(pred, target) -> scalar tensor``.
        epochs: maximum number of passes over ``train_data``.
        lr, weight_decay: of the default Adam optimizer.
        optimizer: use this optimizer instead of Adam.
        step: how a batch becomes ``(pred, target)``; see :func:`default_step`.
        metric: validation metric ``metric(pred, target) -> float``; ``higher_is_better`` gives its direction.
        patience: epochs without improvement before stopping.
        device: where to train; default :func:`gdl_teach.get_device`.
        progress, desc: show a tqdm progress bar with this label.
    """
    _check_fit_arguments(model, loss_fn, epochs, lr, weight_decay, val_data, patience, metric)
    device = torch.device(device) if device is not None else get_device()
    train_batches = batches_of(train_data, "train_data")
    model.to(device)
    opt = optimizer or torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    hist = History(metric_name=getattr(metric, "__name__", "metric") if metric else "loss")
    stopper = EarlyStopping(patience, higher_is_better=metric is not None and higher_is_better)
    start, warned = time.perf_counter(), False
    bar = tqdm(range(epochs), desc=desc, disable=not progress, leave=False)
    for epoch in bar:
        try:
            hist.train_loss.append(train_epoch(model, train_batches, opt, loss_fn, step, device))
        except FloatingPointError as err:
            raise FloatingPointError(f"{err} (epoch {epoch})") from None
        warned = warned or _warn_if_exploding(hist, lr)
        postfix = {"loss": f"{hist.train_loss[-1]:.4f}"}
        if val_data is not None:
            vpred, vtarget = predict(model, val_data, step=step, split="val", device=device)
            hist.val_loss.append(float(loss_fn(vpred, vtarget)))
            score = hist.val_loss[-1] if metric is None else float(metric(vpred, vtarget))
            if metric is not None:
                hist.val_metric.append(score)
            postfix["val"] = f"{score:.4f}" if not math.isnan(score) else "nan"
            stop = stopper.update(score, epoch, model)
            hist.best_epoch = stopper.best_epoch
            if stop:
                hist.stopped_early = True
                break
        bar.set_postfix(postfix)
    bar.close()
    stopper.restore(model)
    hist.seconds = time.perf_counter() - start
    return hist
