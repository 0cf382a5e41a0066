"""The lesson's comparisons: every model trained live, at an equal budget, over several seeds.

Budget: every run takes the same number of optimiser steps on batches of the
same size (:class:`gdl_teach.equivariance.settings.Setting`), with Adam; the
digit networks also have about the same number of parameters. Each seed draws
its own training set from the pool (nested across sizes: the 200 digits of
seed 0 contain its 50) and its own initial weights and batch order.

Measured per run: accuracy or MSE on the held-out data as it is and turned,
the *equivariance error* (how far a model is from the symmetry: for digits the
change of the class probabilities when a digit turns, for particles the
distance between ``f(R x)`` and ``R f(x)``), and the CPU seconds of training.
:func:`summarise` and :func:`paired_test` turn runs into the lesson's tables.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pandas as pd
import torch
import torch.nn.functional as F
from scipy import stats
from torch import nn

from gdl_teach.core.seed import seed_everything
from gdl_teach.core.training import feature_step, fit
from gdl_teach.core.validate import check_choice, check_int
from gdl_teach.equivariance import models
from gdl_teach.equivariance.digits import DigitBatches, DigitSplit
from gdl_teach.equivariance.groups import all_rotations, random_orthogonals
from gdl_teach.equivariance.nbody import NBodyBatches, NBodySystems, system_batch
from gdl_teach.equivariance.settings import Setting

__all__ = ["DIGIT_MODELS", "NBODY_MODELS", "LEARNING_RATES", "train_indices", "train_digit_model", "evaluate_digits",
           "train_nbody_model", "evaluate_nbody", "run_digits", "run_nbody", "split_systems", "per_class_accuracy",
           "summarise", "paired_test"]

DIGIT_MODELS = ("CNN", "CNN + rotation augmentation", "p4 CNN")
NBODY_MODELS = ("linear dynamics", "GNN", "GNN + rotation augmentation", "radial field", "EGNN")
#: Adam's learning rate per model, picked from {1e-3, 3e-3, 1e-2, 3e-2} (3e-4 too for the radial field) by the
#: mean over 3 seeds of the validation score at the CPU budget: rotated accuracy on 400 pool digits held out of
#: training, MSE on 300 systems simulated with another seed (never the test sets).
#: :func:`gdl_teach.equivariance.tuning.validation_scores` reruns the search.
LEARNING_RATES = {"CNN": 1e-2, "CNN + rotation augmentation": 1e-2, "p4 CNN": 1e-2, "linear dynamics": 3e-3,
                  "GNN": 1e-2, "GNN + rotation augmentation": 1e-2, "radial field": 1e-3, "EGNN": 1e-2}
_EPOCHS = 10  # fit() passes per run; each pass is steps / 10 batches


def train_indices(pool: torch.Tensor, num_train: int, seed: int) -> torch.Tensor:
    """A seeded training set of ``num_train`` items from ``pool``; for one seed, smaller sets nest in bigger ones."""
    num_train = check_int("num_train", num_train, min_value=1, max_value=len(pool))
    order = torch.randperm(len(pool), generator=torch.Generator().manual_seed(10_000 + seed))
    return pool[order[:num_train]]


def _adam(model: nn.Module, lr: float) -> torch.optim.Optimizer:
    fused = all(p.device.type in ("cpu", "cuda") for p in model.parameters())  # one kernel: 5x faster on a CPU
    return torch.optim.Adam(model.parameters(), lr=lr, fused=fused or None)


def _train(model: nn.Module, batches: Any, name: str, step: Any = None) -> float:
    """Train ``model`` for the setting's steps with :func:`gdl_teach.core.training.fit`; returns CPU seconds."""
    start = time.process_time()
    fit(model, batches, loss_fn=F.cross_entropy if name in DIGIT_MODELS else F.mse_loss, epochs=_EPOCHS,
        optimizer=_adam(model, LEARNING_RATES[name]), progress=False, **({"step": step} if step else {}))
    return time.process_time() - start


def train_digit_model(name: str, split: DigitSplit, num_train: int, seed: int, setting: Setting
                      ) -> tuple[nn.Module, float]:
    """Train one digit model on ``num_train`` upright digits; returns ``(model, CPU seconds)``."""
    check_choice("name", name, DIGIT_MODELS)
    seed_everything(seed)
    model = models.P4DigitCNN(setting.p4_channels) if name == "p4 CNN" else models.DigitCNN(setting.cnn_channels)
    batches = DigitBatches(split.images, split.labels, train_indices(split.pool, num_train, seed),
                           setting.digit_batch_size, setting.digit_steps // _EPOCHS,
                           augment=name == "CNN + rotation augmentation", seed=seed)
    return model, _train(model, batches, name, step=feature_step)


def evaluate_digits(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    """Accuracy upright and over all four turns, and how much the predictions change when a digit turns.

    Returns:
        ``accuracy``, ``rotated accuracy`` (every digit in its 4 orientations), ``consistent`` (share of digits
        given the same class in all 4 orientations) and ``equivariance error`` (mean over digits of the
        largest total-variation distance between the class probabilities of the digit and a turned copy; 0 for
        an invariant model, at most 1).
    """
    device = next(model.parameters()).device
    model.eval()
    turned, turned_labels, _ = all_rotations(images, labels)
    with torch.no_grad():
        prob = torch.softmax(model(turned.to(device)), dim=-1).cpu().view(4, len(labels), -1)  # (4, B, 10)
    pred = prob.argmax(-1)  # (4, B)
    change = 0.5 * (prob - prob[:1]).abs().sum(-1).amax(0)  # (B,)
    return {"accuracy": float((pred[0] == labels).float().mean()),
            "rotated accuracy": float((pred == turned_labels.view(4, -1)).float().mean()),
            "consistent": float((pred == pred[:1]).all(0).float().mean()),
            "equivariance error": float(change.mean())}


def _make_nbody_model(name: str, setting: Setting) -> nn.Module:
    width, depth = setting.hidden_channels, setting.num_layers
    if name == "linear dynamics":
        return models.LinearDynamics()
    if name == "radial field":
        return models.ParticleRadialField(width, depth)
    if name == "EGNN":
        return models.ParticleEGNN(width, depth)
    return models.CoordinateGNN(width, depth)


def train_nbody_model(name: str, systems: NBodySystems, indices: torch.Tensor, seed: int, setting: Setting
                      ) -> tuple[nn.Module, float]:
    """Train one N-body model on the systems ``indices``; returns ``(model, CPU seconds)``."""
    check_choice("name", name, NBODY_MODELS)
    seed_everything(seed)
    model = _make_nbody_model(name, setting)
    batches = NBodyBatches(systems, indices, setting.nbody_batch_size, setting.nbody_steps // _EPOCHS,
                           augment=name == "GNN + rotation augmentation", seed=seed)
    return model, _train(model, batches, name)


def evaluate_nbody(model: nn.Module, systems: NBodySystems, indices: torch.Tensor, seed: int = 1234
                   ) -> dict[str, float]:
    """MSE of the predicted positions on systems as they are and turned, and the equivariance error.

    Returns:
        ``MSE`` (per coordinate, as in the EGNN paper), ``RMS error`` (root mean square distance between
        predicted and true positions, ``sqrt(3 MSE)``), ``rotated MSE`` (every system turned by its own
        Haar-random rotation, the same ones for every model) and ``equivariance error`` (root mean square
        distance between ``f(R x)`` and ``R f(x)``, in the units of ``RMS error``).
    """
    device = next(model.parameters()).device
    rotations = random_orthogonals(len(indices), 3, torch.Generator().manual_seed(seed))
    plain, turned = system_batch(systems, indices), system_batch(systems, indices, rotations)
    model.eval()
    with torch.no_grad():
        pred = model(plain.to(device)).cpu()
        pred_turned = model(turned.to(device)).cpu()
    num_particles = systems.pos.shape[1]
    expected = (pred.view(len(indices), num_particles, 3) @ rotations.float().transpose(1, 2)).view(-1, 3)
    mse = float(F.mse_loss(pred, plain.y))
    return {"MSE": mse, "RMS error": (3 * mse) ** 0.5, "rotated MSE": float(F.mse_loss(pred_turned, turned.y)),
            "equivariance error": float((pred_turned - expected).pow(2).sum(-1).mean().sqrt())}


def run_digits(split: DigitSplit, setting: Setting, train_sizes: Sequence[int], seeds: Sequence[int],
               names: Sequence[str] = DIGIT_MODELS) -> tuple[pd.DataFrame, dict[str, nn.Module]]:
    """Train and evaluate every digit model for every training size and seed.

    Returns:
        ``(runs, models)``: one row per run, and the trained models of the first size and seed by name.
    """
    test_images, test_labels = split.images[split.test], split.labels[split.test]
    rows, kept = [], {}
    for num_train in train_sizes:
        for seed in seeds:
            for name in names:
                model, seconds = train_digit_model(name, split, num_train, seed, setting)
                if num_train == train_sizes[0] and seed == seeds[0]:
                    kept[name] = model
                rows.append({"model": name, "train size": num_train, "seed": seed, "parameters":
                             models.count_parameters(model), **evaluate_digits(model, test_images, test_labels),
                             "train CPU s": seconds})
    return pd.DataFrame(rows), kept


def run_nbody(systems: NBodySystems, setting: Setting, train_sizes: Sequence[int], seeds: Sequence[int],
              names: Sequence[str] = NBODY_MODELS) -> tuple[pd.DataFrame, dict[str, nn.Module]]:
    """Train and evaluate every N-body model for every training size and seed.

    The last ``setting.num_test_systems`` systems are the test set; training sets come from the others.

    Returns:
        ``(runs, models)``: one row per run, and the trained models of the first size and seed by name.
    """
    pool, test = split_systems(systems, setting)
    rows, kept = [], {}
    for num_train in train_sizes:
        for seed in seeds:
            for name in names:
                model, seconds = train_nbody_model(name, systems, train_indices(pool, num_train, seed), seed, setting)
                if num_train == train_sizes[0] and seed == seeds[0]:
                    kept[name] = model
                rows.append({"model": name, "train size": num_train, "seed": seed, "parameters":
                             models.count_parameters(model), **evaluate_nbody(model, systems, test),
                             "train CPU s": seconds})
    return pd.DataFrame(rows), kept


def split_systems(systems: NBodySystems, setting: Setting) -> tuple[torch.Tensor, torch.Tensor]:
    """``(pool, test)`` indices: the last ``setting.num_test_systems`` systems are the test set."""
    num_test = check_int("setting.num_test_systems", setting.num_test_systems, min_value=1, max_value=len(systems) - 1)
    return torch.arange(len(systems) - num_test), torch.arange(len(systems) - num_test, len(systems))


def per_class_accuracy(digit_models: dict[str, nn.Module], images: torch.Tensor, labels: torch.Tensor
                       ) -> pd.DataFrame:
    """Accuracy per digit class over all four orientations of ``images``, one column per model."""
    turned, turned_labels, _ = all_rotations(images, labels)
    table = {}
    for name, model in digit_models.items():
        model.eval()
        with torch.no_grad():
            pred = model(turned.to(next(model.parameters()).device)).argmax(-1).cpu()
        table[name] = [float((pred[turned_labels == c] == c).float().mean()) for c in range(models.NUM_CLASSES)]
    return pd.DataFrame(table, index=pd.Index(range(models.NUM_CLASSES), name="digit"))


def summarise(runs: pd.DataFrame, columns: Sequence[str], digits: int = 3) -> pd.DataFrame:
    """Mean ± std over seeds of ``columns``, one row per model (and training size when there are several)."""
    keys = ["model"] + (["train size"] if runs["train size"].nunique() > 1 else [])
    grouped = runs.groupby(keys, sort=False)
    mean, std = grouped[list(columns)].mean(), grouped[list(columns)].std(ddof=1)
    out = pd.DataFrame({c: [f"{m:.{digits}f} ± {s:.{digits}f}" for m, s in zip(mean[c], std[c])] for c in columns},
                       index=mean.index)
    out["seeds"] = grouped["seed"].nunique()
    order = {name: i for i, name in enumerate(dict.fromkeys(runs["model"]))}  # models in the order they ran
    rank = [(order[k[0]], k[1]) if isinstance(k, tuple) else (order[k], 0) for k in out.index]
    return out.iloc[sorted(range(len(out)), key=rank.__getitem__)]


def paired_test(runs: pd.DataFrame, column: str, model: str, baseline: str) -> dict[str, float]:
    """Paired t-test over seeds of ``model`` against ``baseline`` on ``column`` (same training sets per seed).

    Returns:
        ``mean difference`` (model minus baseline), ``wins`` (seeds where the model is better, i.e. higher for
        accuracies, lower for errors), ``seeds`` and the two-sided ``p`` value.
    """
    a = runs[runs["model"] == model].set_index(["train size", "seed"])[column]
    b = runs[runs["model"] == baseline].set_index(["train size", "seed"])[column]
    a, b = a.align(b, join="inner")
    if len(a) < 2:
        raise ValueError(f"paired_test needs at least two common seeds of {model!r} and {baseline!r}")
    higher = "accuracy" in column or column == "consistent"
    diff = a - b
    return {"mean difference": float(diff.mean()), "wins": int((diff > 0).sum() if higher else (diff < 0).sum()),
            "seeds": len(a), "p": float(stats.ttest_rel(a, b).pvalue)}
