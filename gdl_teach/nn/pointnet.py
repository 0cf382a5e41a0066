"""PointNet: a shared per-point MLP and a max over the set (Qi et al. 2017, arXiv:1612.00593).

"PointNet: Deep Learning on Point Sets for 3D Classification and Segmentation",
https://arxiv.org/abs/1612.00593. A point cloud is a *set*: the order in which
a sensor lists its points means nothing, so a model of it should not depend on
that order. PointNet gets this by construction: every point goes through the
same MLP, and the only operation across points is a symmetric one (a max).
"""
from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import global_max_pool

from gdl_teach.core.validate import check_batch, check_int, check_tensor


def shared_mlp(channels: list[int], last_relu: bool = True) -> nn.Sequential:
    """Linear layers, each followed by batch norm and ReLU (but the last when ``last_relu=False``).

    Applied row by row, to every point or every edge alike, it is the "shared MLP"
    of PointNet, PointNet++ and DGCNN.

    Args:
        channels: widths, input first, e.g. ``[3, 64, 64]``.
        last_relu: whether the last layer also gets batch norm and ReLU (False for a head).
    """
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(channels[:-1], channels[1:])):
        layers.append(nn.Linear(a, b))
        if last_relu or i < len(channels) - 2:
            layers += [nn.BatchNorm1d(b), nn.ReLU()]
    return nn.Sequential(*layers)


class PointNet(nn.Module):
    r"""PointNet for per-point segmentation (Qi et al. 2017, https://arxiv.org/abs/1612.00593).

    .. math::
        \mathbf{h}_i = \mathrm{MLP}_1(\mathbf{x}_i), \qquad
        \mathbf{g} = \max_{j \in \text{example}(i)} \mathbf{h}_j, \qquad
        \mathbf{y}_i = \mathrm{MLP}_2\big([\mathbf{h}_i \,\|\, \mathbf{g}]\big)

    (the max is taken channel by channel over the points of one example). Each
    point sees itself and one global summary of its cloud; nothing in between,
    which is the gap PointNet++ and DGCNN fill with local neighbourhoods. The
    paper's input and feature alignment networks (T-Nets) are left out.

    Symmetries: the global feature ``g`` is invariant, and the output equivariant,
    to any permutation of the points (tested with ``gdl_teach.core.symmetry``).
    Nothing makes it invariant to rotations or translations of ``x``.

    Args:
        in_channels: features per point (3 for ``xyz``).
        out_channels: outputs per point (classes).
        hidden_channels: width of the per-point features ``h``.
        global_channels: width of the global feature ``g``.

    Shapes:
        - **input:** x (N, in_channels), batch (N,) optional (sorted example index)
        - **output:** (N, out_channels)
    """

    def __init__(self, in_channels: int, out_channels: int, hidden_channels: int = 64,
                 global_channels: int = 128) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        check_int("out_channels", out_channels, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        check_int("global_channels", global_channels, min_value=1)
        self.local = shared_mlp([in_channels, hidden_channels, hidden_channels])
        self.lift = shared_mlp([hidden_channels, global_channels])
        self.head = shared_mlp([hidden_channels + global_channels, hidden_channels, out_channels], last_relu=False)

    def global_feature(self, x: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """The permutation-invariant summary ``g`` of each example: (N, F) -> (B, global_channels)."""
        batch, size = self._check(x, batch)
        return global_max_pool(self.lift(self.local(x)), batch, size)

    def forward(self, x: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """Per-point outputs: (N, in_channels) -> (N, out_channels)."""
        batch, size = self._check(x, batch)
        h = self.local(x)
        g = global_max_pool(self.lift(h), batch, size)  # (B, global_channels): one max per example
        return self.head(torch.cat([h, g[batch]], dim=-1))

    def _check(self, x: torch.Tensor, batch: torch.Tensor | None) -> tuple[torch.Tensor, int | None]:
        """The batch vector, and the number of examples when it is known without reading the data."""
        check_tensor("x", x, shape=(None, self.in_channels), floating=True, nonempty=True)
        return check_batch("batch", batch, x.shape[0], device=x.device), 1 if batch is None else None
