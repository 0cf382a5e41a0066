r"""The E(n)-equivariant graph neural network (EGNN).

Satorras, Hoogeboom & Welling, *E(n) Equivariant Graph Neural Networks*,
ICML 2021, https://arxiv.org/abs/2102.09844. Every node carries invariant
features :math:`h_i` and a position :math:`x_i`; one layer computes (the
paper's eqs. 3-6, messages flowing along the edges :math:`j \to i`)

.. math::
    m_{ij} &= \phi_e\big(h_i, h_j, \lVert x_i - x_j \rVert^2, a_{ij}\big) \\
    x_i' &= x_i + \frac{1}{|\mathcal N(i)|} \sum_{j \in \mathcal N(i)} (x_i - x_j)\, \phi_x(m_{ij})
            \;\big[+\, \phi_v(h_i)\, v_i\big] \\
    h_i' &= h_i + \phi_h\big(h_i, \textstyle\sum_{j} m_{ij}\big)

The messages see positions only through the distance :math:`\lVert x_i - x_j\rVert`,
which no rotation, reflection or translation changes, so :math:`m` and
:math:`h` are invariant. The position moves along the relative vectors
:math:`x_i - x_j` (and the velocity :math:`v_i`), scaled by invariant numbers,
so rotating or reflecting the input rotates or reflects the output the same
way, and translating it translates the output: E(n) equivariance, with no
spherical harmonics. The optional velocity term is the paper's eq. 7 as the
authors' code runs it (every layer scales the input velocity).

The layers are written with ``index_add_`` over ``edge_index`` (PyG's
convention: ``edge_index[0]`` sends, ``edge_index[1]`` receives); PyG has no
EGNN layer to compare with, so ``tests/nn/test_egnn.py`` checks the update rule
by hand and the symmetries with the kit's checker.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from gdl_teach.core.validate import check_edge_index, check_int, check_tensor

__all__ = ["coordinate_update", "EGNNLayer", "EGNN", "check_graph_in_space"]


def _values_known(tensor: torch.Tensor) -> bool:
    return tensor.device.type != "meta"  # meta tensors have shapes but no values


def check_graph_in_space(h: Any, pos: Any, edge_index: Any, edge_attr: Any, vel: Any, channels: int,
                         edge_channels: int) -> None:
    """Check the inputs of a layer on a graph in space and raise an error that names the argument.

    Node ids are range-checked except on the ``meta`` device, where tensors
    have shapes but no values (the kit's device tests run layers there).

    Args:
        h: (N, channels) node features, or ``None`` for a layer without them.
        pos: (N, D) positions.
        edge_index: (2, E) edges ``j -> i``.
        edge_attr: (E, edge_channels) edge attributes, or ``None``.
        vel: (N, D) velocities, or ``None``.
        channels: expected width of ``h``.
        edge_channels: expected width of ``edge_attr`` (0: must be ``None``).
    """
    pos = check_tensor("pos", pos, ndim=2, floating=True, nonempty=True)
    if h is not None:
        check_tensor("h", h, shape=(pos.shape[0], channels), floating=True)
    edge_index = check_tensor("edge_index", edge_index, shape=(2, None), integer=True)
    if _values_known(edge_index):
        check_edge_index("edge_index", edge_index, pos.shape[0])
    if edge_channels:
        check_tensor("edge_attr", edge_attr, shape=(edge_index.shape[1], edge_channels), floating=True)
    elif edge_attr is not None:
        raise ValueError("edge_attr was given but the layer was built with edge_channels=0")
    if vel is not None:
        check_tensor("vel", vel, shape=tuple(pos.shape), floating=True)


def coordinate_update(pos: torch.Tensor, edge_index: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    r"""The EGNN position update: move each node along its relative vectors, by invariant amounts (eq. 4).

    :math:`x_i' = x_i + \frac{1}{|\mathcal N(i)|} \sum_{j \to i} (x_i - x_j)\, w_{ij}`; the
    mean (the paper's :math:`C = 1/(M-1)` on a complete graph) keeps steps of
    the same size whatever a node's degree; nodes without incoming edges stay put.

    Args:
        pos: ``(N, D)`` positions.
        edge_index: ``(2, E)`` edges ``j -> i`` (``edge_index[0]`` sends, ``edge_index[1]`` receives).
        weight: ``(E, 1)`` invariant weights :math:`w_{ij} = \phi_x(m_{ij})`.

    Returns:
        ``(N, D)`` new positions.
    """
    src, dst = edge_index
    rel = pos[dst] - pos[src]  # (E, D): x_i - x_j
    shift = torch.zeros_like(pos).index_add_(0, dst, rel * weight)  # (N, D)
    degree = torch.zeros(pos.shape[0], 1, dtype=pos.dtype, device=pos.device).index_add_(
        0, dst, torch.ones(dst.shape[0], 1, dtype=pos.dtype, device=pos.device))  # (N, 1)
    return pos + shift / degree.clamp(min=1)


class EGNNLayer(nn.Module):
    r"""One E(n)-equivariant layer (Satorras et al. 2021, https://arxiv.org/abs/2102.09844, eqs. 3-7).

    See the module docstring for the update rule. The last layer of
    :math:`\phi_x` starts near zero (as in the authors' code) so that an
    untrained network moves the points only a little.

    Args:
        hidden_channels: width H of the node features and messages.
        edge_channels: number of edge attributes :math:`a_{ij}` (0 for none).
        velocity: add the velocity term :math:`\phi_v(h_i)\, v_i` (eq. 7).

    Shapes:
        - input: h ``(N, H)``, pos ``(N, D)``, edge_index ``(2, E)``, edge_attr ``(E, edge_channels)``
          or ``None``, vel ``(N, D)`` or ``None``
        - output: ``(h', pos')`` of shapes ``(N, H)`` and ``(N, D)``
    """

    def __init__(self, hidden_channels: int, edge_channels: int = 0, velocity: bool = False) -> None:
        super().__init__()
        self.hidden_channels = check_int("hidden_channels", hidden_channels, min_value=1)
        self.edge_channels = check_int("edge_channels", edge_channels, min_value=0)
        width = hidden_channels
        self.edge_mlp = nn.Sequential(nn.Linear(2 * width + 1 + edge_channels, width), nn.SiLU(),
                                      nn.Linear(width, width), nn.SiLU())
        last = nn.Linear(width, 1, bias=False)
        nn.init.xavier_uniform_(last.weight, gain=0.001)
        self.coord_mlp = nn.Sequential(nn.Linear(width, width), nn.SiLU(), last)
        self.node_mlp = nn.Sequential(nn.Linear(2 * width, width), nn.SiLU(), nn.Linear(width, width))
        self.vel_mlp = nn.Sequential(nn.Linear(width, width), nn.SiLU(), nn.Linear(width, 1)) if velocity else None

    def forward(self, h: torch.Tensor, pos: torch.Tensor, edge_index: torch.Tensor,
                edge_attr: torch.Tensor | None = None, vel: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """h: (N, H), pos: (N, D), edge_index: (2, E) -> (h', pos'): (N, H), (N, D)."""
        check_graph_in_space(h, pos, edge_index, edge_attr, vel, self.hidden_channels, self.edge_channels)
        if vel is not None and self.vel_mlp is None:
            raise ValueError("vel was given but the layer was built with velocity=False")
        src, dst = edge_index  # messages j -> i: j = src, i = dst
        rel = pos[dst] - pos[src]  # (E, D): x_i - x_j
        dist2 = (rel * rel).sum(dim=-1, keepdim=True)  # (E, 1): invariant
        parts = [h[dst], h[src], dist2] + ([edge_attr] if edge_attr is not None else [])
        m = self.edge_mlp(torch.cat(parts, dim=-1))  # (E, H): invariant messages
        pos = coordinate_update(pos, edge_index, self.coord_mlp(m))  # moves along x_i - x_j only
        if vel is not None and self.vel_mlp is not None:  # checked above: velocity layers have vel_mlp
            pos = pos + self.vel_mlp(h) * vel
        agg = torch.zeros_like(h).index_add_(0, dst, m)  # (N, H)
        return h + self.node_mlp(torch.cat([h, agg], dim=-1)), pos


class EGNN(nn.Module):
    r"""A stack of :class:`EGNNLayer` (Satorras et al. 2021, https://arxiv.org/abs/2102.09844).

    ``h = Linear(x)``, then ``num_layers`` EGNN layers update ``(h, pos)``;
    an optional linear head maps the invariant features to ``out_channels``.
    The returned features are E(n)-invariant, the returned positions
    E(n)-equivariant, and both permutation-equivariant.

    Args:
        in_channels: input node features F (invariant quantities: charges, speeds, atom types).
        hidden_channels: width H.
        num_layers: number of EGNN layers.
        edge_channels: number of edge attributes (0 for none).
        out_channels: size of a linear head on the final features (``None``: return the H features).
        velocity: use the velocity term of eq. 7 in every layer.

    Shapes:
        - input: x ``(N, F)``, pos ``(N, D)``, edge_index ``(2, E)``, edge_attr ``(E, edge_channels)``
          or ``None``, vel ``(N, D)`` or ``None``
        - output: ``(h, pos')`` of shapes ``(N, out_channels or H)`` and ``(N, D)``
    """

    def __init__(self, in_channels: int, hidden_channels: int = 64, num_layers: int = 4, edge_channels: int = 0,
                 out_channels: int | None = None, velocity: bool = False) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        check_int("num_layers", num_layers, min_value=1)
        self.embed = nn.Linear(in_channels, hidden_channels)
        self.layers = nn.ModuleList([EGNNLayer(hidden_channels, edge_channels, velocity) for _ in range(num_layers)])
        if out_channels is not None:
            check_int("out_channels", out_channels, min_value=1)
        self.head = nn.Linear(hidden_channels, out_channels) if out_channels is not None else None

    def forward(self, x: torch.Tensor, pos: torch.Tensor, edge_index: torch.Tensor,
                edge_attr: torch.Tensor | None = None, vel: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (N, F), pos: (N, D), edge_index: (2, E) -> (h, pos'): (N, out_channels or H), (N, D)."""
        check_tensor("x", x, shape=(None, self.in_channels), floating=True)
        h = self.embed(x)
        for layer in self.layers:
            h, pos = layer(h, pos, edge_index, edge_attr, vel)
        return (self.head(h) if self.head is not None else h), pos
