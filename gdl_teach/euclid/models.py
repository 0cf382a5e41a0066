"""Models of lesson 01: a convolution written as message passing, and two graph classifiers.

* :class:`OffsetConv`: message passing where the message depends on the
  edge's *offset type*. On the pixel grid graph of
  :func:`gdl_teach.euclid.grid.make_grid_graph` it is exactly a 3x3
  ``Conv2d`` (LeCun et al., 1998); on a general graph with edge types it is a
  relational GCN layer (Schlichtkrull et al., 2018, "Modeling Relational Data
  with Graph Convolutional Networks", https://arxiv.org/abs/1703.06103), PyG's
  ``RGCNConv(aggr="add", root_weight=False)``.
* :class:`NeighbourSumConv` and :class:`GNNClassifier`: a permutation-invariant
  graph classifier, sum aggregation and sum pooling (Morris et al., 2019,
  "Weisfeiler and Leman Go Neural", https://arxiv.org/abs/1810.02244, PyG's
  ``GraphConv``; Xu et al., 2019, "How Powerful are Graph Neural Networks?",
  https://arxiv.org/abs/1810.00826). The readout is PyG's ``global_add_pool``.
* :class:`AdjacencyMLP`: the Euclidean baseline that flattens the adjacency
  matrix into a vector, so its output depends on how the nodes are numbered.
* graph-level training uses :func:`gdl_teach.core.training.graph_step`: how :func:`~gdl_teach.core.training.fit` feeds a
  batch of graphs to either classifier.

The layers written here by hand are the ones the lesson teaches (a convolution
as message passing, sum aggregation); each is tested against PyG's.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch_geometric.nn import global_add_pool
from torch_geometric.utils import to_dense_adj

from gdl_teach.core.validate import check_batch, check_edge_index, check_int, check_tensor
from gdl_teach.nn.mlp import MLP


class OffsetConv(nn.Module):
    """Message passing with one weight matrix per edge type (offset).

    ``h_i = b + sum over edges j -> i of  x_j @ W[k(j, i)]``, where ``k(j, i)``
    is the edge's type (on a grid: which of the 9 relative offsets ``j`` sits
    at). With zero padding, a border pixel simply has fewer incoming edges.

    Paper: Schlichtkrull et al., 2018, "Modeling Relational Data with Graph
    Convolutional Networks" (R-GCN, https://arxiv.org/abs/1703.06103); on the
    grid graph it is the 3x3 convolution of LeCun et al., 1998, "Gradient-based
    learning applied to document recognition".

    Args:
        in_channels: input features C_in.
        out_channels: output features C_out.
        num_offsets: number of edge types K (9 for a 3x3 kernel).
        bias: add a learnable bias.

    Shapes:
        - input: node features (N, C_in), edge indices (2, E), edge types (E,)
        - output: node features (N, C_out)
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
        # on the conv's device and dtype, so the copy below never crosses devices
        layer = cls(conv.in_channels, conv.out_channels, 9, bias=conv.bias is not None).to(conv.weight)
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
    Paper: Morris et al., 2019, "Weisfeiler and Leman Go Neural"
    (https://arxiv.org/abs/1810.02244), PyG's ``GraphConv(aggr="add")``.

    Args:
        in_channels: input features F.
        out_channels: output features F'.

    Shapes:
        - input: node features (N, F), edge indices (2, E)
        - output: node features (N, F')
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


def _graph_ids(batch: torch.Tensor | None, num_nodes: int, device: torch.device) -> tuple[torch.Tensor, int]:
    """The checked batch vector and the number of graphs B; ids must run 0..B-1 without a gap.

    PyG's pooling would return a row of zeros for a graph id that has no nodes;
    a classifier would then predict a class for a graph that does not exist.
    """
    batch = check_batch("batch", batch, num_nodes, device=device, contiguous=True)
    return batch, int(batch[-1]) + 1  # sorted and gap-free: the last id is B - 1


class GNNClassifier(nn.Module):
    """Graph classifier: ``num_layers`` x (NeighbourSumConv + ReLU), sum pooling, an MLP head.

    ``h^(l+1)_i = ReLU(W_root h^(l)_i + W_nbr sum_{j -> i} h^(l)_j + b)``, then
    ``logits_G = MLP(sum_{i in G} h^(L)_i)`` (PyG's ``global_add_pool``).
    Permutation-invariant: the class of a graph cannot depend on how its
    nodes are numbered. Papers: Morris et al., 2019, "Weisfeiler and Leman Go
    Neural" (https://arxiv.org/abs/1810.02244, the layer); Xu et al., 2019,
    "How Powerful are Graph Neural Networks?" (https://arxiv.org/abs/1810.00826,
    sum aggregation and sum readout).

    Args:
        in_channels: node features F.
        hidden_channels: width of the hidden layers.
        out_channels: number of classes C.
        num_layers: message-passing layers, >= 1.

    Shapes:
        - input: node features (N, F), edge indices (2, E), batch vector (N,) or ``None`` (one graph)
        - output: logits (B, C), one row per graph
    """

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int, num_layers: int = 2) -> None:
        super().__init__()
        check_int("in_channels", in_channels, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        check_int("out_channels", out_channels, min_value=1)
        check_int("num_layers", num_layers, min_value=1)
        dims = [in_channels] + [hidden_channels] * num_layers
        self.convs = nn.ModuleList(NeighbourSumConv(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.head = MLP(hidden_channels, (hidden_channels,), out_channels)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E), batch: (N,) or None -> (B, C) logits."""
        x = check_tensor("x", x, ndim=2, nonempty=True)
        batch, num_graphs = _graph_ids(batch, x.shape[0], x.device)
        h = x
        for conv in self.convs:
            h = torch.relu(conv(h, edge_index))  # (N, hidden)
        return self.head(global_add_pool(h, batch, size=num_graphs))  # (B, hidden) -> (B, C)


class AdjacencyMLP(nn.Module):
    """The Euclidean baseline: flatten each graph's adjacency matrix into a vector, then an MLP.

    Every graph must have exactly ``num_nodes`` nodes. The vector's entry
    ``i * N + j`` says "node i is linked to node j": the graph can be read
    back from it (no information is lost), but renumbering the nodes shuffles
    the entries and changes the output. The lesson's claim trains the same
    :class:`~gdl_teach.nn.mlp.MLP` on vectors flattened once, up front
    (:func:`gdl_teach.euclid.baselines.dense_adjacency`), which is faster.

    Args:
        num_nodes: N, the size of every graph.
        hidden_channels: sizes of the hidden layers, e.g. ``(64,)``.
        out_channels: number of classes C.

    Shapes:
        - input: node features (B * N, F) (only their number is used), edge
          indices (2, E), batch vector (B * N,) or ``None`` (one graph)
        - output: logits (B, C), one row per graph
    """

    def __init__(self, num_nodes: int, hidden_channels: Sequence[int], out_channels: int) -> None:
        super().__init__()
        self.num_nodes = check_int("num_nodes", num_nodes, min_value=1)
        self.mlp = MLP(num_nodes * num_nodes, hidden_channels, out_channels)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """x: (N_total, F) (only its length is used), edge_index: (2, E), batch: (N_total,) -> (B, C) logits."""
        x = check_tensor("x", x, ndim=2, nonempty=True)
        edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
        batch, _ = _graph_ids(batch, x.shape[0], x.device)
        sizes = torch.bincount(batch)
        if bool((sizes != self.num_nodes).any()):
            raise ValueError(f"every graph must have num_nodes={self.num_nodes} nodes, got sizes {sizes.tolist()}")
        adj = to_dense_adj(edge_index, batch, max_num_nodes=self.num_nodes)  # (B, N, N)
        return self.mlp(adj.reshape(adj.shape[0], -1))  # (B, N*N) -> (B, C)
