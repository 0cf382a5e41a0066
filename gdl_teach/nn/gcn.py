r"""The graph convolutional network (GCN) layer, written three ways.

Kipf & Welling, *Semi-Supervised Classification with Graph Convolutional
Networks*, ICLR 2017, https://arxiv.org/abs/1609.02907. One layer computes

.. math::
    H' = \hat A X W + b, \qquad \hat A = D^{-1/2} (A + I) D^{-1/2},

with :math:`D` the diagonal matrix of the row sums of :math:`A + I`; per node,
:math:`h_i' = \sum_{j \in \mathcal N(i) \cup \{i\}} \frac{1}{\sqrt{d_j d_i}} W x_j + b`.

1. **Dense** (:class:`GCNDense`): the graph is an adjacency matrix ``A``
   (N, N) and the layer a matrix product. Simple, but ``A`` costs N^2
   memory however few edges there are.
2. **Scatter** (:class:`GCNScatter`): only the edge list ``edge_index``
   (2, E); gather the sender's features along every edge, weight them, and
   *scatter-add* them into the receivers with ``index_add_``. Memory and time
   grow with E, not N^2.
3. **MessagePassing** (:class:`GCNMessagePassing`): the same computation as a
   PyG ``MessagePassing`` subclass, which does the gather and scatter; we
   write only ``message`` (Gilmer et al., *Neural Message Passing for Quantum
   Chemistry*, ICML 2017, https://arxiv.org/abs/1704.01212).

Convention (PyG's): an edge ``j -> i`` is a column ``(j, i)`` of
``edge_index``; row 0 holds sources (senders), row 1 targets (receivers). In
the dense form ``A[i, j]`` counts the edges ``j -> i`` (:func:`dense_adjacency`),
so row ``i`` of ``A X`` sums what ``i`` receives. This is the transpose of
``torch_geometric.utils.to_dense_adj``, whose entry ``[j, i]`` counts ``j -> i``;
the two agree on undirected graphs.

The layers keep their parameters under the names of PyG's ``GCNConv``
(``lin.weight``, ``bias``), so ``mine.load_state_dict(conv.state_dict())``
copies PyG's weights in and the outputs agree to 1e-5 (``tests/nn/test_gcn.py``).
On a GPU, ``index_add_`` sums in a nondeterministic order: results may differ
in the last bits between runs.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch_geometric.nn import MessagePassing

from gdl_teach.core.validate import check_edge_index, check_int, check_tensor

__all__ = ["dense_adjacency", "gcn_norm_dense", "gcn_norm", "GCNDense", "GCNScatter", "GCNMessagePassing"]


def _check_x(x: Any, in_channels: int, weight: torch.Tensor) -> torch.Tensor:
    x = check_tensor("x", x, shape=(None, in_channels), floating=True, nonempty=True)
    if x.dtype != weight.dtype or x.device != weight.device:
        raise TypeError(f"x is {x.dtype} on {x.device} but the layer's weights are {weight.dtype} on "
                        f"{weight.device}; convert one to match the other (x.to(weight) or layer.to(x))")
    return x


def _check_adj(adj: Any, like: torch.Tensor | None = None) -> torch.Tensor:
    adj = check_tensor("adj", adj, ndim=2, floating=True, nonempty=True)
    if adj.shape[0] != adj.shape[1]:
        raise ValueError(f"adj must be a square (N, N) matrix, got {tuple(adj.shape)}")
    if like is not None and adj.shape[0] != like.shape[0]:
        raise ValueError(f"adj must be ({like.shape[0]}, {like.shape[0]}) to match x, got {tuple(adj.shape)}")
    if like is not None and (adj.dtype != like.dtype or adj.device != like.device):
        raise TypeError(f"adj must have the dtype and device of x ({like.dtype} on {like.device}), "
                        f"got {adj.dtype} on {adj.device}")
    return adj


def dense_adjacency(edge_index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """The (N, N) adjacency matrix of an edge list, receivers as rows: ``A[i, j]`` counts the edges ``j -> i``.

    Row ``i`` of ``A @ X`` is then the sum of the features node ``i`` receives.
    This is the transpose of ``torch_geometric.utils.to_dense_adj`` (which puts
    the edge ``j -> i`` at ``[j, i]``); for an undirected graph they are equal.

    Args:
        edge_index: edges ``source -> target``.
        num_nodes: N.

    Shapes:
        - **input:** edge_index :math:`(2, E)`
        - **output:** :math:`(N, N)` float32 on the device of ``edge_index`` (a repeated edge counts twice)
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    src, dst = edge_index
    adj = torch.zeros(num_nodes, num_nodes, device=edge_index.device)
    return adj.index_put_((dst, src), torch.ones(src.numel(), device=edge_index.device), accumulate=True)


def gcn_norm_dense(adj: torch.Tensor) -> torch.Tensor:
    r"""GCN's normalised adjacency :math:`\hat A = D^{-1/2} (A + I) D^{-1/2}`.

    ``D`` is the diagonal degree matrix of ``A + I`` (row sums: edges
    received, self-loop included), so every node has degree >= 1. Existing
    self-loops are replaced by one loop of weight 1, as PyG's ``GCNConv`` does.

    Args:
        adj: adjacency, ``adj[i, j]`` = weight of edge ``j -> i`` (:func:`dense_adjacency`).

    Shapes:
        - **input:** adj :math:`(N, N)`
        - **output:** :math:`(N, N)`
    """
    adj = _check_adj(adj)
    eye = torch.eye(adj.shape[0], dtype=adj.dtype, device=adj.device)
    a_tilde = adj * (1 - eye) + eye  # (N, N): exactly one self-loop per node
    deg = a_tilde.sum(dim=1)  # (N,) in-degree + 1
    inv_sqrt = deg.pow(-0.5)
    return inv_sqrt.view(-1, 1) * a_tilde * inv_sqrt.view(1, -1)


def gcn_norm(edge_index: torch.Tensor, *, num_nodes: int) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The edge-list form of :math:`\hat A`: self-loops added, one weight per edge.

    :math:`w_{ji} = 1 / \sqrt{d_j d_i}` for every edge ``j -> i``, where ``d``
    counts received edges plus the self-loop. Existing self-loops are replaced
    by one loop per node, as PyG's ``GCNConv`` does. For an unweighted graph
    the result equals PyG's ``gcn_norm(edge_index, num_nodes=num_nodes)``
    (``torch_geometric.nn.conv.gcn_conv``; tested), whose other arguments
    (edge weights, ``improved``, ...) this version leaves out.

    Args:
        edge_index: edges ``source -> target``.
        num_nodes: N.

    Returns:
        ``(edge_index, edge_weight)``: the edges without their self-loops, then one loop per node, and their weights.

    Shapes:
        - **input:** edge_index :math:`(2, E)`
        - **output:** edge_index :math:`(2, E')`, edge_weight :math:`(E',)` with :math:`E' = E - \text{loops} + N`
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    src, dst = edge_index
    keep = src != dst
    loops = torch.arange(num_nodes, device=edge_index.device)
    src = torch.cat([src[keep], loops])  # (E',)
    dst = torch.cat([dst[keep], loops])  # (E',)
    deg = torch.zeros(num_nodes, device=edge_index.device).index_add_(
        0, dst, torch.ones(dst.numel(), device=edge_index.device))  # (N,) >= 1
    inv_sqrt = deg.pow(-0.5)
    return torch.stack([src, dst]), inv_sqrt[src] * inv_sqrt[dst]


class _GCNBase(nn.Module):
    """Parameters of a GCN layer, named as in PyG's ``GCNConv``: ``lin.weight`` (out, in), ``bias`` (out,)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        self.out_channels = check_int("out_channels", out_channels, min_value=1)
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_channels))
        nn.init.xavier_uniform_(self.lin.weight)


class GCNDense(_GCNBase):
    r"""GCN layer as a dense matrix product: :math:`H' = \hat A X W + b` (Kipf & Welling, https://arxiv.org/abs/1609.02907).

    Args:
        in_channels: input features F.
        out_channels: output features F'.

    Shapes:
        - **input:** x :math:`(N, F)`, adj :math:`(N, N)` with ``adj[i, j]`` = edge ``j -> i``
        - **output:** :math:`(N, F')`
    """

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        """x: (N, F), adj: (N, N) -> (N, F')."""
        x = _check_x(x, self.in_channels, self.lin.weight)
        adj = _check_adj(adj, like=x)
        return gcn_norm_dense(adj) @ self.lin(x) + self.bias


class GCNScatter(_GCNBase):
    r"""GCN layer on an edge list, gather + ``index_add_``, no PyG: :math:`h_i' = \sum_{j \to i} w_{ji} W x_j + b`.

    Kipf & Welling, https://arxiv.org/abs/1609.02907; the sum runs over the
    edges into ``i`` and its self-loop, with the weights of :func:`gcn_norm`.

    Args:
        in_channels: input features F.
        out_channels: output features F'.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(N, F')`
    """

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E) -> (N, F')."""
        x = _check_x(x, self.in_channels, self.lin.weight)
        edge_index, weight = gcn_norm(edge_index, num_nodes=x.shape[0])
        src, dst = edge_index
        h = self.lin(x)  # (N, F')
        msg = h.index_select(0, src) * weight.view(-1, 1)  # (E', F'): one message per edge
        out = torch.zeros_like(h).index_add_(0, dst, msg)  # (N, F'): sum at the receivers
        return out + self.bias


class GCNMessagePassing(MessagePassing):
    r"""GCN layer as a PyG ``MessagePassing`` subclass: we write ``message``, PyG gathers and sums.

    Kipf & Welling, https://arxiv.org/abs/1609.02907:
    :math:`h_i' = \sum_{j \to i} w_{ji} W x_j + b` with the weights of :func:`gcn_norm`.

    Args:
        in_channels: input features F.
        out_channels: output features F'.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(N, F')`
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(aggr="add")  # sum the messages at each receiver
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        self.out_channels = check_int("out_channels", out_channels, min_value=1)
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_channels))
        nn.init.xavier_uniform_(self.lin.weight)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E) -> (N, F')."""
        x = _check_x(x, self.in_channels, self.lin.weight)
        edge_index, weight = gcn_norm(edge_index, num_nodes=x.shape[0])
        return self.propagate(edge_index, x=self.lin(x), weight=weight) + self.bias

    def message(self, x_j: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """x_j: (E, F') sender features, weight: (E,) -> (E, F') messages."""
        return weight.view(-1, 1) * x_j
