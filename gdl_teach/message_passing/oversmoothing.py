r"""Over-smoothing: what stacking many GCN propagations does to node features.

Repeated propagation :math:`\hat A^k X` (a GCN with identity weights and no
non-linearity, as in SGC: Wu et al., *Simplifying Graph Convolutional
Networks*, ICML 2019, https://arxiv.org/abs/1902.07153) pulls the features of
connected nodes together until only a degree-dependent scaling of one vector
is left (Li, Han & Wu, *Deeper Insights into Graph Convolutional Networks for
Semi-Supervised Learning*, AAAI 2018, https://arxiv.org/abs/1801.07606; Oono &
Suzuki, *Graph Neural Networks Exponentially Lose Expressive Power for Node
Classification*, ICLR 2020, https://arxiv.org/abs/1905.10947).

Three measures of that collapse, computed for several depths by
:func:`oversmoothing_curve`: the Dirichlet energy, the mean pairwise distance
between unit-length embeddings, and the accuracy of a nearest-class-mean
classifier. Every helper computes on the device of its inputs and returns
plain floats (or a DataFrame of them).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from gdl_teach.core.device import torch_threads
from gdl_teach.core.validate import check_edge_index, check_int, check_tensor
from gdl_teach.nn.gcn import gcn_norm

__all__ = ["propagate_gcn", "dirichlet_energy", "mean_pairwise_distance", "nearest_centroid_accuracy",
           "oversmoothing_curve"]


def _check_x(x: Any) -> torch.Tensor:
    return check_tensor("x", x, ndim=2, floating=True, nonempty=True)


def propagate_gcn(x: torch.Tensor, edge_index: torch.Tensor, num_steps: int) -> list[torch.Tensor]:
    r"""Apply :math:`\hat A` again and again, without weights: ``[X, A_hat X, ..., A_hat^K X]``.

    This is a GCN with identity weights and no non-linearity (SGC, Wu et al.
    2019, https://arxiv.org/abs/1902.07153): what stacking many GCN layers
    does to the features.

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
    out = [x]
    with torch_threads(1):
        for _ in range(num_steps):
            h = out[-1]
            out.append(torch.zeros_like(h).index_add_(0, dst, h.index_select(0, src) * weight.view(-1, 1)))
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
    z = x / x.norm(dim=1, keepdim=True).clamp(min=1e-12)
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
    z = x / x.norm(dim=1, keepdim=True).clamp(min=1e-12)
    classes = torch.unique(y[train_mask])
    centroids = torch.stack([z[train_mask & (y == c)].mean(0) for c in classes])  # (C, F)
    pred = classes[torch.cdist(z[test_mask], centroids).argmin(1)]
    return float((pred == y[test_mask]).float().mean())


def oversmoothing_curve(data: Any, depths: Sequence[int]) -> Any:
    r"""Dirichlet energy, mean pairwise distance and nearest-centroid accuracy of :math:`\hat A^k X`.

    Args:
        data: a PyG ``Data`` with ``x`` (N, F), ``edge_index``, ``y`` and
            ``train_mask``/``test_mask``; it is read, never moved.
        depths: the depths k to report, e.g. ``[0, 1, 2, 4, 8, 16, 32, 64]``.

    Returns:
        A pandas DataFrame indexed by depth with columns ``dirichlet_energy``,
        ``mean_distance`` and ``centroid_accuracy``.
    """
    import pandas as pd

    for attr in ("x", "edge_index", "y", "train_mask", "test_mask"):
        if getattr(data, attr, None) is None:
            raise ValueError(f"data must have {attr} (a node-task Data such as make_sbm_node_task())")
    if isinstance(depths, (str, bytes)) or not depths or not all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in depths):
        raise ValueError(f"depths must be a non-empty list of ints >= 0, got {depths!r}")
    hs = propagate_gcn(data.x, data.edge_index, max(depths))
    with torch_threads(1):
        rows = [{"depth": k, "dirichlet_energy": dirichlet_energy(hs[k], data.edge_index),
                 "mean_distance": mean_pairwise_distance(hs[k]),
                 "centroid_accuracy": nearest_centroid_accuracy(hs[k], data.y, data.train_mask, data.test_mask)}
                for k in depths]
    return pd.DataFrame(rows).set_index("depth")
