r"""Reference graph neural networks built on PyG layers: node and graph classifiers.

Node classifiers share one signature, ``Model(in_channels, hidden_channels,
out_channels, num_layers=2, dropout=0.5)``, and ``forward(x, edge_index) -> (N, C)``.
Their names end in ``NodeModel`` because PyG's own ``torch_geometric.nn.models.GCN``
(and ``GraphSAGE``, ``GAT``, ``GIN``) take other arguments
(``in_channels, hidden_channels, num_layers, out_channels``):

* :class:`GCNNodeModel` - Kipf & Welling, *Semi-Supervised Classification with Graph
  Convolutional Networks*, ICLR 2017, https://arxiv.org/abs/1609.02907.
* :class:`GraphSAGENodeModel` - Hamilton, Ying & Leskovec, *Inductive Representation
  Learning on Large Graphs*, NeurIPS 2017, https://arxiv.org/abs/1706.02216.
* :class:`GATNodeModel` - Velickovic et al., *Graph Attention Networks*, ICLR 2018,
  https://arxiv.org/abs/1710.10903.
* :class:`GINNodeModel` - Xu, Hu, Leskovec & Jegelka, *How Powerful are Graph Neural
  Networks?*, ICLR 2019, https://arxiv.org/abs/1810.00826.

:class:`GraphClassifier` stacks the same layers (each followed by batch
normalisation), sums the node embeddings of each graph with PyG's
``global_add_pool`` and classifies the sum:
``forward(x, edge_index, batch, num_graphs) -> (B, C)``. The comparisons that
train them are in :mod:`~gdl_teach.message_passing.node_task` and
:mod:`~gdl_teach.message_passing.graph_task`.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.nn import GATConv, GCNConv, GINConv, SAGEConv, global_add_pool

from gdl_teach.core.validate import check_batch, check_choice, check_edge_index, check_float, check_int, check_tensor
from gdl_teach.nn.mlp import MLP

__all__ = ["GNN_NAMES", "MODEL_NAMES", "GCNNodeModel", "GraphSAGENodeModel", "GATNodeModel", "GINNodeModel",
           "make_node_model", "GraphClassifier", "make_graph_model"]

GNN_NAMES = ("GCN", "GraphSAGE", "GAT", "GIN")
MODEL_NAMES = ("MLP", *GNN_NAMES)


def _check_inputs(model: nn.Module, x: Any, edge_index: Any, in_channels: int) -> tuple[torch.Tensor, torch.Tensor]:
    """x: (N, in_channels) floats with the dtype and device of the model's weights; edge_index valid for N nodes."""
    x = check_tensor("x", x, shape=(None, in_channels), floating=True, nonempty=True)
    weight = next(model.parameters())
    if x.dtype != weight.dtype or x.device != weight.device:
        raise TypeError(f"x is {x.dtype} on {x.device} but the model's weights are {weight.dtype} on "
                        f"{weight.device}; convert one to match the other (x.to(weight) or model.to(x))")
    return x, check_edge_index("edge_index", edge_index, x.shape[0])


class _NodeGNN(nn.Module):
    """A stack of ``num_layers`` graph layers with ReLU and dropout between them."""

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int, num_layers: int = 2,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        self.hidden_channels = check_int("hidden_channels", hidden_channels, min_value=1)
        self.out_channels = check_int("out_channels", out_channels, min_value=1)
        self.num_layers = check_int("num_layers", num_layers, min_value=1)
        self.dropout = check_float("dropout", dropout, min_value=0.0, max_value=1.0)
        widths = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = nn.ModuleList(self.make_conv(a, b, i == num_layers - 1)
                                   for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])))

    def make_conv(self, in_channels: int, out_channels: int, last: bool) -> nn.Module:  # pragma: no cover
        raise NotImplementedError

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, in_channels), edge_index: (2, E) -> (N, out_channels) logits."""
        x, edge_index = _check_inputs(self, x, edge_index, self.in_channels)
        for i, conv in enumerate(self.convs):
            x = F.dropout(x, self.dropout, self.training)
            x = conv(x, edge_index)
            if i < self.num_layers - 1:
                x = F.relu(x)
        return x


class GCNNodeModel(_NodeGNN):
    r"""Graph convolutional network: :math:`h_i' = \sum_j \hat A_{ij} W h_j + b` per layer.

    Kipf & Welling, ICLR 2017, https://arxiv.org/abs/1609.02907; PyG's
    ``GCNConv``, with :math:`\hat A = D^{-1/2} (A + I) D^{-1/2}`.

    Args:
        in_channels: input features F.
        hidden_channels: width of the hidden layers.
        out_channels: classes C.
        num_layers: graph layers (each adds one hop to the receptive field).
        dropout: dropout probability before every layer.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(N, C)` logits
    """

    def make_conv(self, in_channels: int, out_channels: int, last: bool) -> nn.Module:
        return GCNConv(in_channels, out_channels)


class GraphSAGENodeModel(_NodeGNN):
    r"""GraphSAGE with mean aggregation: :math:`h_i' = W_1 h_i + W_2 \,\mathrm{mean}_{j \to i} h_j`.

    Hamilton, Ying & Leskovec, NeurIPS 2017, https://arxiv.org/abs/1706.02216;
    PyG's ``SAGEConv(aggr="mean")``.

    Args:
        in_channels: input features F.
        hidden_channels: width of the hidden layers.
        out_channels: classes C.
        num_layers: graph layers.
        dropout: dropout probability before every layer.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(N, C)` logits
    """

    def make_conv(self, in_channels: int, out_channels: int, last: bool) -> nn.Module:
        return SAGEConv(in_channels, out_channels, aggr="mean")


class GATNodeModel(_NodeGNN):
    r"""Graph attention network: :math:`h_i' = \big\Vert_{k} \sum_{j \to i \,\cup\, i} \alpha^k_{ij} W^k h_j`.

    Velickovic et al., ICLR 2018, https://arxiv.org/abs/1710.10903; PyG's
    ``GATConv``. The attention weights :math:`\alpha^k_{ij}` of head ``k`` are a
    softmax over the neighbours of ``i`` of
    :math:`\mathrm{LeakyReLU}(a_k^\top [W^k h_i \Vert W^k h_j])`. Hidden layers
    have ``heads`` heads of ``hidden_channels // heads`` features each,
    concatenated; the last layer has one head.

    Args:
        in_channels: input features F.
        hidden_channels: width of the hidden layers (divisible by ``heads``).
        out_channels: classes C.
        num_layers: graph layers.
        dropout: dropout probability before every layer (and on the attention weights).
        heads: attention heads of the hidden layers.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(N, C)` logits
    """

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int, num_layers: int = 2,
                 dropout: float = 0.5, heads: int = 4) -> None:
        self.heads = check_int("heads", heads, min_value=1)
        if check_int("hidden_channels", hidden_channels, min_value=1) % heads:
            raise ValueError(f"hidden_channels must be divisible by heads={heads}, got {hidden_channels}")
        super().__init__(in_channels, hidden_channels, out_channels, num_layers, dropout)

    def make_conv(self, in_channels: int, out_channels: int, last: bool) -> nn.Module:
        if last:
            return GATConv(in_channels, out_channels, heads=1, dropout=self.dropout)
        return GATConv(in_channels, out_channels // self.heads, heads=self.heads, dropout=self.dropout)


class GINNodeModel(_NodeGNN):
    r"""Graph isomorphism network: :math:`h_i' = \mathrm{MLP}((1 + \varepsilon) h_i + \sum_{j \to i} h_j)`.

    Xu, Hu, Leskovec & Jegelka, ICLR 2019, https://arxiv.org/abs/1810.00826;
    PyG's ``GINConv`` with a two-layer MLP and :math:`\varepsilon = 0`.

    Args:
        in_channels: input features F.
        hidden_channels: width of the hidden layers (and of each layer's MLP).
        out_channels: classes C.
        num_layers: graph layers.
        dropout: dropout probability before every layer.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(N, C)` logits
    """

    def make_conv(self, in_channels: int, out_channels: int, last: bool) -> nn.Module:
        mlp = nn.Sequential(nn.Linear(in_channels, self.hidden_channels), nn.ReLU(),
                            nn.Linear(self.hidden_channels, out_channels))
        return GINConv(mlp)


_NODE_CLASSES = {"GCN": GCNNodeModel, "GraphSAGE": GraphSAGENodeModel, "GAT": GATNodeModel, "GIN": GINNodeModel}


def make_node_model(name: str, in_channels: int, hidden_channels: int, out_channels: int, num_layers: int = 2,
                    dropout: float = 0.5) -> nn.Module:
    """Build one of :data:`MODEL_NAMES` as a node classifier; ``"MLP"`` ignores the edges.

    Args:
        name: ``"MLP"``, ``"GCN"``, ``"GraphSAGE"``, ``"GAT"`` or ``"GIN"``.
        in_channels: input features F.
        hidden_channels: hidden width.
        out_channels: classes C.
        num_layers: layers (the MLP gets the same number of linear layers).
        dropout: dropout probability.
    """
    check_choice("name", name, MODEL_NAMES)
    if name == "MLP":
        num_layers = check_int("num_layers", num_layers, min_value=1)
        return MLP(in_channels, (hidden_channels,) * (num_layers - 1), out_channels, dropout=dropout)
    return _NODE_CLASSES[name](in_channels, hidden_channels, out_channels, num_layers=num_layers, dropout=dropout)


def _graph_ids(batch: Any, num_nodes: int, num_graphs: int | None, device: torch.device) -> tuple[torch.Tensor, int]:
    """The batch vector and the number of graphs B, refusing ids that would make a row for a graph with no node."""
    batch = check_batch("batch", batch, num_nodes, device=device, contiguous=num_graphs is None)
    if num_graphs is None:
        return batch, int(batch[-1]) + 1
    num_graphs = check_int("num_graphs", num_graphs, min_value=1)  # PyG's Batch.num_graphs: a graph may be empty
    if int(batch.max()) >= num_graphs:
        raise ValueError(f"batch refers to graph {int(batch.max())} but num_graphs={num_graphs}")
    return batch, num_graphs


class GraphClassifier(nn.Module):
    r"""Graph classification: graph layers, sum pooling over each graph's nodes, then an MLP.

    :math:`y_G = \mathrm{MLP}\big(\sum_{i \in G} h_i^{(L)}\big)` with
    :math:`h^{(L)}` the node embeddings after ``num_layers`` layers (each
    followed by batch normalisation and a ReLU, the recipe of Xu et al.), pooled
    by PyG's ``global_add_pool``. With ``conv="gin"`` this is GIN
    with sum readout (Xu et al., ICLR 2019, https://arxiv.org/abs/1810.00826);
    sum pooling keeps the count of each kind of node, which mean and max
    pooling lose. ``conv="none"`` has no graph layers: the kit's
    :class:`~gdl_teach.nn.mlp.MLP` on each node's own features, summed - a
    baseline that never looks at the edges (DeepSets, Zaheer et al.,
    NeurIPS 2017, https://arxiv.org/abs/1703.06114).

    Args:
        in_channels: node features F.
        hidden_channels: width of the node embeddings.
        out_channels: classes C.
        conv: ``"gcn"``, ``"sage"``, ``"gat"`` (one attention head), ``"gin"`` or ``"none"``.
        num_layers: graph layers.
        dropout: dropout before the final layer.
        batch_norm: batch normalisation over the nodes after every graph layer
            (``torch.nn.BatchNorm1d``); without it sum-pooled GCNs train slowly.

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`, batch :math:`(N,)` graph ids 0..B-1 (sorted)
        - **output:** :math:`(B, C)` logits
    """

    CONVS = ("gcn", "sage", "gat", "gin", "none")

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int, conv: str = "gin",
                 num_layers: int = 3, dropout: float = 0.0, batch_norm: bool = True) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        hidden_channels = check_int("hidden_channels", hidden_channels, min_value=1)
        out_channels = check_int("out_channels", out_channels, min_value=1)
        self.conv = check_choice("conv", conv, self.CONVS)
        num_layers = check_int("num_layers", num_layers, min_value=1)
        self.dropout = check_float("dropout", dropout, min_value=0.0, max_value=1.0)
        self.convs = nn.ModuleList(self._layer(in_channels if i == 0 else hidden_channels, hidden_channels)
                                   for i in range(num_layers))
        if not isinstance(batch_norm, bool):
            raise TypeError(f"batch_norm must be True or False, got {batch_norm!r}")
        self.norms = nn.ModuleList(nn.BatchNorm1d(hidden_channels) if batch_norm else nn.Identity()
                                   for _ in range(num_layers))
        self.head = nn.Sequential(nn.Linear(hidden_channels, hidden_channels), nn.ReLU(),
                                  nn.Linear(hidden_channels, out_channels))

    def _layer(self, a: int, b: int) -> nn.Module:
        if self.conv == "gcn":
            return GCNConv(a, b)
        if self.conv == "sage":
            return SAGEConv(a, b, aggr="mean")
        if self.conv == "gat":
            return GATConv(a, b, heads=1)  # one head, as in lesson 02's GATScatter
        if self.conv == "none":
            return MLP(a, (b,), b)  # node by node; never sees an edge
        return GINConv(nn.Sequential(nn.Linear(a, b), nn.ReLU(), nn.Linear(b, b)))

    def node_embeddings(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """Node embeddings after the graph layers, before pooling.

        Args:
            x: (N, F) node features.
            edge_index: (2, E) edges.

        Returns:
            (N, hidden_channels).
        """
        x, edge_index = _check_inputs(self, x, edge_index, self.in_channels)
        for layer, norm in zip(self.convs, self.norms):
            x = F.relu(norm(layer(x) if self.conv == "none" else layer(x, edge_index)))
        return x

    def embed(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None,
              num_graphs: int | None = None) -> torch.Tensor:
        """Graph embeddings before the classifier head: the sum of each graph's node embeddings.

        Args:
            x: (N, F) node features of all graphs in the batch.
            edge_index: (2, E) edges.
            batch: (N,) graph id of every node, sorted (``None``: one graph).
            num_graphs: B. ``None``: ``batch`` must use every id from 0 to its
                maximum (an id no node has is an error); give it, as PyG's
                ``Batch.num_graphs``, when a graph may have no nodes (its row is 0).

        Returns:
            (B, hidden_channels).
        """
        h = self.node_embeddings(x, edge_index)
        batch, num_graphs = _graph_ids(batch, h.shape[0], num_graphs, h.device)
        return global_add_pool(h, batch, size=num_graphs)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None,
                num_graphs: int | None = None) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E), batch: (N,), num_graphs: B (see :meth:`embed`) -> (B, C) logits."""
        h = self.embed(x, edge_index, batch, num_graphs)
        return self.head(F.dropout(h, self.dropout, self.training))


_GRAPH_CONVS = {"MLP": "none", "GCN": "gcn", "GraphSAGE": "sage", "GAT": "gat", "GIN": "gin"}


def make_graph_model(name: str, in_channels: int, hidden_channels: int, out_channels: int, num_layers: int = 3,
                     dropout: float = 0.0, batch_norm: bool = True) -> GraphClassifier:
    """Build one of :data:`MODEL_NAMES` as a :class:`GraphClassifier`; ``"MLP"`` ignores the edges.

    Args:
        name: ``"MLP"``, ``"GCN"``, ``"GraphSAGE"``, ``"GAT"`` or ``"GIN"``.
        in_channels: node features F.
        hidden_channels: hidden width.
        out_channels: classes C.
        num_layers: graph layers (node-wise MLP layers for ``"MLP"``).
        dropout: dropout before the final layer.
        batch_norm: batch normalisation after every graph layer.
    """
    check_choice("name", name, MODEL_NAMES)
    return GraphClassifier(in_channels, hidden_channels, out_channels, conv=_GRAPH_CONVS[name],
                           num_layers=num_layers, dropout=dropout, batch_norm=batch_norm)
