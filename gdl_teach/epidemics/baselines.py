"""Baselines of lesson 04 that do not see the contact network: logistic regressions on a person's own row.

Each one sees a snapshot's feature columns person by person (scikit-learn's
``LogisticRegression``), trained on the susceptible people of the training
snapshots: the town-wide rate (columns ``frac_I``, ``frac_R``), and a
person's own features (age, household size, degree) on top.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch_geometric.data import Data


def susceptible_rows(data: Any, columns: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Feature columns and labels of the susceptible people of every snapshot, as NumPy arrays.

    Args:
        data: a dataset or list of snapshot ``Data`` (tensors on any device).
        columns: which columns of ``x`` to keep.

    Returns:
        ``(X, y)``: (M, len(columns)) and (M,), on the CPU.
    """
    if len(data) == 0:
        raise ValueError("data must hold at least one snapshot")
    columns = list(columns)
    width = int(data[0].x.shape[1])
    if not columns or any(isinstance(c, bool) or not isinstance(c, (int, np.integer)) or not 0 <= c < width
                          for c in columns):
        raise ValueError(f"columns must be a non-empty list of column indices in [0, {width - 1}], got {columns}")
    xs, ys = [], []
    for d in data:
        mask = d.mask.cpu()
        xs.append(d.x.cpu()[mask][:, columns])
        ys.append(d.y.cpu()[mask])
    return torch.cat(xs).numpy(), torch.cat(ys).numpy()


class LogisticBaseline:
    """Logistic regression on some feature columns: a model that sees each person alone.

    Args:
        columns: indices into the snapshot features (see ``FEATURE_NAMES``).
        name: label for tables.
    """

    def __init__(self, columns: Sequence[int], name: str) -> None:
        from sklearn.linear_model import LogisticRegression

        self.columns = list(columns)
        self.name = name
        self.model = LogisticRegression(max_iter=2000)

    def fit(self, data: Any) -> LogisticBaseline:
        """Fit on the susceptible people of the snapshots in ``data``.

        Args:
            data: a dataset or list of snapshot ``Data``.
        """
        X, y = susceptible_rows(data, self.columns)
        if len(np.unique(y)) < 2:
            raise ValueError("the training snapshots must contain both infected and not-infected people")
        self.model.fit(X, y)
        return self

    def scores(self, data: Data) -> torch.Tensor:
        """Predicted probability for everyone in one snapshot, (N,) on the CPU, like ``experiments.risk_scores``.

        Args:
            data: one snapshot ``Data`` with ``x`` (N, F), on any device.
        """
        if not isinstance(data, Data):
            raise TypeError(f"data must be one snapshot Data, got {type(data).__name__}")
        return torch.as_tensor(self.model.predict_proba(data.x.detach().cpu()[:, self.columns].numpy())[:, 1])

    def predict(self, data: Any) -> tuple[torch.Tensor, torch.Tensor]:
        """``(prob, y)`` over the susceptible people of ``data``, like ``experiments.predict_risk``.

        Args:
            data: a dataset or list of snapshot ``Data``.
        """
        X, y = susceptible_rows(data, self.columns)
        return torch.as_tensor(self.model.predict_proba(X)[:, 1]), torch.as_tensor(y)


def fit_logistic(train: Any, columns: Sequence[int], name: str) -> LogisticBaseline:
    """Fit a :class:`LogisticBaseline` on ``columns`` of the training snapshots.

    Args:
        train: the training snapshots.
        columns: indices into the snapshot features.
        name: label for tables.
    """
    return LogisticBaseline(columns, name).fit(train)
