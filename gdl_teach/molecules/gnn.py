"""The graph model: message passing with bond features (GINE) and a readout summed over atoms.

- :func:`gine_aggregate`: one message-passing step with edge features, written
  out by hand because the lesson teaches it (and asks the learner to write it);
  a test checks it against PyG's ``GINEConv``.
- :class:`GINELayer`: that step plus GIN's MLP update.
- :class:`GINEEncoder`: atom features to atom states, through GINE layers
  with residual connections.
- :class:`MoleculeGNN`: that encoder and an atom-wise head summed over the
  atoms with PyG's ``global_add_pool``, so a prediction splits exactly into
  per-atom contributions.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.nn import global_add_pool

from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.molecules.featurize import NUM_ATOM_FEATURES, NUM_BOND_FEATURES
from gdl_teach.molecules.model_io import check_batch_vector, check_edges, check_model_dtype, register_target_scaling

__all__ = ["gine_aggregate", "GINELayer", "GINEEncoder", "MoleculeGNN", "check_graph_inputs"]


def gine_aggregate(x: torch.Tensor, edge_index: torch.Tensor, edge_emb: torch.Tensor) -> torch.Tensor:
    """One message-passing step with edge features, as in GINE: ``sum_j ReLU(x_j + e_ji)``.

    Args:
        x: (N, F) atom states.
        edge_index: (2, E) directed edges ``j -> i`` (row 0 source ``j``, row 1 target ``i``).
        edge_emb: (E, F) bond embeddings, same width as ``x``.

    Returns:
        (N, F): row ``i`` is the sum over incoming edges of ``ReLU(x_j + e_ji)``.
    """
    msg = F.relu(x[edge_index[0]] + edge_emb)  # (E, F): one message per edge, from its source atom
    return torch.zeros_like(x).index_add_(0, edge_index[1], msg)  # (N, F): summed at the target atom


class GINELayer(nn.Module):
    r"""GINE convolution from Hu et al., "Strategies for Pre-training Graph Neural Networks"
    (ICLR 2020, https://arxiv.org/abs/1905.12265), on GIN (Xu et al., ICLR 2019, https://arxiv.org/abs/1810.00826).

    .. math::
        h_i' = \mathrm{MLP}\Big((1 + \epsilon)\, h_i + \sum_{j \to i} \mathrm{ReLU}(h_j + W e_{ji})\Big)

    Same maths as PyG's ``GINEConv(nn=MLP, edge_dim=edge_dim, train_eps=False)``.

    Args:
        hidden_channels: width F of the atom states.
        edge_dim: number of bond features.
        eps: weight of the atom's own state.

    Shapes:
        - input: x ``(N, F)``, edge_index ``(2, E)``, edge_attr ``(E, edge_dim)``
        - output: ``(N, F)``
    """

    def __init__(self, hidden_channels: int, edge_dim: int, eps: float = 0.0) -> None:
        super().__init__()
        check_int("hidden_channels", hidden_channels, min_value=1)
        check_int("edge_dim", edge_dim, min_value=1)
        self.eps = check_float("eps", eps)
        self.edge_lin = nn.Linear(edge_dim, hidden_channels)
        self.mlp = nn.Sequential(nn.Linear(hidden_channels, hidden_channels), nn.ReLU(),
                                 nn.Linear(hidden_channels, hidden_channels))

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_attr: torch.Tensor) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E), edge_attr: (E, edge_dim) -> (N, F)."""
        agg = gine_aggregate(x, edge_index, self.edge_lin(edge_attr))  # (N, F)
        return self.mlp((1 + self.eps) * x + agg)


class GINEEncoder(nn.Module):
    r"""Atom features to atom states: a linear embedding, then ``num_layers`` residual :class:`GINELayer`.

    .. math::
        h_i^{(0)} = W x_i, \qquad h_i^{(k+1)} = h_i^{(k)} + \mathrm{ReLU}\big(\mathrm{GINE}(h^{(k)})_i\big)

    After ``k`` layers an atom's state depends on the atoms up to ``k`` bonds
    away. Paper: Hu et al., ICLR 2020, https://arxiv.org/abs/1905.12265.

    Args:
        in_channels: number of atom features.
        edge_dim: number of bond features.
        hidden_channels: width of the atom states.
        num_layers: number of message-passing layers.

    Shapes:
        - input: x ``(N, in_channels)``, edge_index ``(2, E)``, edge_attr ``(E, edge_dim)``
        - output: ``(N, hidden_channels)``
    """

    def __init__(self, in_channels: int, edge_dim: int, hidden_channels: int, num_layers: int) -> None:
        super().__init__()
        check_int("in_channels", in_channels, min_value=1)
        check_int("edge_dim", edge_dim, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        check_int("num_layers", num_layers, min_value=0)
        self.lin = nn.Linear(in_channels, hidden_channels)
        self.convs = nn.ModuleList([GINELayer(hidden_channels, edge_dim) for _ in range(num_layers)])

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_attr: torch.Tensor) -> torch.Tensor:
        """x: (N, in_channels), edge_index: (2, E), edge_attr: (E, edge_dim) -> (N, hidden_channels)."""
        h = self.lin(x)  # (N, hidden_channels)
        for conv in self.convs:
            h = h + F.relu(conv(h, edge_index, edge_attr))  # residual: (N, hidden_channels)
        return h


def check_graph_inputs(model: nn.Module, data: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The checked ``x``, ``edge_index`` and ``edge_attr`` of ``data`` for a model with ``in_channels``/``edge_dim``.

    Args:
        model: a graph model with ``in_channels`` and ``edge_dim`` attributes.
        data: a PyG ``Data``/``Batch``.

    Returns:
        ``x: (N, in_channels)``, ``edge_index: (2, E)``, ``edge_attr: (E, edge_dim)``.
    """
    x = check_tensor("data.x", getattr(data, "x", None), shape=(None, model.in_channels), floating=True,
                     nonempty=True)
    check_model_dtype("data.x", x, model)
    edge_index = check_edges("data.edge_index", getattr(data, "edge_index", None), x.shape[0])
    edge_attr = check_tensor("data.edge_attr", getattr(data, "edge_attr", None),
                             shape=(edge_index.shape[1], model.edge_dim), floating=True)
    return x, edge_index, check_model_dtype("data.edge_attr", edge_attr, model)


class MoleculeGNN(nn.Module):
    r"""Message-passing network for molecular property regression (GINE layers, sum readout).

    Atom features are embedded, refined by ``num_layers`` :class:`GINELayer`
    with residual connections (:class:`GINEEncoder`), mapped atom by atom to a
    number, and summed over the atoms of each molecule:

    .. math::
        h_i \leftarrow h_i + \mathrm{ReLU}(\mathrm{GINE}(h)_i), \qquad
        y = \mu + \sigma \sum_{i \in \text{molecule}} \mathrm{head}(h_i)

    The sum readout makes every prediction an exact sum of per-atom terms
    (:meth:`atom_contributions`). ``mu``/``sigma`` are the training labels'
    mean and std, so the network itself learns a standardised target. Paper:
    Hu et al., ICLR 2020, https://arxiv.org/abs/1905.12265.

    Args:
        in_channels: number of atom features.
        edge_dim: number of bond features.
        hidden_channels: width of the atom states.
        num_layers: number of message-passing layers (the receptive field in bonds).
        target_mean: mean of the training labels.
        target_std: standard deviation of the training labels.

    Shapes:
        - input: a ``Data``/``Batch`` of B molecules with x ``(N, in_channels)``
          float32, edge_index ``(2, E)``, edge_attr ``(E, edge_dim)``, batch ``(N,)``
        - output: ``(B, 1)`` in label units
    """

    def __init__(self, in_channels: int = NUM_ATOM_FEATURES, edge_dim: int = NUM_BOND_FEATURES,
                 hidden_channels: int = 64, num_layers: int = 3,
                 target_mean: float = 0.0, target_std: float = 1.0) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        self.edge_dim = check_int("edge_dim", edge_dim, min_value=1)
        self.encoder = GINEEncoder(in_channels, edge_dim, hidden_channels, num_layers)
        self.head = nn.Sequential(nn.Linear(hidden_channels, hidden_channels), nn.ReLU(),
                                  nn.Linear(hidden_channels, 1))
        register_target_scaling(self, target_mean, target_std)

    def atom_contributions(self, data: Any) -> torch.Tensor:
        """Per-atom terms of the prediction, in label units: ``std * head(h_i)``.

        ``prediction = target_mean + sum of the contributions of its atoms``.

        Args:
            data: a PyG ``Data``/``Batch`` on the model's device with
                ``x: (N, in_channels)``, ``edge_index: (2, E)``, ``edge_attr: (E, edge_dim)``.

        Returns:
            (N,) contributions.
        """
        h = self.encoder(*check_graph_inputs(self, data))  # (N, hidden_channels)
        return self.target_std * self.head(h).squeeze(-1)  # (N,)

    def forward(self, data: Any) -> torch.Tensor:
        """data: a ``Data``/``Batch`` of B molecules -> (B, 1) predictions in label units."""
        terms = self.atom_contributions(data)  # (N,)
        batch, num_graphs = check_batch_vector("data.batch", getattr(data, "batch", None), terms.shape[0],
                                               terms.device)
        num_graphs = getattr(data, "num_graphs", num_graphs)  # a PyG Batch knows it without reading batch
        return self.target_mean + global_add_pool(terms.unsqueeze(-1), batch, size=num_graphs)  # (B, 1)
