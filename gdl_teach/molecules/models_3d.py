"""Models that read 3D coordinates: one invariant to rotations and translations by construction, one not.

- :class:`SchNetLite`: continuous-filter convolutions on interatomic
  distances (Schütt et al., "SchNet", NeurIPS 2017, https://arxiv.org/abs/1706.08566);
  only distances enter, so turning or moving the molecule cannot change its output.
- :class:`CoordinateMLP`: a per-atom MLP on raw ``(x, y, z)``; it is not invariant.

Both sum per-atom terms over each molecule with PyG's ``global_add_pool``.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch_geometric.nn import global_add_pool

from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.molecules.featurize import NUM_ATOM_FEATURES
from gdl_teach.molecules.model_io import check_batch_vector, check_model_dtype

__all__ = ["molecule_pairs", "gaussian_rbf", "SchNetLite", "CoordinateMLP"]


def molecule_pairs(batch: torch.Tensor) -> torch.Tensor:
    """All ordered pairs ``(j, i)``, ``j != i``, of atoms in the same molecule.

    Args:
        batch: (N,) molecule id of each atom (sorted).

    Returns:
        edge_index: (2, P) with ``P = sum_m n_m (n_m - 1)``.
    """
    same = batch.unsqueeze(0) == batch.unsqueeze(1)  # (N, N)
    same.fill_diagonal_(False)
    j, i = same.nonzero(as_tuple=True)
    return torch.stack([j, i])  # (2, P)


def gaussian_rbf(dist: torch.Tensor, num_gaussians: int = 32, cutoff: float = 6.0) -> torch.Tensor:
    """Expand distances in Gaussians centred on ``num_gaussians`` points in ``[0, cutoff]`` (SchNet's filter input).

    Args:
        dist: (P,) distances in Angstrom.
        num_gaussians: number of Gaussians (>= 2).
        cutoff: the last centre, in Angstrom.

    Returns:
        (P, num_gaussians) features.
    """
    centres = torch.linspace(0.0, cutoff, num_gaussians, device=dist.device, dtype=dist.dtype)
    gamma = 0.5 / (centres[1] - centres[0]) ** 2
    return torch.exp(-gamma * (dist.unsqueeze(-1) - centres) ** 2)


def _check_points(model: nn.Module, pos: torch.Tensor, x: torch.Tensor, batch: torch.Tensor | None, finite: bool
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, int | None]:
    pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True, finite=finite)
    x = check_tensor("x", x, shape=(pos.shape[0], model.in_channels), floating=True)
    check_model_dtype("pos", pos, model)
    check_model_dtype("x", x, model)
    batch, num_graphs = check_batch_vector("batch", batch, pos.shape[0], pos.device)
    return pos, x, batch, num_graphs


class SchNetLite(nn.Module):
    r"""A small SchNet (Schütt et al., NeurIPS 2017, https://arxiv.org/abs/1706.08566): messages weighted
    by filters of interatomic distances.

    .. math::
        h_i \leftarrow h_i + \mathrm{MLP}\Big(\sum_{j \ne i} h_j \odot W(\mathrm{rbf}(d_{ij}))\, c(d_{ij})\Big),
        \qquad y = \sum_i \mathrm{head}(h_i)

    with ``W`` an MLP of a Gaussian expansion of the distance ``d_ij`` and
    ``c`` a cosine cutoff that goes smoothly to zero at ``cutoff``. Only
    distances enter, so rotating or translating the molecule cannot change the output.

    Args:
        in_channels: number of atom features.
        hidden_channels: width of the atom states.
        num_interactions: number of continuous-filter convolutions.
        num_gaussians: Gaussians in the distance expansion.
        cutoff: distances beyond this (Angstrom) are ignored.

    Shapes:
        - input: pos ``(N, 3)`` Angstrom, x ``(N, in_channels)``, batch ``(N,)`` or ``None`` (one molecule)
        - output: ``(B, 1)``
    """

    def __init__(self, in_channels: int = NUM_ATOM_FEATURES, hidden_channels: int = 32, num_interactions: int = 2,
                 num_gaussians: int = 32, cutoff: float = 6.0) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        check_int("num_interactions", num_interactions, min_value=1)
        self.num_gaussians = check_int("num_gaussians", num_gaussians, min_value=2)
        self.cutoff = check_float("cutoff", cutoff, min_value=0.0, strict_min=True)
        width = hidden_channels
        self.embed = nn.Linear(in_channels, width)
        self.filters = nn.ModuleList([nn.Sequential(nn.Linear(num_gaussians, width), nn.Tanh(), nn.Linear(width, width))
                                      for _ in range(num_interactions)])
        self.updates = nn.ModuleList([nn.Sequential(nn.Linear(width, width), nn.Tanh(), nn.Linear(width, width))
                                      for _ in range(num_interactions)])
        self.head = nn.Sequential(nn.Linear(width, width), nn.Tanh(), nn.Linear(width, 1))

    def forward(self, pos: torch.Tensor, x: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """pos: (N, 3) Angstrom, x: (N, in_channels), batch: (N,) -> (B, 1) predictions."""
        pos, x, batch, num_graphs = _check_points(self, pos, x, batch, finite=True)
        edge_index = molecule_pairs(batch)  # (2, P)
        dist = (pos[edge_index[0]] - pos[edge_index[1]]).norm(dim=-1)  # (P,)
        smooth = 0.5 * (torch.cos(dist * math.pi / self.cutoff) + 1) * (dist < self.cutoff)  # (P,)
        rbf = gaussian_rbf(dist, self.num_gaussians, self.cutoff)  # (P, num_gaussians)
        h = self.embed(x)  # (N, hidden_channels)
        for filt, update in zip(self.filters, self.updates):
            msg = h[edge_index[0]] * filt(rbf) * smooth.unsqueeze(-1)  # (P, hidden_channels)
            h = h + update(torch.zeros_like(h).index_add_(0, edge_index[1], msg))
        return global_add_pool(self.head(h), batch, size=num_graphs)  # (B, 1): summed over each molecule


class CoordinateMLP(nn.Module):
    r"""A per-atom MLP on ``[x_i, pos_i]`` summed over atoms: it reads raw coordinates.

    .. math::
        y = \sum_i \mathrm{MLP}([x_i, \mathrm{pos}_i])

    Permuting the atoms does not change its output, but rotating or moving the
    molecule does: the same molecule gets different predictions depending on
    how it sits in space. (A baseline of the lesson's own; no paper.)

    Args:
        in_channels: number of atom features.
        hidden_channels: hidden width.

    Shapes:
        - input: pos ``(N, 3)``, x ``(N, in_channels)``, batch ``(N,)`` or ``None`` (one molecule)
        - output: ``(B, 1)``
    """

    def __init__(self, in_channels: int = NUM_ATOM_FEATURES, hidden_channels: int = 32) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        self.net = nn.Sequential(nn.Linear(in_channels + 3, hidden_channels), nn.Tanh(), nn.Linear(hidden_channels, 1))

    def forward(self, pos: torch.Tensor, x: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """pos: (N, 3), x: (N, in_channels), batch: (N,) -> (B, 1)."""
        pos, x, batch, num_graphs = _check_points(self, pos, x, batch, finite=False)
        terms = self.net(torch.cat([x, pos], dim=-1))  # (N, 1)
        return global_add_pool(terms, batch, size=num_graphs)  # (B, 1)
