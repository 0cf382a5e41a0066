"""Models of lesson 01: a convolution written as message passing, and two graph classifiers.

* :class:`OffsetConv`: message passing where the message depends on the
  edge's *offset type*. On the pixel grid graph of
  :func:`gdl_teach.euclid.data.make_grid_graph` it is exactly a 3x3
  ``Conv2d`` (LeCun et al., 1998); on a general graph with edge types it is a
  relational GCN layer (Schlichtkrull et al., 2018, "Modeling Relational Data
  with Graph Convolutional Networks"), PyG's ``RGCNConv(aggr="add",
  root_weight=False)``.
* :class:`NeighbourSumConv` and :class:`GNNClassifier`: a permutation-invariant
  graph classifier, sum aggregation and sum pooling (Morris et al., 2019,
  "Weisfeiler and Leman Go Neural", PyG's ``GraphConv``; Xu et al., 2019,
  "How Powerful are Graph Neural Networks?").
* :class:`AdjacencyMLP`: the Euclidean baseline that flattens the adjacency
  matrix into a vector, so its output depends on how the nodes are numbered.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn
from torch_geometric.utils import to_dense_adj

from gdl_teach.core.validate import check_batch, check_edge_index, check_int, check_tensor
from gdl_teach.nn.mlp import MLP


class OffsetConv(nn.Module):
    """Message passing with one weight matrix per edge type (offset).

    ``h_i = b + sum over edges j -> i of  x_j @ W[k(j, i)]``, where ``k(j, i)``
    is the edge's type (on a grid: which of the 9 relative offsets ``j`` sits
    at). With zero padding, a border pixel simply has fewer incoming edges.

    Paper: Schlichtkrull et al., 2018 (R-GCN); on the grid graph it is the 3x3
    convolution of LeCun et al., 1998.

    Args:
        in_channels: input features C_in.
        out_channels: output features C_out.
        num_offsets: number of edge types K (9 for a 3x3 kernel).
        bias: add a learnable bias.
    """

    def __init__(self, in_channels: int, out_channels: int, num_offsets: int = 9, bias: bool = True) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        self.out_channels = check_int("out_channels", out_channels, min_value=1)
        self.num_offsets = check_int("num_offsets", num_offsets, min_value=1)
        self.weight = nn.Parameter(torch.randn(num_offsets, in_channels, out_channels) / (in_channels * num_offsets) ** 0.5)
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None

    @classmethod
    def from_conv2d(cls, conv: nn.Conv2d) -> OffsetConv:
        """The message-passing layer with the same weights as a 3x3 ``Conv2d``.

        Args:
            conv: a ``Conv2d`` with kernel 3x3, stride 1, padding 1, dilation 1, groups 1.
        """
        if not isinstance(conv, nn.Conv2d):
            raise TypeError(f"conv must be a torch.nn.Conv2d, got {type(conv).__name__}")
        ok = (conv.kernel_size == (3, 3) and conv.stride == (1, 1) and conv.padding == (1, 1)
              and conv.dilation == (1, 1) and conv.groups == 1)
        if not ok:
            raise ValueError("conv must have kernel_size=3, stride=1, padding=1, dilation=1, groups=1; got "
                             f"kernel_size={conv.kernel_size}, stride={conv.stride}, padding={conv.padding}, "
                             f"dilation={conv.dilation}, groups={conv.groups}")
        layer = cls(conv.in_channels, conv.out_channels, 9, bias=conv.bias is not None)
        with torch.no_grad():
            # (C_out, C_in, 3, 3) -> (3, 3, C_in, C_out) -> (9, C_in, C_out): offset k = row * 3 + col
            layer.weight.copy_(conv.weight.permute(2, 3, 1, 0).reshape(9, conv.in_channels, conv.out_channels))
            if conv.bias is not None:
                layer.bias.copy_(conv.bias)
        return layer

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_attr: torch.Tensor) -> torch.Tensor:
        """Args:
            x: (N, C_in) node features.
            edge_index: (2, E) edges ``j -> i`` (``edge_index[0]`` sends).
            edge_attr: (E,) long edge types in ``[0, num_offsets)``.

        Returns:
            (N, C_out) new node features.
        """
        x = check_tensor("x", x, shape=(None, self.in_channels), floating=True)
        edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
        edge_attr = check_tensor("edge_attr", edge_attr, shape=(edge_index.shape[1],), integer=True)
        if edge_attr.numel() and (int(edge_attr.min()) < 0 or int(edge_attr.max()) >= self.num_offsets):
            raise ValueError(f"edge_attr must hold offset ids in [0, {self.num_offsets}), "
                             f"got values in [{int(edge_attr.min())}, {int(edge_attr.max())}]")
        x_w = torch.einsum("nc,kcd->nkd", x, self.weight)  # (N, K, C_out): every node through every W_k
        msg = x_w[edge_index[0], edge_attr]  # (E, C_out): x_j @ W[k(j, i)]
        out = torch.zeros(x.shape[0], self.out_channels, dtype=msg.dtype, device=x.device)
        out = out.index_add(0, edge_index[1], msg)  # (N, C_out): sum at the receiving node
        return out + self.bias if self.bias is not None else out


class NeighbourSumConv(nn.Module):
    """``h_i = W_root x_i + W_nbr (sum over edges j -> i of x_j) + b``.

    Permutation-equivariant: relabelling the nodes relabels the output rows.
    Paper: Morris et al., 2019, "Weisfeiler and Leman Go Neural" (PyG's ``GraphConv``).

    Args:
        in_channels: input features F.
        out_channels: output features F'.
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        check_int("out_channels", out_channels, min_value=1)
        self.lin_nbr = nn.Linear(in_channels, out_channels)
        self.lin_root = nn.Linear(in_channels, out_channels, bias=False)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E) -> (N, F')."""
        x = check_tensor("x", x, shape=(None, self.in_channels), floating=True)
        edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
        agg = torch.zeros_like(x).index_add(0, edge_index[1], x[edge_index[0]])  # (N, F): sum of neighbours
        return self.lin_root(x) + self.lin_nbr(agg)


def sum_pool(x: torch.Tensor, batch: torch.Tensor | None = None, num_graphs: int | None = None) -> torch.Tensor:
    """Add up the node features of each graph: a permutation-invariant readout.

    Args:
        x: (N, F) node features.
        batch: (N,) graph id of each node (PyG's ``batch``); ``None`` means one graph.
        num_graphs: B; default ``batch.max() + 1``.

    Returns:
        (B, F) one row per graph.
    """
    x = check_tensor("x", x, ndim=2, nonempty=True)
    batch = check_batch("batch", batch, x.shape[0], device=x.device)
    b = int(batch.max()) + 1 if num_graphs is None else check_int("num_graphs", num_graphs, min_value=int(batch.max()) + 1)
    return torch.zeros(b, x.shape[1], dtype=x.dtype, device=x.device).index_add(0, batch, x)


def mean_pool(x: torch.Tensor, batch: torch.Tensor | None = None, num_graphs: int | None = None) -> torch.Tensor:
    """Average the node features of each graph (permutation-invariant).

    Args:
        x: (N, F) node features.
        batch: (N,) graph id of each node; ``None`` means one graph.
        num_graphs: B; default ``batch.max() + 1``.

    Returns:
        (B, F); a graph without nodes gets zeros.
    """
    total = sum_pool(x, batch, num_graphs)
    ones = torch.ones(x.shape[0], 1, dtype=x.dtype, device=x.device)
    count = sum_pool(ones, batch, total.shape[0])  # (B, 1)
    return total / count.clamp(min=1)


class GNNClassifier(nn.Module):
    """Graph classifier: ``num_layers`` x (NeighbourSumConv + ReLU), sum pooling, an MLP head.

    Permutation-invariant: the class of a graph cannot depend on how its
    nodes are numbered. Papers: Morris et al., 2019 (the layer); Xu et al.,
    2019 (sum aggregation and sum readout, GIN).

    Args:
        in_dim: node features F.
        hidden: width of the hidden layers.
        num_classes: C.
        num_layers: message-passing layers, >= 1.
    """

    def __init__(self, in_dim: int, hidden: int, num_classes: int, num_layers: int = 2) -> None:
        super().__init__()
        check_int("in_dim", in_dim, min_value=1)
        check_int("hidden", hidden, min_value=1)
        check_int("num_layers", num_layers, min_value=1)
        dims = [in_dim] + [hidden] * num_layers
        self.convs = nn.ModuleList(NeighbourSumConv(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.head = MLP(hidden, (hidden,), num_classes)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E), batch: (N,) or None -> (B, C) logits."""
        h = x
        for conv in self.convs:
            h = torch.relu(conv(h, edge_index))  # (N, hidden)
        return self.head(sum_pool(h, batch))  # (B, hidden) -> (B, C)


class AdjacencyMLP(nn.Module):
    """The Euclidean baseline: flatten each graph's adjacency matrix into a vector, then an MLP.

    Every graph must have exactly ``num_nodes`` nodes. The vector's entry
    ``i * N + j`` says "node i is linked to node j", so renumbering the nodes
    shuffles the input and changes the output.

    Args:
        num_nodes: N, the size of every graph.
        hidden: sizes of the hidden layers.
        num_classes: C.
    """

    def __init__(self, num_nodes: int, hidden: Sequence[int], num_classes: int) -> None:
        super().__init__()
        self.num_nodes = check_int("num_nodes", num_nodes, min_value=1)
        self.mlp = MLP(num_nodes * num_nodes, hidden, num_classes)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """x: (N_total, F) (only its length is used), edge_index: (2, E), batch: (N_total,) -> (B, C) logits."""
        x = check_tensor("x", x, ndim=2, nonempty=True)
        edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
        batch = check_batch("batch", batch, x.shape[0], device=x.device)
        sizes = torch.bincount(batch)
        if bool((sizes != self.num_nodes).any()):
            raise ValueError(f"every graph must have num_nodes={self.num_nodes} nodes, got sizes {sizes.tolist()}")
        adj = to_dense_adj(edge_index, batch, max_num_nodes=self.num_nodes)  # (B, N, N)
        return self.mlp(adj.reshape(adj.shape[0], -1))  # (B, N*N) -> (B, C)


def graph_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Training step for :func:`gdl_teach.core.training.fit`: graph-level logits and labels.

    Args:
        model: called as ``model(x, edge_index, batch)``, returns (B, C).
        batch: a PyG ``Batch`` with ``x``, ``edge_index``, ``batch`` and ``y`` (B,).
        split: unused (all graphs of a loader belong to one split).
    """
    return model(batch.x, batch.edge_index, batch.batch), batch.y
