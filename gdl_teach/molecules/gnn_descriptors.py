"""The graph network handed the descriptors too: RDKit's 2D descriptors concatenated to the readout, as chemprop does.

Yang et al., *Analyzing learned molecular representations for property
prediction*, J. Chem. Inf. Model. 2019, https://doi.org/10.1021/acs.jcim.9b00237
(chemprop, https://arxiv.org/abs/1904.01561) found that a message-passing
network does best on small data sets when the molecule vector it learns is
concatenated with RDKit descriptors before the final MLP. The descriptors are
scaled inside the model, with statistics of the training molecules stored as
buffers, so the model takes raw descriptors and moves to its device in one piece.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn
from torch_geometric.nn import global_add_pool

from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.molecules.featurize import NUM_ATOM_FEATURES, NUM_BOND_FEATURES
from gdl_teach.molecules.gnn import GINEEncoder, check_graph_inputs
from gdl_teach.molecules.model_io import check_batch_vector, check_model_dtype, register_target_scaling

__all__ = ["signed_log", "descriptor_statistics", "DescriptorGNN"]

#: Scaled descriptors are clipped to this many standard deviations: a rare huge value cannot swamp the MLP.
CLIP = 5.0


def signed_log(x: torch.Tensor) -> torch.Tensor:
    """``sign(x) * log(1 + |x|)``: tames descriptors that span orders of magnitude (Bertz CT, molecular weight).

    Args:
        x: any shape.
    """
    return torch.sign(x) * torch.log1p(x.abs())


def descriptor_statistics(descriptors: Any) -> dict[str, torch.Tensor]:
    """Per-descriptor median, and mean and std after :func:`signed_log`, of the training molecules.

    Args:
        descriptors: (M, D) training descriptors (NaN allowed, e.g. from
            :func:`gdl_teach.molecules.descriptors.rdkit_descriptors`).

    Returns:
        ``{"median", "mean", "std"}``, each (D,) float32; a constant column gets std 1.
    """
    d = torch.as_tensor(np.asarray(descriptors, dtype=np.float64))
    check_tensor("descriptors", d, ndim=2, nonempty=True)
    if d.shape[0] < 2:
        raise ValueError(f"descriptors must have at least two rows (molecules), got {d.shape[0]}")
    median = torch.nan_to_num(d.nanmedian(dim=0).values)  # (D,); 0 for an all-NaN column
    z = signed_log(torch.where(torch.isnan(d), median, d))  # (M, D)
    std = z.std(dim=0)
    std = torch.where(std > 1e-8, std, torch.ones_like(std))
    return {"median": median.float(), "mean": z.mean(dim=0).float(), "std": std.float()}


class DescriptorGNN(nn.Module):
    r"""GINE atom states summed into a molecule vector, concatenated with scaled RDKit descriptors, then an MLP.

    The chemprop recipe (Yang et al. 2019, https://arxiv.org/abs/1904.01561) on the lesson's GINE encoder
    (Hu et al. 2020, https://arxiv.org/abs/1905.12265):

    .. math::
        g = \sum_{i \in \text{molecule}} h_i, \qquad
        z = \mathrm{clip}\Big(\frac{\mathrm{slog}(d) - m}{s}, \pm 5\Big), \qquad
        y = \mu + \sigma\, \mathrm{MLP}\big([g, z]\big)

    with ``h`` from :class:`~gdl_teach.molecules.gnn.GINEEncoder`, ``d`` the
    molecule's descriptors (a missing one replaced by the training median),
    ``slog`` the :func:`signed_log`, and ``m``, ``s``, ``mu``, ``sigma``
    statistics of the training molecules. Unlike :class:`MoleculeGNN`, the
    prediction no longer splits into per-atom terms.

    Args:
        num_descriptors: D, descriptors per molecule.
        statistics: what :func:`descriptor_statistics` returned for the training molecules.
        in_channels: number of atom features.
        edge_dim: number of bond features.
        hidden_channels: width of the atom states and of the MLP.
        num_layers: number of message-passing layers.
        dropout: dropout before each layer of the MLP (descriptors invite over-fitting on small data).
        target_mean: mean of the training labels.
        target_std: standard deviation of the training labels.

    Shapes:
        - input: a ``Data``/``Batch`` of B molecules with x ``(N, in_channels)``,
          edge_index ``(2, E)``, edge_attr ``(E, edge_dim)``, descriptors ``(B, D)``
          float32, batch ``(N,)``
        - output: ``(B, 1)`` in label units
    """

    def __init__(self, num_descriptors: int, statistics: dict[str, torch.Tensor],
                 in_channels: int = NUM_ATOM_FEATURES, edge_dim: int = NUM_BOND_FEATURES,
                 hidden_channels: int = 64, num_layers: int = 3, dropout: float = 0.1,
                 target_mean: float = 0.0, target_std: float = 1.0) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        self.edge_dim = check_int("edge_dim", edge_dim, min_value=1)
        self.num_descriptors = check_int("num_descriptors", num_descriptors, min_value=1)
        dropout = check_float("dropout", dropout, min_value=0.0, max_value=1.0)
        for key in ("median", "mean", "std"):
            value = check_tensor(f"statistics[{key!r}]", statistics.get(key), shape=(num_descriptors,),
                                 floating=True)
            self.register_buffer(f"descriptor_{key}", value.detach().float().clone())
        self.encoder = GINEEncoder(in_channels, edge_dim, hidden_channels, num_layers)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(hidden_channels + num_descriptors, hidden_channels),
                                  nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden_channels, 1))
        register_target_scaling(self, target_mean, target_std)

    def scale_descriptors(self, descriptors: torch.Tensor) -> torch.Tensor:
        """descriptors: (B, D) raw -> (B, D) filled, log-scaled, standardised and clipped."""
        d = torch.where(torch.isnan(descriptors), self.descriptor_median, descriptors)
        return ((signed_log(d) - self.descriptor_mean) / self.descriptor_std).clamp(-CLIP, CLIP)

    def forward(self, data: Any) -> torch.Tensor:
        """data: a ``Data``/``Batch`` of B molecules with ``descriptors: (B, D)`` -> (B, 1) predictions."""
        x, edge_index, edge_attr, batch, num_graphs, descriptors = self._inputs(data)
        h = self.encoder(x, edge_index, edge_attr)  # (N, hidden_channels)
        g = global_add_pool(h, batch, size=num_graphs)  # (B, hidden_channels): the learned molecule vector
        z = self.head(torch.cat([g, self.scale_descriptors(descriptors)], dim=-1))  # (B, 1)
        return self.target_mean + self.target_std * z

    def _inputs(self, data: Any) -> tuple[Any, ...]:
        x, edge_index, edge_attr = check_graph_inputs(self, data)
        batch, num_graphs = check_batch_vector("data.batch", getattr(data, "batch", None), x.shape[0], x.device)
        num_graphs = getattr(data, "num_graphs", num_graphs)
        if getattr(data, "descriptors", None) is None:
            raise ValueError("data.descriptors is missing: give every molecule its descriptors with "
                             "gdl_teach.molecules.training.with_descriptors(graphs, descriptors)")
        descriptors = check_tensor("data.descriptors", data.descriptors, shape=(num_graphs, self.num_descriptors),
                                   floating=True)
        return x, edge_index, edge_attr, batch, num_graphs, check_model_dtype("data.descriptors", descriptors, self)
