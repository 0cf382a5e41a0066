"""Train/validation/test splits: the one place where the kit splits data.

Three ways to split, each seeded so a lesson repeats its numbers:

* :func:`random_split` - items at random (molecules, graphs, poses);
* :func:`group_split` - whole groups at random, so that related items never
  straddle two splits (all snapshots of one simulated outbreak, all frames of
  one motion clip);
* :func:`stratified_folds` - stratified k-fold cross-validation, each fold with a stratified
  validation part (graph classification);
* :func:`per_class_masks` - node masks for a node-classification graph with
  a fixed number of labelled nodes per class (Planetoid-style).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from gdl_teach.core.validate import check_float, check_int

__all__ = ["random_split", "group_split", "stratified_folds", "per_class_masks"]

Fold = tuple[np.ndarray, np.ndarray, np.ndarray]  # (train, val, test) item indices


def _check_fractions(fractions: Sequence[float]) -> tuple[float, float, float]:
    try:
        fr = tuple(float(f) for f in fractions)
    except (TypeError, ValueError):
        raise TypeError(f"fractions must be three numbers (train, val, test), got {fractions!r}") from None
    if len(fr) != 3 or any(f < 0 for f in fr) or fr[0] <= 0 or abs(sum(fr) - 1) > 1e-6:
        raise ValueError(f"fractions must be three shares (train > 0, val >= 0, test >= 0) summing to 1, "
                         f"got {fractions!r}")
    return fr  # type: ignore[return-value]


def random_split(num_items: int, fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A seeded random split of ``range(num_items)`` into train, validation and test indices.

    Args:
        num_items: how many items N.
        fractions: shares of train, validation and test, summing to 1.
        seed: seed of the permutation.

    Returns:
        ``(train_idx, val_idx, test_idx)``: long tensors; the sizes are
        ``round(fractions[0] * N)``, ``round(fractions[1] * N)`` and the rest
        (a split whose share is 0 stays empty; the rounding remainder goes to the others).
    """
    num_items = check_int("num_items", num_items, min_value=1)
    fr = _check_fractions(fractions)
    seed = check_int("seed", seed, min_value=0)
    perm = torch.randperm(num_items, generator=torch.Generator().manual_seed(seed))
    n_train, n_val = int(round(fr[0] * num_items)), int(round(fr[1] * num_items))
    n_train = max(1, min(n_train, num_items))
    n_val = min(n_val, num_items - n_train)
    if fr[2] == 0:  # no test share: rounding must not leave a stray item in test
        n_val = num_items - n_train if fr[1] > 0 else 0
        n_train = num_items - n_val
    return perm[:n_train], perm[n_train:n_train + n_val], perm[n_train + n_val:]


def group_split(groups: Any, fractions: Sequence[float] = (0.6, 0.2, 0.2), seed: int = 0
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Split items so that all items of a group land in the same split.

    The distinct groups are split with :func:`random_split` (each of the three
    splits gets at least one group when there are three or more), then every
    item follows its group.

    Args:
        groups: (N,) group id of each item (tensor, array or list of ints).
        fractions: shares of *groups* for train, validation and test.
        seed: seed of the shuffle of groups.

    Returns:
        ``(train_idx, val_idx, test_idx)``: long tensors of item indices, sorted.
    """
    g = np.asarray(groups.detach().cpu() if isinstance(groups, torch.Tensor) else groups)
    if g.ndim != 1 or g.size == 0 or not np.issubdtype(g.dtype, np.integer):
        raise ValueError(f"groups must be a non-empty 1-D sequence of integer group ids, got shape {g.shape} "
                         f"and dtype {g.dtype}")
    fr = _check_fractions(fractions)
    names = np.unique(g)
    if names.size < 3:
        raise ValueError(f"groups must hold at least 3 distinct groups to split them three ways, got {names.size}")
    tr, va, te = random_split(int(names.size), fr, seed)
    if va.numel() == 0 and fr[1] > 0 or te.numel() == 0 and fr[2] > 0:  # keep every requested split non-empty
        perm = torch.cat([tr, va, te])
        n_test = max(1 if fr[2] > 0 else 0, te.numel())
        n_val = max(1 if fr[1] > 0 else 0, va.numel())
        n_train = names.size - n_val - n_test
        tr, va, te = perm[:n_train], perm[n_train:n_train + n_val], perm[n_train + n_val:]

    def members(idx: torch.Tensor) -> torch.Tensor:
        return torch.as_tensor(np.flatnonzero(np.isin(g, names[idx.numpy()])), dtype=torch.long)

    return members(tr), members(va), members(te)


def per_class_masks(y: torch.Tensor, train_per_class: int, num_val: int, seed: int | torch.Generator = 0
                    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Planetoid-style node masks: ``train_per_class`` labelled nodes per class, ``num_val`` for validation, the rest test.

    Args:
        y: (N,) integer class of each node.
        train_per_class: labelled nodes drawn from each class.
        num_val: validation nodes drawn from the rest.
        seed: an int seed, or a ``torch.Generator`` to continue drawing from.

    Returns:
        ``(train_mask, val_mask, test_mask)``: (N,) bool tensors that partition the nodes.
    """
    generator = seed if isinstance(seed, torch.Generator) else torch.Generator().manual_seed(
        check_int("seed", seed, min_value=0))
    train_per_class = check_int("train_per_class", train_per_class, min_value=1)
    num_val = check_int("num_val", num_val, min_value=0)
    n = y.shape[0]
    train = torch.zeros(n, dtype=torch.bool)
    for c in torch.unique(y).tolist():
        members = (y == c).nonzero().view(-1)
        if members.numel() <= train_per_class:
            raise ValueError(f"train_per_class={train_per_class} leaves no test node of class {c} "
                             f"({members.numel()} members)")
        pick = members[torch.randperm(members.numel(), generator=generator)[:train_per_class]]
        train[pick] = True
    rest = (~train).nonzero().view(-1)
    rest = rest[torch.randperm(rest.numel(), generator=generator)]
    if num_val >= rest.numel():
        raise ValueError(f"num_val={num_val} leaves no test nodes ({rest.numel()} nodes are not in training)")
    val = torch.zeros(n, dtype=torch.bool)
    val[rest[:num_val]] = True
    test = ~(train | val)
    return train, val, test


def stratified_folds(labels: Any, num_folds: int = 5, val_fraction: float = 0.25, seed: int = 0) -> list[Fold]:
    """Stratified k-fold cross-validation with a stratified validation part inside every fold.

    Every item is a test item in exactly one fold; in each fold
    ``val_fraction`` of the remaining items (stratified again) is held out for
    choosing a recipe. scikit-learn's ``StratifiedKFold`` and
    ``train_test_split(stratify=...)`` do the work.

    Args:
        labels: (G,) class of every item (tensor, array or list).
        num_folds: k.
        val_fraction: share of each fold's non-test items used for validation.
        seed: seed of both shuffles.

    Returns:
        ``[(train_idx, val_idx, test_idx), ...]``, one triple of sorted index arrays per fold.
    """
    from sklearn.model_selection import StratifiedKFold, train_test_split

    y = np.asarray(labels.cpu() if isinstance(labels, torch.Tensor) else labels)
    num_folds = check_int("num_folds", num_folds, min_value=2)
    val_fraction = check_float("val_fraction", val_fraction, min_value=0.0, max_value=0.9, strict_min=True)
    seed = check_int("seed", seed, min_value=0)
    if y.ndim != 1 or np.bincount(y).min(initial=len(y)) < num_folds:
        raise ValueError(f"labels must be (G,) class ids with at least num_folds={num_folds} items per class")
    num_classes, rest_size = len(np.unique(y)), len(y) - len(y) // num_folds
    if int(val_fraction * rest_size) < num_classes:
        raise ValueError(f"val_fraction={val_fraction} leaves fewer validation items ({int(val_fraction * rest_size)}) "
                         f"than classes ({num_classes}); use more items or a larger val_fraction")
    folds = []
    for rest, test in StratifiedKFold(num_folds, shuffle=True, random_state=seed).split(y, y):
        train, val = train_test_split(rest, test_size=val_fraction, stratify=y[rest], random_state=seed)
        folds.append((np.sort(train), np.sort(val), np.sort(test)))
    return folds
