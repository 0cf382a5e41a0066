r"""The radial field: the simplest E(n)-equivariant update of positions.

Köhler, Klein & Noé, *Equivariant Flows: sampling configurations for
multi-body systems with symmetric energies*, 2019, https://arxiv.org/abs/1910.00753
(and ICML 2020, https://arxiv.org/abs/2006.02425). Each particle moves along
its relative vectors to the others, by amounts that depend only on their
distances; as run on the N-body task of Satorras et al. 2021
(https://arxiv.org/abs/2102.09844), a velocity term is added:

.. math::
    x_i' = x_i + \frac{1}{|\mathcal N(i)|} \sum_{j \in \mathcal N(i)} (x_i - x_j)\,
           \phi\big(\lVert x_i - x_j \rVert, a_{ij}\big) \;\big[+\, v_i\, \phi_v(\lVert v_i \rVert)\big]

It is an EGNN without node features: nothing but the positions carries
information from one layer to the next, so a particle cannot learn *who* its
neighbours' neighbours are. That is the difference the lesson measures.
"""
from __future__ import annotations

import torch
from torch import nn

from gdl_teach.core.validate import check_int
from gdl_teach.nn.egnn import check_graph_in_space, coordinate_update

__all__ = ["RadialFieldLayer", "RadialField"]


class RadialFieldLayer(nn.Module):
    r"""One radial-field update (Köhler et al. 2019, https://arxiv.org/abs/1910.00753).

    :math:`\phi` ends in ``tanh`` (the authors of the EGNN paper needed it for
    stability) and starts near zero, so an untrained layer barely moves the points.

    Args:
        hidden_channels: width of the MLPs :math:`\phi` and :math:`\phi_v`.
        edge_channels: number of edge attributes :math:`a_{ij}` (0 for none).
        velocity: add the velocity term :math:`v_i\, \phi_v(\lVert v_i \rVert)`.

    Shapes:
        - input: pos ``(N, D)``, edge_index ``(2, E)``, edge_attr ``(E, edge_channels)`` or ``None``,
          vel ``(N, D)`` or ``None``
        - output: pos' ``(N, D)``
    """

    def __init__(self, hidden_channels: int = 64, edge_channels: int = 0, velocity: bool = False) -> None:
        super().__init__()
        check_int("hidden_channels", hidden_channels, min_value=1)
        self.edge_channels = check_int("edge_channels", edge_channels, min_value=0)
        last = nn.Linear(hidden_channels, 1, bias=False)
        nn.init.xavier_uniform_(last.weight, gain=0.001)
        self.phi = nn.Sequential(nn.Linear(1 + edge_channels, hidden_channels), nn.SiLU(), last, nn.Tanh())
        self.phi_vel = nn.Sequential(nn.Linear(1, hidden_channels), nn.SiLU(),
                                     nn.Linear(hidden_channels, 1)) if velocity else None

    def forward(self, pos: torch.Tensor, edge_index: torch.Tensor, edge_attr: torch.Tensor | None = None,
                vel: torch.Tensor | None = None) -> torch.Tensor:
        """pos: (N, D), edge_index: (2, E) -> pos': (N, D)."""
        check_graph_in_space(None, pos, edge_index, edge_attr, vel, 0, self.edge_channels)
        if vel is not None and self.phi_vel is None:
            raise ValueError("vel was given but the layer was built with velocity=False")
        src, dst = edge_index  # messages j -> i
        rel = pos[dst] - pos[src]  # (E, D): x_i - x_j
        dist = rel.norm(dim=-1, keepdim=True)  # (E, 1): invariant
        weight = self.phi(torch.cat([dist, edge_attr], dim=-1) if edge_attr is not None else dist)  # (E, 1)
        pos = coordinate_update(pos, edge_index, weight)  # the EGNN update, with weights from distances alone
        if vel is not None and self.phi_vel is not None:  # checked above
            pos = pos + vel * self.phi_vel(vel.norm(dim=-1, keepdim=True))
        return pos


class RadialField(nn.Module):
    r"""``num_layers`` radial-field updates in a row (Köhler et al. 2019, https://arxiv.org/abs/1910.00753).

    Args:
        hidden_channels: width of each layer's MLPs.
        num_layers: number of updates.
        edge_channels: number of edge attributes (0 for none).
        velocity: use the velocity term in every layer.

    Shapes:
        - input: pos ``(N, D)``, edge_index ``(2, E)``, edge_attr ``(E, edge_channels)`` or ``None``,
          vel ``(N, D)`` or ``None``
        - output: pos' ``(N, D)``
    """

    def __init__(self, hidden_channels: int = 64, num_layers: int = 4, edge_channels: int = 0,
                 velocity: bool = False) -> None:
        super().__init__()
        check_int("num_layers", num_layers, min_value=1)
        self.layers = nn.ModuleList([RadialFieldLayer(hidden_channels, edge_channels, velocity)
                                     for _ in range(num_layers)])

    def forward(self, pos: torch.Tensor, edge_index: torch.Tensor, edge_attr: torch.Tensor | None = None,
                vel: torch.Tensor | None = None) -> torch.Tensor:
        """pos: (N, D), edge_index: (2, E) -> pos': (N, D)."""
        for layer in self.layers:
            pos = layer(pos, edge_index, edge_attr, vel)
        return pos
