"""Classical models for the lesson's claims: logistic regression and label propagation, from well-kept libraries.

* :func:`logistic_regression` - scikit-learn's ``LogisticRegression`` on
  standardised features, its regularisation ``C`` chosen on the validation
  rows (when there are any), as a practitioner tunes it;
* :func:`label_propagation` - networkx's ``harmonic_function`` (Zhu,
  Ghahramani & Lafferty, *Semi-Supervised Learning Using Gaussian Fields and
  Harmonic Functions*, ICML 2003): every unlabelled node takes the average
  label distribution of its neighbours, iterated; no features and no
  parameters, only the graph and the training labels.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from gdl_teach.core.device import cpu_threads
from gdl_teach.core.validate import check_edge_index, check_int, check_tensor
from gdl_teach.data.convert import networkx_from_edge_index

__all__ = ["logistic_regression", "label_propagation"]


def _as_numpy(name: str, value: Any, ndim: int) -> np.ndarray:
    array = np.asarray(value.detach().cpu() if isinstance(value, torch.Tensor) else value)
    if array.ndim != ndim or array.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty array with {ndim} dimension(s), got shape {array.shape}")
    return array


def logistic_regression(x_train: Any, y_train: Any, x_val: Any = None, y_val: Any = None,
                        cs: Sequence[float] = (0.1, 1.0, 10.0), seed: int = 0) -> Any:
    """Fit standardised logistic regression; with validation rows, keep the ``C`` that scores best on them.

    Args:
        x_train: (M, F) training features (tensor or array).
        y_train: (M,) integer labels.
        x_val: (V, F) validation features, or ``None`` (then ``C = 1``).
        y_val: (V,) validation labels.
        cs: inverse regularisation strengths to try.
        seed: seed of the solver.

    Returns:
        The fitted scikit-learn pipeline (``predict``, ``score``), with the chosen
        ``C`` in its attribute ``chosen_c``.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x_train, y_train = _as_numpy("x_train", x_train, 2), _as_numpy("y_train", y_train, 1)
    if x_train.shape[0] != y_train.shape[0]:
        raise ValueError(f"x_train has {x_train.shape[0]} rows but y_train {y_train.shape[0]} labels")
    seed = check_int("seed", seed, min_value=0)
    candidates = [1.0] if x_val is None else [float(c) for c in cs]
    if not candidates or min(candidates) <= 0:
        raise ValueError(f"cs must be a non-empty list of positive numbers, got {cs!r}")
    best, best_score = None, -1.0
    with cpu_threads(1):  # tiny problems: extra BLAS threads only wait (30x slower on a busy machine)
        for c in candidates:
            model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000, random_state=seed))
            model.fit(x_train, y_train)
            score = 0.0 if x_val is None else model.score(_as_numpy("x_val", x_val, 2),
                                                          _as_numpy("y_val", y_val, 1))
            if score > best_score:
                best, best_score = model, score
                best.chosen_c = c
    return best


def label_propagation(edge_index: torch.Tensor, num_nodes: int, y: torch.Tensor,
                      train_mask: torch.Tensor) -> torch.Tensor:
    """Predict every node's class from the training labels and the edges alone (networkx ``harmonic_function``).

    Args:
        edge_index: (2, E) edges, both directions stored.
        num_nodes: N.
        y: (N,) integer labels (only those under ``train_mask`` are read).
        train_mask: (N,) bool, the labelled nodes.

    Returns:
        (N,) long tensor of predicted classes, on the device of ``y``.
    """
    from networkx.algorithms import node_classification

    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    y = check_tensor("y", y, shape=(num_nodes,), integer=True)
    train_mask = check_tensor("train_mask", train_mask, shape=(num_nodes,))
    if train_mask.dtype != torch.bool or not bool(train_mask.any()):
        raise ValueError("train_mask must be a bool tensor that selects at least one node")
    graph = networkx_from_edge_index(edge_index, num_nodes)
    labels = y.cpu().tolist()
    for i in train_mask.nonzero().view(-1).tolist():
        graph.nodes[i]["label"] = labels[i]
    return torch.tensor(node_classification.harmonic_function(graph), dtype=torch.long, device=y.device)
