r"""The graph isomorphism network (GIN) layer, written three ways.

Xu, Hu, Leskovec & Jegelka, *How Powerful are Graph Neural Networks?*,
ICLR 2019, https://arxiv.org/abs/1810.00826. One layer computes

.. math::
    h_i' = \mathrm{MLP}\Big((1 + \varepsilon)\, x_i + \sum_{j \to i} x_j\Big),
    \qquad \text{densely } H' = \mathrm{MLP}\big(((1 + \varepsilon) I + A) X\big).

The sum (not a mean or a normalised sum) keeps how many neighbours sent each
message, which is what lets GIN match the 1-WL test; the MLP makes the update
injective on the sums it sees.

1. **Dense** (:class:`GINDense`): ``A`` (N, N) with ``A[i, j]`` counting the
   edges ``j -> i`` (``gdl_teach.nn.gcn.dense_adjacency``), a matrix product.
2. **Scatter** (:class:`GINScatter`): gather along ``edge_index`` and
   ``index_add_`` at the receivers.
3. **MessagePassing** (:class:`GINMessagePassing`): PyG's ``MessagePassing``
   with ``aggr="add"``; the message is the sender's features unchanged.

The layers keep their parameters under the names of PyG's ``GINConv``
(``nn.*`` and the buffer ``eps``), so ``mine.load_state_dict(conv.state_dict())``
copies PyG's weights in and the outputs agree to 1e-5 (``tests/nn/test_gin.py``).
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch_geometric.nn import MessagePassing

from gdl_teach.core.validate import check_edge_index, check_float, check_int, check_tensor

__all__ = ["gin_mlp", "GINDense", "GINScatter", "GINMessagePassing"]


def _check_x(x: Any, mlp: nn.Module) -> torch.Tensor:
    x = check_tensor("x", x, ndim=2, floating=True, nonempty=True)
    weight = next(mlp.parameters(), None)
    if weight is not None and (x.dtype != weight.dtype or x.device != weight.device):
        raise TypeError(f"x is {x.dtype} on {x.device} but the layer's weights are {weight.dtype} on "
                        f"{weight.device}; convert one to match the other (x.to(weight) or layer.to(x))")
    return x


def _check_mlp(mlp: Any) -> nn.Module:
    if not isinstance(mlp, nn.Module):
        raise TypeError(f"mlp must be a torch.nn.Module (e.g. gin_mlp(F, F')), got {type(mlp).__name__}")
    return mlp


def gin_mlp(in_channels: int, out_channels: int, hidden_channels: int | None = None) -> nn.Sequential:
    """The two-layer MLP inside a GIN layer: Linear, ReLU, Linear.

    Args:
        in_channels: input features F.
        out_channels: output features F'.
        hidden_channels: hidden width (default ``out_channels``).

    Shapes:
        - **input:** :math:`(N, F)`
        - **output:** :math:`(N, F')`
    """
    in_channels = check_int("in_channels", in_channels, min_value=1)
    out_channels = check_int("out_channels", out_channels, min_value=1)
    hidden_channels = out_channels if hidden_channels is None else check_int("hidden_channels", hidden_channels,
                                                                            min_value=1)
    return nn.Sequential(nn.Linear(in_channels, hidden_channels), nn.ReLU(), nn.Linear(hidden_channels, out_channels))


class _GINBase(nn.Module):
    """Parameters of a GIN layer, named as in PyG's ``GINConv``: ``nn.*`` and the buffer ``eps``."""

    eps: torch.Tensor

    def __init__(self, mlp: nn.Module, eps: float = 0.0) -> None:
        super().__init__()
        self.nn = _check_mlp(mlp)
        self.register_buffer("eps", torch.tensor([check_float("eps", eps)]))


class GINDense(_GINBase):
    r"""GIN layer as a dense product: :math:`H' = \mathrm{MLP}(((1 + \varepsilon) I + A) X)` (Xu et al., https://arxiv.org/abs/1810.00826).

    Args:
        mlp: the update network, e.g. :func:`gin_mlp`.
        eps: weight of a node's own features beyond 1.

    Shapes:
        - **input:** x :math:`(N, F)`, adj :math:`(N, N)` with ``adj[i, j]`` = edges ``j -> i``
        - **output:** :math:`(N, F')`
    """

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        """x: (N, F), adj: (N, N) -> (N, F')."""
        x = _check_x(x, self.nn)
        adj = check_tensor("adj", adj, shape=(x.shape[0], x.shape[0]), floating=True)
        if adj.dtype != x.dtype or adj.device != x.device:
            raise TypeError(f"adj must have the dtype and device of x ({x.dtype} on {x.device}), "
                            f"got {adj.dtype} on {adj.device}")
        return self.nn((1 + self.eps) * x + adj @ x)


class GINScatter(_GINBase):
    r"""GIN layer on an edge list with ``index_add_``: :math:`h_i' = \mathrm{MLP}((1 + \varepsilon) x_i + \sum_{j \to i} x_j)`.

    Xu et al., https://arxiv.org/abs/1810.00826.

    Args:
        mlp: the update network, e.g. :func:`gin_mlp`.
        eps: weight of a node's own features beyond 1.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(N, F')`
    """

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E) -> (N, F')."""
        x = _check_x(x, self.nn)
        src, dst = check_edge_index("edge_index", edge_index, x.shape[0])
        agg = torch.zeros_like(x).index_add_(0, dst, x.index_select(0, src))  # (N, F): sum of what i receives
        return self.nn((1 + self.eps) * x + agg)


class GINMessagePassing(MessagePassing):
    r"""GIN layer as a PyG ``MessagePassing`` subclass with sum aggregation.

    Xu et al., https://arxiv.org/abs/1810.00826:
    :math:`h_i' = \mathrm{MLP}((1 + \varepsilon) x_i + \sum_{j \to i} x_j)`.

    Args:
        mlp: the update network, e.g. :func:`gin_mlp`.
        eps: weight of a node's own features beyond 1.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(N, F')`
    """

    def __init__(self, mlp: nn.Module, eps: float = 0.0) -> None:
        super().__init__(aggr="add")
        self.nn = _check_mlp(mlp)
        self.register_buffer("eps", torch.tensor([check_float("eps", eps)]))

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E) -> (N, F')."""
        x = _check_x(x, self.nn)
        edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
        return self.nn((1 + self.eps) * x + self.propagate(edge_index, x=x))

    def message(self, x_j: torch.Tensor) -> torch.Tensor:
        """x_j: (E, F) -> (E, F): the sender's features, unchanged."""
        return x_j
