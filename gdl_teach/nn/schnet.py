r"""A small SchNet: continuous-filter convolutions on interatomic distances.

Schütt, Kindermans, Sauceda, Chmiela, Tkatchenko & Müller, *SchNet: A
continuous-filter convolutional neural network for modeling quantum
interactions*, NeurIPS 2017, https://arxiv.org/abs/1706.08566. An interaction
block updates every atom from its neighbours through filters that are
functions of the distance alone,

.. math::
    h_i \leftarrow h_i + \mathrm{Lin}\Big(\mathrm{ssp}\Big(\mathrm{Lin}_2 \sum_{j \ne i}
        \mathrm{Lin}_1(h_j) \odot W\big(\mathrm{rbf}(d_{ij})\big)\, C(d_{ij})\Big)\Big),
    \qquad y = \sum_i \mathrm{MLP}(h_i),

with :math:`\mathrm{rbf}` a Gaussian expansion of the distance, :math:`W` an
MLP, :math:`C(d) = \tfrac12(\cos(\pi d / r_c) + 1)` a cosine cutoff and
:math:`\mathrm{ssp}(x) = \ln(1 + e^x) - \ln 2`. Only distances enter, so the
output is invariant to rotations, translations **and reflections**: a chiral
molecule and its mirror image get the same prediction (lesson 08 shows it).

:class:`CFConv` and :class:`InteractionBlock` keep the structure and parameter
names of PyG's (``torch_geometric.nn.models.schnet``), so PyG's weights load
into them and the outputs agree (``tests/nn/test_schnet.py``); PyG's full
``SchNet`` model needs ``torch-cluster`` for its radius graph, this one takes
the edges it is given or all pairs of each molecule.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from gdl_teach.core.validate import check_edge_index, check_float, check_int, check_tensor

__all__ = ["gaussian_rbf", "all_pairs", "ShiftedSoftplus", "CFConv", "InteractionBlock", "SchNet"]


def gaussian_rbf(dist: torch.Tensor, num_gaussians: int = 50, cutoff: float = 5.0) -> torch.Tensor:
    """Expand distances in Gaussians centred on ``num_gaussians`` points in ``[0, cutoff]`` (PyG's ``GaussianSmearing``).

    Args:
        dist: (E,) distances.
        num_gaussians: number of Gaussians (>= 2).
        cutoff: the last centre.

    Returns:
        (E, num_gaussians) features.
    """
    centres = torch.linspace(0.0, cutoff, num_gaussians, device=dist.device, dtype=dist.dtype)
    coeff = -0.5 / (cutoff / (num_gaussians - 1)) ** 2
    return torch.exp(coeff * (dist.view(-1, 1) - centres.view(1, -1)) ** 2)


def all_pairs(batch: torch.Tensor) -> torch.Tensor:
    """All ordered pairs ``(j, i)``, ``j != i``, of atoms in the same molecule.

    Args:
        batch: (N,) molecule id of each atom.

    Returns:
        edge_index: (2, P) with ``P = sum_m n_m (n_m - 1)``.
    """
    same = batch.unsqueeze(0) == batch.unsqueeze(1)  # (N, N)
    same.fill_diagonal_(False)
    j, i = same.nonzero(as_tuple=True)
    return torch.stack([j, i])


class ShiftedSoftplus(nn.Module):
    r"""SchNet's activation :math:`\ln(1 + e^x) - \ln 2` (zero at zero)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: any shape -> same shape."""
        return F.softplus(x) - math.log(2.0)


class CFConv(nn.Module):
    r"""The continuous-filter convolution (Schütt et al. 2017, https://arxiv.org/abs/1706.08566).

    :math:`x_i' = \mathrm{Lin}_2\big(\sum_{j \to i} \mathrm{Lin}_1(x_j) \odot \mathrm{nn}(a_{ji})\, C(d_{ji})\big)`,
    with edges beyond ``cutoff`` weighted zero.

    Args:
        in_channels: input features.
        out_channels: output features.
        num_filters: width of the filters.
        nn: the filter network, ``(E, num_gaussians) -> (E, num_filters)``.
        cutoff: distance where the filters reach zero.

    Shapes:
        - input: x ``(N, in_channels)``, edge_index ``(2, E)``, edge_weight ``(E,)`` distances,
          edge_attr ``(E, num_gaussians)``
        - output: ``(N, out_channels)``
    """

    def __init__(self, in_channels: int, out_channels: int, num_filters: int, nn: nn.Module, cutoff: float) -> None:
        super().__init__()
        self.lin1 = torch.nn.Linear(in_channels, num_filters, bias=False)
        self.lin2 = torch.nn.Linear(num_filters, out_channels)
        self.nn = nn
        self.cutoff = check_float("cutoff", cutoff, min_value=0.0, strict_min=True)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_weight: torch.Tensor,
                edge_attr: torch.Tensor) -> torch.Tensor:
        """x: (N, in_channels) -> (N, out_channels)."""
        smooth = 0.5 * (torch.cos(edge_weight * math.pi / self.cutoff) + 1.0) * (edge_weight < self.cutoff)  # (E,)
        weight = self.nn(edge_attr) * smooth.view(-1, 1)  # (E, num_filters)
        h = self.lin1(x)
        src, dst = edge_index
        out = torch.zeros(x.shape[0], h.shape[1], dtype=h.dtype, device=h.device).index_add_(
            0, dst, h[src] * weight)  # sum over neighbours j -> i
        return self.lin2(out)


class InteractionBlock(nn.Module):
    """SchNet's interaction block: filter MLP, :class:`CFConv`, shifted softplus, linear (PyG's names).

    Args:
        hidden_channels: width of the atom states.
        num_gaussians: size of the distance expansion.
        num_filters: width of the filters.
        cutoff: distance where the filters reach zero.

    Shapes:
        - input: x ``(N, hidden_channels)``, edge_index ``(2, E)``, edge_weight ``(E,)``, edge_attr ``(E, num_gaussians)``
        - output: ``(N, hidden_channels)`` (the update, added to ``x`` by :class:`SchNet`)
    """

    def __init__(self, hidden_channels: int, num_gaussians: int, num_filters: int, cutoff: float) -> None:
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(num_gaussians, num_filters), ShiftedSoftplus(),
                                 nn.Linear(num_filters, num_filters))
        self.conv = CFConv(hidden_channels, hidden_channels, num_filters, self.mlp, cutoff)
        self.act = ShiftedSoftplus()
        self.lin = nn.Linear(hidden_channels, hidden_channels)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, edge_weight: torch.Tensor,
                edge_attr: torch.Tensor) -> torch.Tensor:
        """x: (N, hidden_channels) -> (N, hidden_channels)."""
        return self.lin(self.act(self.conv(x, edge_index, edge_weight, edge_attr)))


class SchNet(nn.Module):
    r"""A small SchNet (Schütt et al. 2017, https://arxiv.org/abs/1706.08566): distances in, one number per molecule out.

    Atom features are embedded linearly (so any featurisation works, not
    only atomic numbers), updated by ``num_interactions`` residual
    :class:`InteractionBlock`\ s and summed over each molecule after an
    atom-wise MLP. Invariant to rotations, translations, reflections and atom
    permutations.

    Args:
        in_channels: atom features F.
        hidden_channels: width of the atom states.
        num_filters: width of the filters.
        num_interactions: number of interaction blocks.
        num_gaussians: size of the distance expansion.
        cutoff: distance where the filters reach zero.
        out_channels: outputs per molecule.

    Shapes:
        - input: x ``(N, F)``, pos ``(N, 3)``, batch ``(N,)`` or ``None`` (one molecule),
          edge_index ``(2, E)`` or ``None`` (all pairs in each molecule)
        - output: ``(B, out_channels)``
    """

    def __init__(self, in_channels: int, hidden_channels: int = 64, num_filters: int = 64, num_interactions: int = 3,
                 num_gaussians: int = 50, cutoff: float = 5.0, out_channels: int = 1) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        for name, value in (("hidden_channels", hidden_channels), ("num_filters", num_filters),
                            ("num_interactions", num_interactions), ("out_channels", out_channels)):
            check_int(name, value, min_value=1)
        self.num_gaussians = check_int("num_gaussians", num_gaussians, min_value=2)
        self.cutoff = check_float("cutoff", cutoff, min_value=0.0, strict_min=True)
        self.embedding = nn.Linear(in_channels, hidden_channels)
        self.interactions = nn.ModuleList([InteractionBlock(hidden_channels, num_gaussians, num_filters, cutoff)
                                           for _ in range(num_interactions)])
        self.head = nn.Sequential(nn.Linear(hidden_channels, max(hidden_channels // 2, 1)), ShiftedSoftplus(),
                                  nn.Linear(max(hidden_channels // 2, 1), out_channels))

    def forward(self, x: torch.Tensor, pos: torch.Tensor, batch: torch.Tensor | None = None,
                edge_index: torch.Tensor | None = None, num_graphs: int | None = None) -> torch.Tensor:
        """x: (N, F), pos: (N, 3) -> (B, out_channels); ``num_graphs`` defaults to ``batch.max() + 1``."""
        batch, edge_index, num_graphs = self._check(x, pos, batch, edge_index, num_graphs)
        src, dst = edge_index
        dist = (pos[src] - pos[dst]).norm(dim=-1)  # (E,): all the model sees of the geometry
        rbf = gaussian_rbf(dist, self.num_gaussians, self.cutoff)  # (E, num_gaussians)
        h = self.embedding(x)
        for block in self.interactions:
            h = h + block(h, edge_index, dist, rbf)
        atom_terms = self.head(h)  # (N, out_channels)
        out = torch.zeros(num_graphs, atom_terms.shape[1], dtype=h.dtype, device=h.device)
        return out.index_add_(0, batch, atom_terms)  # (B, out_channels): summed over each molecule

    def _check(self, x: torch.Tensor, pos: torch.Tensor, batch: torch.Tensor | None, edge_index: torch.Tensor | None,
               num_graphs: int | None) -> tuple[torch.Tensor, torch.Tensor, int]:
        pos = check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
        check_tensor("x", x, shape=(pos.shape[0], self.in_channels), floating=True)
        known = pos.device.type != "meta"  # meta tensors have shapes but no values
        if batch is None:
            batch, num_graphs = torch.zeros(pos.shape[0], dtype=torch.long, device=pos.device), 1
        check_tensor("batch", batch, shape=(pos.shape[0],), integer=True)
        if num_graphs is None:
            if not known:
                raise ValueError("num_graphs must be given on the meta device (batch.max() has no value there)")
            num_graphs = int(batch.max()) + 1
        check_int("num_graphs", num_graphs, min_value=1)
        if edge_index is None:
            if not known:
                raise ValueError("edge_index must be given on the meta device (all pairs depend on batch's values)")
            edge_index = all_pairs(batch)
        check_tensor("edge_index", edge_index, shape=(2, None), integer=True)
        if known:
            check_edge_index("edge_index", edge_index, pos.shape[0])
            if int(batch.min()) < 0 or int(batch.max()) >= num_graphs:
                raise ValueError(f"batch must hold graph ids in [0, {num_graphs - 1}]")
        return batch, edge_index, num_graphs
