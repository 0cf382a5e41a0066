"""The lesson's contenders: a CNN and a p4 network for digits; four models of charged particles.

Digits (``(B, 1, 8, 8) -> (B, 10)`` class scores), the same architecture twice:

- :class:`DigitCNN`: conv-ReLU-pool, conv-ReLU-pool, conv-ReLU, global max, linear;
- :class:`P4DigitCNN`: the same with a lifting convolution and p4 group
  convolutions (:mod:`gdl_teach.nn.group_conv`), and a max over rotations as
  well as space before the linear layer, so its scores do not change when a
  digit turns by 90 degrees. Half the channels give about the same number of
  parameters (each p4 channel holds four rotation grids).

Charged particles (a batch from :func:`gdl_teach.equivariance.nbody.system_batch`
``-> (N, 3)`` predicted positions):

- :class:`CoordinateGNN`: message passing on raw coordinates: node features
  are the velocity vector and speed, edge features the charge product, the
  relative position vector and the squared distance; it predicts a displacement.
  It sees everything the EGNN sees, but as numbers in a fixed frame.
- :class:`ParticleEGNN`: :class:`gdl_teach.nn.egnn.EGNN` with the paper's
  inputs (speed as node feature, charge product and squared distance on edges,
  velocity term).
- :class:`ParticleRadialField`: :class:`gdl_teach.nn.radial_field.RadialField`, same inputs.
- :class:`LinearDynamics`: ``x + t v`` with one learned ``t``: the floor any model must beat.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from gdl_teach.core.validate import check_int, check_tensor
from gdl_teach.nn.egnn import EGNN
from gdl_teach.nn.group_conv import P4GroupConv, P4LiftingConv, max_pool_p4, pool_rotations
from gdl_teach.nn.radial_field import RadialField

__all__ = ["DigitCNN", "P4DigitCNN", "CoordinateGNN", "ParticleEGNN", "ParticleRadialField", "LinearDynamics",
           "count_parameters"]

NUM_CLASSES = 10


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class DigitCNN(nn.Module):
    """A small CNN for 8x8 digits: translation-equivariant convolutions, nothing about rotations.

    Args:
        hidden_channels: channels of the three convolutions.

    Shapes:
        - input: ``(B, 1, H, W)`` with H, W divisible by 4
        - output: ``(B, 10)`` class scores
    """

    def __init__(self, hidden_channels: int = 16) -> None:
        super().__init__()
        c = check_int("hidden_channels", hidden_channels, min_value=1)
        self.convs = nn.ModuleList([nn.Conv2d(1, c, 3, padding=1), nn.Conv2d(c, c, 3, padding=1),
                                    nn.Conv2d(c, c, 3, padding=1)])
        for conv in self.convs:  # He initialisation, as the p4 layers: both networks start alike
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
        self.head = nn.Linear(c, NUM_CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, 1, H, W) -> (B, 10)."""
        check_tensor("x", x, shape=(None, 1, None, None), floating=True)
        h = nn.functional.max_pool2d(torch.relu(self.convs[0](x)), 2)
        h = nn.functional.max_pool2d(torch.relu(self.convs[1](h)), 2)
        h = torch.relu(self.convs[2](h))
        return self.head(h.amax(dim=(2, 3)))  # global max over the grid


class P4DigitCNN(nn.Module):
    """The same CNN built from p4 layers (Cohen & Welling 2016, https://arxiv.org/abs/1602.07576): invariant to quarter turns.

    Lifting conv, then two p4 group convs, with the same ReLUs and poolings as
    :class:`DigitCNN` (all equivariant); then a max over rotations and space (Cohen & Welling's choice),
    which is invariant, and a linear layer on top.

    Args:
        hidden_channels: p4 channels (each with 4 rotation grids).

    Shapes:
        - input: ``(B, 1, H, W)`` with ``H == W`` divisible by 4
        - output: ``(B, 10)`` class scores
    """

    def __init__(self, hidden_channels: int = 8) -> None:
        super().__init__()
        c = check_int("hidden_channels", hidden_channels, min_value=1)
        self.lift = P4LiftingConv(1, c)
        self.convs = nn.ModuleList([P4GroupConv(c, c), P4GroupConv(c, c)])
        self.head = nn.Linear(c, NUM_CLASSES)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The equivariant part: x (B, 1, H, W) -> p4 map (B, C, 4, H / 4, W / 4)."""
        check_tensor("x", x, shape=(None, 1, None, None), floating=True)
        h = max_pool_p4(torch.relu(self.lift(x)))
        h = max_pool_p4(torch.relu(self.convs[0](h)))
        return torch.relu(self.convs[1](h))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, 1, H, W) -> (B, 10)."""
        pooled = pool_rotations(self.features(x), "max").amax(dim=(2, 3))  # (B, C): invariant
        return self.head(pooled)


def _edge_inputs(batch: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    pos = check_tensor("batch.pos", batch.pos, shape=(None, 3), floating=True, nonempty=True)
    check_tensor("batch.vel", batch.vel, shape=tuple(pos.shape), floating=True)
    check_tensor("batch.charge", batch.charge, shape=(pos.shape[0], 1), floating=True)
    edge_index = check_tensor("batch.edge_index", batch.edge_index, shape=(2, None), integer=True)
    src, dst = edge_index
    rel = pos[dst] - pos[src]  # (E, 3): x_i - x_j
    return rel, batch.charge[src] * batch.charge[dst], (rel * rel).sum(-1, keepdim=True)


class CoordinateGNN(nn.Module):
    r"""Message passing on raw coordinates (the EGNN paper's GNN baseline, given relative positions too).

    .. math::
        m_{ij} = \phi_e(h_i, h_j, q_i q_j, x_i - x_j, \lVert x_i - x_j\rVert^2), \quad
        h_i \leftarrow h_i + \phi_h(h_i, \textstyle\sum_j m_{ij}), \quad \hat x_i = x_i + \mathrm{MLP}(h_i)

    with :math:`h_i^0 = \mathrm{Lin}(v_i, \lVert v_i\rVert)`. Vectors enter as three numbers each, so the
    network must learn from data how they turn; translations cannot change it (only differences enter).

    Args:
        hidden_channels: width H.
        num_layers: message-passing layers.

    Shapes:
        - input: a batch with ``pos, vel (N, 3)``, ``charge (N, 1)``, ``edge_index (2, E)``
        - output: ``(N, 3)`` predicted positions
    """

    def __init__(self, hidden_channels: int = 32, num_layers: int = 3) -> None:
        super().__init__()
        h = check_int("hidden_channels", hidden_channels, min_value=1)
        check_int("num_layers", num_layers, min_value=1)
        self.embed = nn.Linear(4, h)
        self.edge_mlps = nn.ModuleList([nn.Sequential(nn.Linear(2 * h + 5, h), nn.SiLU(), nn.Linear(h, h), nn.SiLU())
                                        for _ in range(num_layers)])
        self.node_mlps = nn.ModuleList([nn.Sequential(nn.Linear(2 * h, h), nn.SiLU(), nn.Linear(h, h))
                                        for _ in range(num_layers)])
        self.decoder = nn.Sequential(nn.Linear(h, h), nn.SiLU(), nn.Linear(h, 3))

    def forward(self, batch: Any) -> torch.Tensor:
        """batch -> (N, 3)."""
        rel, charge_product, dist2 = _edge_inputs(batch)
        src, dst = batch.edge_index
        edge_attr = torch.cat([charge_product, rel, dist2], dim=-1)  # (E, 5)
        h = self.embed(torch.cat([batch.vel, batch.vel.norm(dim=-1, keepdim=True)], dim=-1))
        for edge_mlp, node_mlp in zip(self.edge_mlps, self.node_mlps):
            m = edge_mlp(torch.cat([h[dst], h[src], edge_attr], dim=-1))
            h = h + node_mlp(torch.cat([h, torch.zeros_like(h).index_add_(0, dst, m)], dim=-1))
        return batch.pos + self.decoder(h)


class ParticleEGNN(nn.Module):
    """:class:`gdl_teach.nn.egnn.EGNN` on the N-body task, with the paper's inputs.

    Node feature: the speed :math:`\\lVert v_i \\rVert`; edge attributes: :math:`q_i q_j` and the
    input's squared distance; the velocity term of eq. 7 in every layer.

    Args:
        hidden_channels: width H.
        num_layers: EGNN layers.

    Shapes:
        - input: a batch with ``pos, vel (N, 3)``, ``charge (N, 1)``, ``edge_index (2, E)``
        - output: ``(N, 3)`` predicted positions
    """

    def __init__(self, hidden_channels: int = 32, num_layers: int = 3) -> None:
        super().__init__()
        self.egnn = EGNN(1, hidden_channels, num_layers, edge_channels=2, velocity=True)

    def forward(self, batch: Any) -> torch.Tensor:
        """batch -> (N, 3)."""
        _, charge_product, dist2 = _edge_inputs(batch)
        speed = batch.vel.norm(dim=-1, keepdim=True)
        _, pos = self.egnn(speed, batch.pos, batch.edge_index, torch.cat([charge_product, dist2], dim=-1), batch.vel)
        return pos


class ParticleRadialField(nn.Module):
    """:class:`gdl_teach.nn.radial_field.RadialField` on the N-body task (edges: charge product, squared distance).

    Args:
        hidden_channels: width of each layer's MLPs.
        num_layers: updates.

    Shapes:
        - input: a batch with ``pos, vel (N, 3)``, ``charge (N, 1)``, ``edge_index (2, E)``
        - output: ``(N, 3)`` predicted positions
    """

    def __init__(self, hidden_channels: int = 32, num_layers: int = 3) -> None:
        super().__init__()
        self.field = RadialField(hidden_channels, num_layers, edge_channels=2, velocity=True)

    def forward(self, batch: Any) -> torch.Tensor:
        """batch -> (N, 3)."""
        _, charge_product, dist2 = _edge_inputs(batch)
        return self.field(batch.pos, batch.edge_index, torch.cat([charge_product, dist2], dim=-1), batch.vel)


class LinearDynamics(nn.Module):
    """Straight-line motion ``x + t v`` with one learned time ``t``: what a model gets without any interaction.

    Shapes:
        - input: a batch with ``pos, vel (N, 3)``
        - output: ``(N, 3)``
    """

    def __init__(self) -> None:
        super().__init__()
        self.time = nn.Parameter(torch.ones(1))

    def forward(self, batch: Any) -> torch.Tensor:
        """batch -> (N, 3)."""
        return batch.pos + self.time * batch.vel
