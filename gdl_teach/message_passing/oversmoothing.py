r"""Over-smoothing: what stacking many GCN propagations does to node features, seen through the spectrum.

Repeated propagation :math:`\hat A^k X` (a GCN with identity weights and no
non-linearity, as in SGC: Wu et al., *Simplifying Graph Convolutional
Networks*, ICML 2019, https://arxiv.org/abs/1902.07153) is a low-pass filter.
:math:`\hat A = D^{-1/2}(A + I)D^{-1/2}` is symmetric with eigenvalues
:math:`1 = \lambda_1 > \lambda_2 \ge \dots > -1` (one eigenvalue 1 per connected
component) and orthonormal eigenvectors :math:`u_m`, so

.. math::
    \hat A^k X = \sum_m \lambda_m^k\, u_m u_m^\top X.

Every term but the first shrinks like :math:`\lambda_m^k`; what is left is
:math:`u_1 u_1^\top X` with :math:`u_1 \propto \sqrt{d_i + 1}`: every node's
feature vector points the same way (Li, Han & Wu, *Deeper Insights into
Graph Convolutional Networks for Semi-Supervised Learning*, AAAI 2018,
https://arxiv.org/abs/1801.07606; Oono & Suzuki, *Graph Neural Networks
Exponentially Lose Expressive Power for Node Classification*, ICLR 2020,
https://arxiv.org/abs/1905.10947). The spectral gap :math:`1 - \lambda_2` sets
the pace: relative to the common part, the rest shrinks at least like
:math:`\lambda_2^k`. In exact arithmetic it never vanishes; in floating point
it drops below the format's resolution near :math:`k = \ln \epsilon / \ln \lambda_2`.

* :func:`top_eigenvalues` - the largest eigenvalues of :math:`\hat A` (SciPy's ``eigsh``)
  and how much of the class signal each eigenvector carries;
* :func:`propagate_gcn`, and three measures of the collapse: :func:`dirichlet_energy`,
  :func:`mean_pairwise_distance`, :func:`nearest_centroid_accuracy`;
* :func:`oversmoothing_curve` - the measures against depth, in float32 or float64;
* :func:`collapse_depth` - the first depth at which the nearest-centroid accuracy falls
  halfway from its best to chance.

The distances are computed after subtracting the mean unit vector (the same
distances, without the cancellation that ``|a|^2 + |b|^2 - 2 a.b`` suffers when
the vectors nearly coincide), so the only precision limit left is that of the
propagated features themselves. Every helper computes on the device of its
inputs and returns plain floats (or a DataFrame of them).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from gdl_teach.core.device import cpu_threads
from gdl_teach.core.validate import check_choice, check_edge_index, check_int, check_tensor
from gdl_teach.nn.gcn import gcn_norm

__all__ = ["top_eigenvalues", "propagate_gcn", "dirichlet_energy", "mean_pairwise_distance",
           "nearest_centroid_accuracy", "oversmoothing_curve", "collapse_depth"]

PRECISIONS = {"float32": torch.float32, "float64": torch.float64}


def _check_x(x: Any) -> torch.Tensor:
    return check_tensor("x", x, ndim=2, floating=True, nonempty=True)


def _check_node_data(data: Any) -> None:
    for attr in ("x", "edge_index", "y", "train_mask", "test_mask"):
        if getattr(data, attr, None) is None:
            raise ValueError(f"data must have {attr} (a node-task Data such as make_sbm_node_task())")


def top_eigenvalues(edge_index: torch.Tensor, num_nodes: int, y: torch.Tensor | None = None,
                    k: int = 8) -> Any:
    r"""The ``k`` largest eigenvalues of :math:`\hat A = D^{-1/2}(A + I)D^{-1/2}` and what their eigenvectors carry.

    Computed by SciPy's sparse ``eigsh`` on the CPU, in float64. With labels
    ``y``, the column ``class_share`` says how much of the class signal (the
    centred one-hot class indicators) lies along each eigenvector: the
    eigenvectors that carry the classes are the ones whose decay over-smoothing
    is about.

    Args:
        edge_index: (2, E) edges, both directions stored (:math:`\hat A` must be symmetric).
        num_nodes: N.
        y: (N,) class labels, or ``None``.
        k: how many eigenvalues, ``k < N``.

    Returns:
        A pandas DataFrame indexed 1..k (:math:`\lambda_1 \ge \lambda_2 \ge \dots`) with
        columns ``eigenvalue`` and, given ``y``, ``class_share`` (summing to at most 1).
    """
    import pandas as pd
    import scipy.sparse as sp
    from scipy.sparse.linalg import eigsh

    num_nodes = check_int("num_nodes", num_nodes, min_value=3)
    k = check_int("k", k, min_value=1, max_value=num_nodes - 2)
    edges, weight = gcn_norm(check_edge_index("edge_index", edge_index, num_nodes), num_nodes=num_nodes)
    rows, cols = edges[1].cpu().numpy(), edges[0].cpu().numpy()  # A_hat[i, j] for the edge j -> i
    a_hat = sp.csr_matrix((weight.cpu().double().numpy(), (rows, cols)), shape=(num_nodes, num_nodes))
    if abs(a_hat - a_hat.T).max() > 1e-12:
        raise ValueError("edge_index must store every edge in both directions (A_hat must be symmetric)")
    start = np.random.default_rng(0).standard_normal(num_nodes)  # eigsh's start vector, fixed: same numbers every run
    with cpu_threads(1):  # a sparse (N, N) problem: extra BLAS threads only wait
        values, vectors = eigsh(a_hat, k=k, which="LA", v0=start)
    order = np.argsort(-values)
    table = pd.DataFrame({"eigenvalue": values[order]}, index=pd.RangeIndex(1, k + 1, name="m"))
    if y is not None:
        y = check_tensor("y", y, shape=(num_nodes,), integer=True).cpu().numpy()
        onehot = np.eye(int(y.max()) + 1)[y]
        onehot -= onehot.mean(0)  # the class signal, without its constant part
        energy = ((vectors[:, order].T @ onehot) ** 2).sum(1)
        table["class_share"] = energy / (onehot ** 2).sum()
    return table


def propagate_gcn(x: torch.Tensor, edge_index: torch.Tensor, num_steps: int) -> list[torch.Tensor]:
    r"""Apply :math:`\hat A` again and again, without weights: ``[X, A_hat X, ..., A_hat^K X]``.

    This is a GCN with identity weights and no non-linearity (SGC, Wu et al.
    2019, https://arxiv.org/abs/1902.07153): what stacking many GCN layers
    does to the features. It computes in the dtype of ``x`` (float32 or float64).

    Args:
        x: node features.
        edge_index: edges ``source -> target``.
        num_steps: number of propagation steps K (the depth).

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** a list of K + 1 tensors :math:`(N, F)`
    """
    x = _check_x(x)
    num_steps = check_int("num_steps", num_steps, min_value=0)
    edge_index, weight = gcn_norm(edge_index, num_nodes=x.shape[0])
    src, dst = edge_index
    weight = weight.to(x.dtype).view(-1, 1)
    out = [x]
    with cpu_threads(1):
        for _ in range(num_steps):
            h = out[-1]
            out.append(torch.zeros_like(h).index_add_(0, dst, h.index_select(0, src) * weight))
    return out


def dirichlet_energy(x: torch.Tensor, edge_index: torch.Tensor) -> float:
    r"""GCN-normalised Dirichlet energy: how much features change across edges.

    :math:`E(X) = \frac{1}{2N} \sum_{j \to i} \| x_i / \sqrt{1 + d_i} - x_j / \sqrt{1 + d_j} \|^2`
    with :math:`d` the in-degree. It is 0 exactly when :math:`\hat A X = X`, the
    fixed point that deep GCN propagation converges to (Cai & Wang, *A Note on
    Over-Smoothing for Graph Neural Networks*, 2020, https://arxiv.org/abs/2006.13318).

    Args:
        x: node features.
        edge_index: edges ``source -> target`` (self-loops are ignored).

    Returns:
        The energy, a float >= 0.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
    """
    x = _check_x(x)
    edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
    src, dst = edge_index[:, edge_index[0] != edge_index[1]]
    deg = x.new_ones(x.shape[0]).index_add_(0, dst, x.new_ones(dst.numel()))  # (N,) in-degree + 1
    z = x / deg.sqrt().view(-1, 1)  # (N, F)
    return float(((z[dst] - z[src]) ** 2).sum() / (2 * x.shape[0]))


def _unit_rows(x: torch.Tensor) -> torch.Tensor:
    """Rows scaled to unit length, minus their mean: the same distances, without cancellation when rows nearly agree."""
    z = x / x.norm(dim=1, keepdim=True).clamp(min=torch.finfo(x.dtype).tiny)
    return z - z.mean(0, keepdim=True)


def mean_pairwise_distance(x: torch.Tensor) -> float:
    """Mean Euclidean distance between the unit-length rows of ``x``: 0 when all point the same way.

    Args:
        x: node embeddings (N >= 2).

    Shapes:
        - **input:** x :math:`(N, F)`
    """
    x = _check_x(x)
    if x.shape[0] < 2:
        raise ValueError(f"x must have at least 2 rows to measure distances, got {x.shape[0]}")
    z = _unit_rows(x)
    num_nodes = z.shape[0]
    return float(torch.cdist(z, z).sum() / (num_nodes * (num_nodes - 1)))


def _check_masks(x: torch.Tensor, y: Any, train_mask: Any, test_mask: Any) -> torch.Tensor:
    num_nodes = x.shape[0]
    y = check_tensor("y", y, shape=(num_nodes,), integer=True)
    check_tensor("train_mask", train_mask, shape=(num_nodes,))
    check_tensor("test_mask", test_mask, shape=(num_nodes,))
    if train_mask.dtype != torch.bool or test_mask.dtype != torch.bool:
        raise TypeError("train_mask and test_mask must be bool tensors")
    if not bool(test_mask.any()):
        raise ValueError("test_mask selects no node")
    if not bool(train_mask.any()):
        raise ValueError("train_mask selects no node")
    return y


def nearest_centroid_accuracy(x: torch.Tensor, y: torch.Tensor, train_mask: torch.Tensor,
                              test_mask: torch.Tensor) -> float:
    """Accuracy of the simplest classifier: assign each test node to the closest training-class mean.

    Rows are scaled to unit length first, so only their direction counts.

    Args:
        x: node embeddings.
        y: class labels.
        train_mask: nodes whose labels build the class means.
        test_mask: nodes to classify.

    Shapes:
        - **input:** x :math:`(N, F)`, y, train_mask and test_mask :math:`(N,)` (the masks bool)
    """
    x = _check_x(x)
    y = _check_masks(x, y, train_mask, test_mask)
    z = _unit_rows(x)
    classes = torch.unique(y[train_mask])
    centroids = torch.stack([z[train_mask & (y == c)].mean(0) for c in classes])  # (C, F)
    dist = ((z[test_mask].unsqueeze(1) - centroids.unsqueeze(0)) ** 2).sum(-1)  # (T, C), differences first
    return float((classes[dist.argmin(1)] == y[test_mask]).float().mean())


def oversmoothing_curve(data: Any, depths: Sequence[int], precision: str = "float64") -> Any:
    r"""Dirichlet energy, mean pairwise distance and nearest-centroid accuracy of :math:`\hat A^k X`.

    Args:
        data: a PyG ``Data`` with ``x`` (N, F), ``edge_index``, ``y`` and
            ``train_mask``/``test_mask``; it is read, never moved.
        depths: the depths k to report, e.g. ``[0, 1, 2, 4, 8, 16, 32, 64]``.
        precision: ``"float64"`` (as good as exact here) or ``"float32"`` (what GNNs train in).

    Returns:
        A pandas DataFrame indexed by depth with columns ``dirichlet_energy``,
        ``mean_distance`` and ``centroid_accuracy``.
    """
    import pandas as pd

    _check_node_data(data)
    if isinstance(depths, (str, bytes)) or not depths or not all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in depths):
        raise ValueError(f"depths must be a non-empty list of ints >= 0, got {depths!r}")
    dtype = PRECISIONS[check_choice("precision", precision, list(PRECISIONS))]
    hs = propagate_gcn(data.x.to(dtype), data.edge_index, max(depths))
    with cpu_threads(1):
        rows = [{"depth": k, "dirichlet_energy": dirichlet_energy(hs[k], data.edge_index),
                 "mean_distance": mean_pairwise_distance(hs[k]),
                 "centroid_accuracy": nearest_centroid_accuracy(hs[k], data.y, data.train_mask, data.test_mask)}
                for k in depths]
    return pd.DataFrame(rows).set_index("depth")


def collapse_depth(data: Any, precision: str = "float32", max_depth: int = 200) -> int:
    """The first depth at which the nearest-centroid accuracy of :math:`\\hat A^k X` falls halfway to chance.

    Halfway means below the mean of the best accuracy over ``0..max_depth`` and
    chance (1 / number of classes), at a depth past the best one.

    Args:
        data: a node-task ``Data`` (as for :func:`oversmoothing_curve`).
        precision: ``"float32"`` or ``"float64"``.
        max_depth: the deepest depth tried.

    Returns:
        The depth, or ``max_depth + 1`` when the accuracy never falls that far.
    """
    _check_node_data(data)
    dtype = PRECISIONS[check_choice("precision", precision, list(PRECISIONS))]
    max_depth = check_int("max_depth", max_depth, min_value=1)
    hs = propagate_gcn(data.x.to(dtype), data.edge_index, max_depth)
    with cpu_threads(1):
        acc = [nearest_centroid_accuracy(h, data.y, data.train_mask, data.test_mask) for h in hs]
    best = int(np.argmax(acc))
    threshold = (acc[best] + 1 / int(torch.unique(data.y).numel())) / 2
    return next((k for k in range(best, max_depth + 1) if acc[k] < threshold), max_depth + 1)
