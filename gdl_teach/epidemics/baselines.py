"""Logistic-regression baselines of lesson 04: blind to the network, or handed contact counts.

Each one is scikit-learn's ``LogisticRegression`` (after ``StandardScaler``)
on rows of susceptible people, trained on the susceptible people of the
training snapshots:

- blind: the town-wide rate (columns ``frac_I``, ``frac_R``), or a person's
  own features (age, household size, degree) on top: they do not know where
  the infectious people are;
- given the network by hand (``contact_hops=1`` or ``2``): the same columns
  plus the infectious-contact counts of :func:`gdl_teach.epidemics.contacts.contact_features`,
  what a practitioner with the contact network would compute.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch_geometric.data import Data

from gdl_teach.core.device import cpu_threads
from gdl_teach.core.validate import check_int
from gdl_teach.epidemics.contacts import contact_features


def susceptible_rows(data: Any, columns: Sequence[int], contact_hops: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Feature columns (and contact counts) and labels of the susceptible people of every snapshot, as NumPy arrays.

    Args:
        data: a dataset or list of snapshot ``Data`` (tensors on any device).
        columns: which columns of ``x`` to keep.
        contact_hops: 0 (none), 1 or 2: append that many hops of contact counts (2 columns per hop).

    Returns:
        ``(X, y)``: (M, len(columns) + 2 * contact_hops) and (M,), on the CPU.
    """
    if len(data) == 0:
        raise ValueError("data must hold at least one snapshot")
    columns = list(columns)
    width = int(data[0].x.shape[1])
    if not columns or any(isinstance(c, bool) or not isinstance(c, (int, np.integer)) or not 0 <= c < width
                          for c in columns):
        raise ValueError(f"columns must be a non-empty list of column indices in [0, {width - 1}], got {columns}")
    contact_hops = check_int("contact_hops", contact_hops, min_value=0, max_value=2)
    xs, ys = [], []
    for d in data:
        mask = d.mask.cpu()
        x = d.x.cpu()[:, columns]
        if contact_hops:
            x = torch.cat([x, contact_features(d, contact_hops)], dim=1)
        xs.append(x[mask])
        ys.append(d.y.cpu()[mask])
    return torch.cat(xs).numpy(), torch.cat(ys).numpy()


class LogisticBaseline:
    """Logistic regression on some feature columns, optionally with contact counts: one row per person.

    Args:
        columns: indices into the snapshot features (see ``FEATURE_NAMES``).
        name: label for tables.
        contact_hops: 0 (blind to the network), 1 or 2 hops of infectious-contact counts appended.
    """

    def __init__(self, columns: Sequence[int], name: str, contact_hops: int = 0) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self.columns = list(columns)
        self.name = name
        self.contact_hops = check_int("contact_hops", contact_hops, min_value=0, max_value=2)
        self.model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))

    def fit(self, data: Any) -> LogisticBaseline:
        """Fit on the susceptible people of the snapshots in ``data`` (on one CPU thread: faster at this size).

        Args:
            data: a dataset or list of snapshot ``Data``.
        """

        X, y = susceptible_rows(data, self.columns, self.contact_hops)
        if len(np.unique(y)) < 2:
            raise ValueError("the training snapshots must contain both infected and not-infected people")
        with cpu_threads(1):
            self.model.fit(X, y)
        return self

    def _proba(self, X: np.ndarray) -> torch.Tensor:
        with cpu_threads(1):
            return torch.as_tensor(self.model.predict_proba(X)[:, 1])

    def scores(self, data: Data) -> torch.Tensor:
        """Predicted probability for everyone in one snapshot, (N,) on the CPU, like ``experiments.risk_scores``.

        Args:
            data: one snapshot ``Data`` with ``x`` (N, F), on any device.
        """
        if not isinstance(data, Data):
            raise TypeError(f"data must be one snapshot Data, got {type(data).__name__}")
        x = data.x.detach().cpu()[:, self.columns]
        if self.contact_hops:
            x = torch.cat([x, contact_features(data, self.contact_hops)], dim=1)
        return self._proba(x.numpy())

    def predict(self, data: Any) -> tuple[torch.Tensor, torch.Tensor]:
        """``(prob, y)`` over the susceptible people of ``data``, like ``experiments.predict_risk``.

        Args:
            data: a dataset or list of snapshot ``Data``.
        """
        X, y = susceptible_rows(data, self.columns, self.contact_hops)
        return self._proba(X), torch.as_tensor(y)


def fit_logistic(train: Any, columns: Sequence[int], name: str, contact_hops: int = 0) -> LogisticBaseline:
    """Fit a :class:`LogisticBaseline` on ``columns`` (and ``contact_hops`` hops of contact counts) of the training snapshots.

    Args:
        train: the training snapshots.
        columns: indices into the snapshot features.
        name: label for tables.
        contact_hops: 0, 1 or 2 hops of infectious-contact counts.
    """
    return LogisticBaseline(columns, name, contact_hops).fit(train)
