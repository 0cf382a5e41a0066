"""The graph model of lesson 04: per-person infection risk from the contact network.

:class:`EpidemicGNN` is message passing with PyG's own layers, followed by a
linear head. The baselines are in :mod:`gdl_teach.epidemics.baselines` and
:mod:`gdl_teach.epidemics.contacts`; training and prediction in
:mod:`gdl_teach.epidemics.experiments`; the comparison over seeds in
:mod:`gdl_teach.epidemics.comparison`.
"""
from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.nn import GATConv, GCNConv, GraphConv, SAGEConv
from torch_geometric.utils import to_torch_csr_tensor

from gdl_teach.core.validate import check_choice, check_edge_index, check_float, check_int, check_tensor

CONVS = ("graph", "sage", "gcn", "gat")


class EpidemicGNN(nn.Module):
    r"""Per-person infection risk (a logit) from own features and the states of the contacts.

    ``num_layers`` rounds of message passing, each followed by ReLU, then a
    linear head:

    .. math::
        h_i^{(l+1)} = \mathrm{ReLU}\big(\mathrm{conv}(h^{(l)}, A)_i\big), \qquad
        \mathrm{logit}_i = w^\top h_i^{(L)} + b .

    Two layers let a person see contacts of contacts: who may infect them
    through someone else within the horizon. The layers are PyG's:

    - ``"graph"`` (the default): ``GraphConv(aggr="add")``,
      ``W_1 h_i + W_2 sum_{j in N(i)} w_ji h_j + b``: a sum over contacts
      weighted by the contact weight, so the first layer can compute the
      weighted count of infectious contacts exactly (Morris et al., "Weisfeiler
      and Leman Go Neural: Higher-order Graph Neural Networks", AAAI 2019,
      https://arxiv.org/abs/1810.02244).
    - ``"sage"``: ``SAGEConv(aggr="sum")``, the same sum without the weights
      (Hamilton, Ying & Leskovec, "Inductive Representation Learning on Large
      Graphs", NeurIPS 2017, https://arxiv.org/abs/1706.02216).
    - ``"gcn"``: ``GCNConv``, the symmetric-normalised average with edge weights
      (Kipf & Welling, "Semi-Supervised Classification with Graph Convolutional
      Networks", ICLR 2017, https://arxiv.org/abs/1609.02907).
    - ``"gat"``: ``GATConv`` with the edge weight as edge feature of its attention
      (Velickovic et al., "Graph Attention Networks", ICLR 2018,
      https://arxiv.org/abs/1710.10903).

    Args:
        in_channels: input features F (10 for :data:`~gdl_teach.epidemics.dataset.FEATURE_NAMES`).
        hidden_channels: width of each layer.
        num_layers: rounds of message passing (>= 1).
        conv: ``"graph"``, ``"sage"``, ``"gcn"`` or ``"gat"``.
        dropout: dropout before the head.

    Shapes:
        - **input:** node features ``x`` (N, F), ``edge_index`` (2, E), optional ``edge_weight`` (E,)
        - **output:** logits (N,)
    """

    def __init__(self, in_channels: int = 10, hidden_channels: int = 32, num_layers: int = 2, conv: str = "graph",
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        hidden_channels = check_int("hidden_channels", hidden_channels, min_value=1)
        num_layers = check_int("num_layers", num_layers, min_value=1)
        self.conv = check_choice("conv", conv, CONVS)
        self.dropout = check_float("dropout", dropout, min_value=0.0, max_value=1.0)
        dims = [in_channels] + [hidden_channels] * num_layers
        self.convs = nn.ModuleList(_make_conv(conv, a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.head = nn.Linear(hidden_channels, 1)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor,
                edge_weight: torch.Tensor | None = None) -> torch.Tensor:
        """Risk logits.

        Args:
            x: (N, F) node features.
            edge_index: (2, E) contacts, both directions.
            edge_weight: (E,) contact weights (used by every layer but ``"sage"``).

        Returns:
            logit: (N,); ``torch.sigmoid(logit)`` is the predicted probability.
        """
        self.check_inputs(x, edge_index, edge_weight)
        edges = self.layer_inputs(x.shape[0], edge_index, edge_weight)  # the contacts, as the PyG layers take them
        h = x
        for conv in self.convs:
            h = F.relu(conv(h, *edges))  # (N, hidden_channels)
        h = F.dropout(h, self.dropout, self.training)
        return self.head(h).squeeze(-1)  # (N,)

    def layer_inputs(self, num_nodes: int, edge_index: torch.Tensor,
                     edge_weight: torch.Tensor | None) -> tuple[torch.Tensor, ...]:
        """The edge arguments each kind of PyG layer understands, built once per forward pass.

        ``"graph"`` gets the weighted adjacency as a sparse CSR matrix ``adj_t``
        (``adj_t[i, j] = w_ji``), PyG's sparse input: the same weighted sum as
        gather-scatter over ``edge_index``, computed as one sparse matrix
        product, about 1.5 times faster on a CPU. ``"sage"`` ignores weights,
        ``"gcn"`` takes them as ``edge_weight`` and ``"gat"`` as (E, 1) edge features.

        Args:
            num_nodes: N.
            edge_index: (2, E).
            edge_weight: (E,) or ``None`` (every contact weighs 1).
        """
        if self.conv == "graph":
            if edge_weight is None:  # explicit ones: repeated contacts are summed, as the gather-scatter sum does
                edge_weight = torch.ones(edge_index.shape[1], device=edge_index.device)
            with warnings.catch_warnings():  # "sparse CSR support is in beta": PyG relies on it, we accept it
                warnings.simplefilter("ignore", UserWarning)
                return (to_torch_csr_tensor(edge_index.flip(0), edge_weight, size=(num_nodes, num_nodes)),)
        if self.conv == "sage" or edge_weight is None:
            return (edge_index,)
        return (edge_index, edge_weight if self.conv == "gcn" else edge_weight.unsqueeze(-1))

    def check_inputs(self, x: torch.Tensor, edge_index: torch.Tensor, edge_weight: torch.Tensor | None) -> None:
        """Shapes, dtypes and devices of the inputs, with errors that name the argument.

        Args:
            x: (N, F) node features.
            edge_index: (2, E) contacts.
            edge_weight: (E,) or ``None``.
        """
        check_tensor("x", x, shape=(None, self.in_channels), floating=True)
        check_edge_index("edge_index", edge_index, x.shape[0])
        if edge_weight is not None:
            check_tensor("edge_weight", edge_weight, shape=(edge_index.shape[1],), floating=True)
        device = self.head.weight.device
        for name, value in (("x", x), ("edge_index", edge_index), ("edge_weight", edge_weight)):
            if value is not None and value.device != device:
                raise ValueError(f"{name} is on {value.device} but the model is on {device}; "
                                 f"move the inputs with .to({str(device)!r})")


def _make_conv(kind: str, a: int, b: int) -> nn.Module:
    if kind == "graph":
        return GraphConv(a, b, aggr="add")
    if kind == "sage":
        return SAGEConv(a, b, aggr="sum")
    if kind == "gcn":
        return GCNConv(a, b)
    return GATConv(a, b, heads=1, edge_dim=1)
