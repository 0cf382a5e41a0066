"""PointNet++: PointNets on local neighbourhoods, at several scales (Qi et al. 2017, arXiv:1706.02413).

"PointNet++: Deep Hierarchical Feature Learning on Point Sets in a Metric
Space", https://arxiv.org/abs/1706.02413. PointNet sees each point and the
whole cloud; PointNet++ adds what a CNN has: local receptive fields that grow
layer by layer. A *set abstraction* picks centres by farthest point sampling,
groups the points within a radius of each centre (a ball query) and runs a
small PointNet on each group, with positions taken relative to the centre.
*Feature propagation* brings the features back to the original points by
inverse-distance interpolation from the 3 nearest centres.

Neighbour search uses :mod:`gdl_teach.geometry.neighbors` (same conventions as
PyG's ``fps``/``radius``/``knn``, which need compiled packages not installed
here). The graph of a cloud depends only on its positions, so
:meth:`PointNet2.build_graph` computes it once and training steps reuse it.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from gdl_teach.core.validate import check_batch, check_choice, check_float, check_int, check_tensor
from gdl_teach.geometry.neighbors import fps, knn, radius
from gdl_teach.nn.pointnet import shared_mlp

#: How a neighbour's position relative to its centre is described.
OFFSETS: tuple[str, ...] = ("xyz", "cylindrical")


def relative_position(pos: torch.Tensor, pos_centre: torch.Tensor, edge_index: torch.Tensor,
                      offsets: str = "xyz") -> torch.Tensor:
    """Where each neighbour ``j`` sits relative to its centre ``i``: (E, 3) ``p_j - p_i``, or (E, 2) cylindrical.

    ``"cylindrical"`` keeps the horizontal distance and the height difference,
    ``(||(p_j - p_i)_{xy}||, z_j - z_i)``: unchanged by a translation and by a turn
    about the vertical axis (it forgets in which horizontal direction ``j`` lies).
    """
    j, i = edge_index
    d = pos[j] - pos_centre[i]
    return d if offsets == "xyz" else torch.stack([d[:, :2].norm(dim=1), d[:, 2]], dim=1)


class SetAbstraction(nn.Module):
    r"""The local PointNet of PointNet++ (https://arxiv.org/abs/1706.02413), max aggregation.

    .. math::
        \mathbf{h}_i = \max_{j \in \mathcal{N}(i)} \mathrm{MLP}\big([\mathbf{x}_j \,\|\, \mathbf{p}_j - \mathbf{p}_i]\big)

    for each centre ``i`` and its neighbours ``j`` (a ball or k-NN around the
    centre). With ``offsets="xyz"`` this is the update of PyG's
    :class:`~torch_geometric.nn.conv.PointNetConv` with ``global_nn=None`` and
    ``add_self_loops=False`` (tested). Positions enter only as differences, so
    a translation of the whole cloud changes nothing unless ``x`` itself holds
    positions; ``offsets="cylindrical"`` replaces :math:`\mathbf{p}_j - \mathbf{p}_i`
    by (horizontal distance, height difference), which a turn about the
    vertical axis leaves unchanged too (see :func:`relative_position`).

    Args:
        in_channels: features per point (0 for positions only).
        out_channels: features per centre.
        hidden_channels: width of the MLP's hidden layer.
        offsets: ``"xyz"`` (the paper's) or ``"cylindrical"``.

    Shapes:
        - **input:** x (N, in_channels) or None, pos (N, 3), pos_centre (M, 3),
          edge_index (2, E) with ``edge_index[0]`` a point and ``edge_index[1]`` its centre
        - **output:** (M, out_channels); a centre without neighbours gets zeros
    """

    def __init__(self, in_channels: int, out_channels: int, hidden_channels: int = 64, offsets: str = "xyz") -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=0)
        check_int("out_channels", out_channels, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        self.offsets = check_choice("offsets", offsets, OFFSETS)
        self.mlp = shared_mlp([in_channels + (3 if offsets == "xyz" else 2), hidden_channels, out_channels])

    def forward(self, x: torch.Tensor | None, pos: torch.Tensor, pos_centre: torch.Tensor,
                edge_index: torch.Tensor) -> torch.Tensor:
        """Features of the centres: max over each centre's neighbours of the MLP of (feature, offset)."""
        j, i = edge_index
        offset = relative_position(pos, pos_centre, edge_index, self.offsets)
        msg = self.mlp(offset if x is None else torch.cat([x[j], offset], dim=-1))
        out = msg.new_zeros(pos_centre.shape[0], msg.shape[1])
        return out.scatter_reduce(0, i[:, None].expand_as(msg), msg, reduce="amax", include_self=False)


def knn_interpolate(x: torch.Tensor, pos_x: torch.Tensor, pos_y: torch.Tensor, batch_x: torch.Tensor | None = None,
                    batch_y: torch.Tensor | None = None, k: int = 3) -> torch.Tensor:
    r"""Features at ``pos_y`` by inverse squared distance weights over the ``k`` nearest points of ``pos_x``.

    .. math::
        \mathbf{y}_i = \frac{\sum_{j \in \mathrm{kNN}(i)} w_{ij}\, \mathbf{x}_j}{\sum_j w_{ij}},
        \qquad w_{ij} = \frac{1}{\max(\|\mathbf{p}_j - \mathbf{p}_i\|^2, 10^{-16})}

    PointNet++'s feature propagation; the same formula as PyG's
    :func:`~torch_geometric.nn.unpool.knn_interpolate` (whose k-NN needs torch-cluster).

    Args:
        x: (N, F) features at ``pos_x``.
        pos_x: (N, 3) positions with features; pos_y: (M, 3) where features are wanted.
        batch_x, batch_y: optional sorted example indices.
        k: neighbours per query.

    Shapes:
        - **output:** (M, F)
    """
    check_tensor("x", x, ndim=2, floating=True)
    if x.shape[0] != pos_x.shape[0]:
        raise ValueError(f"x must have one row per point of pos_x ({pos_x.shape[0]}), got {x.shape[0]}")
    y_idx, x_idx = knn(pos_x, pos_y, k, batch_x, batch_y)
    return _interpolate(x, x_idx, y_idx, (pos_x[x_idx] - pos_y[y_idx]).pow(2).sum(-1), pos_y.shape[0])


def _interpolate(x: torch.Tensor, x_idx: torch.Tensor, y_idx: torch.Tensor, dist2: torch.Tensor,
                 num_targets: int) -> torch.Tensor:
    w = 1.0 / dist2.clamp_min(1e-16)
    num = x.new_zeros(num_targets, x.shape[1]).index_add_(0, y_idx, x[x_idx] * w[:, None])
    den = x.new_zeros(num_targets).index_add_(0, y_idx, w)
    return num / den[:, None]


@dataclass
class PointNet2Graph:
    """Where PointNet++ looks: centres, ball-query groups and interpolation weights of one batch of clouds.

    Level ``l`` has centres ``index[l]`` (into the points of level ``l - 1``), groups
    ``edge_index[l]`` (point of level ``l - 1`` -> centre) and, for the way back,
    ``up_index[l]`` / ``up_weight[l]``: the 3 nearest centres of each point and their
    normalised inverse squared distance weights.
    """

    pos: list[torch.Tensor]
    batch: list[torch.Tensor]
    edge_index: list[torch.Tensor]
    up_index: list[tuple[torch.Tensor, torch.Tensor]]
    up_dist2: list[torch.Tensor]

    def to(self, device: torch.device | str) -> PointNet2Graph:
        return PointNet2Graph(
            [p.to(device) for p in self.pos], [b.to(device) for b in self.batch],
            [e.to(device) for e in self.edge_index], [(a.to(device), b.to(device)) for a, b in self.up_index],
            [d.to(device) for d in self.up_dist2])


class PointNet2(nn.Module):
    r"""A two-level PointNet++ segmentation network (https://arxiv.org/abs/1706.02413).

    Set abstraction twice (farthest point sampling by ``ratios``, ball query of
    ``radii`` with at most ``max_num_neighbors`` points), then feature
    propagation twice (3-NN interpolation, concatenated with the skip features
    of that level, then a shared MLP), then a per-point head:

    .. math::
        \mathbf{h}^{(l)}_i = \max_{j:\ \|\mathbf{p}_j - \mathbf{p}_i\| \le r_l}
            \mathrm{MLP}_l\big([\mathbf{h}^{(l-1)}_j \,\|\, \mathbf{p}_j - \mathbf{p}_i]\big)

    Symmetries: the output is permutation-equivariant *given the centres*;
    farthest point sampling starts from each example's first point, so a
    permutation changes the centres and the output a little (tested with the
    centres held fixed). Centres, balls and interpolation depend on distances
    only, so with ``in_channels=0`` (no absolute features) and
    ``offsets="cylindrical"`` the whole network is invariant to translations
    and to turns about the vertical axis (tested); with ``offsets="xyz"`` only
    to translations.

    Args:
        in_channels: features per point (e.g. 3 for ``xyz``; 0 for none).
        out_channels: outputs per point.
        hidden_channels: width of the first level (the second is twice as wide).
        ratios: share of points kept as centres at each level.
        radii: ball-query radius at each level.
        max_num_neighbors: most points per ball.
        offsets: ``"xyz"`` or ``"cylindrical"``, see :class:`SetAbstraction`.

    Shapes:
        - **input:** x (N, in_channels) or None, pos (N, 3), batch (N,) optional,
          graph from :meth:`build_graph` optional (built when missing)
        - **output:** (N, out_channels)
    """

    def __init__(self, in_channels: int, out_channels: int, hidden_channels: int = 32,
                 ratios: tuple[float, float] = (0.25, 0.25), radii: tuple[float, float] = (0.5, 1.5),
                 max_num_neighbors: int = 16, offsets: str = "xyz") -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=0)
        check_int("out_channels", out_channels, min_value=1)
        h = check_int("hidden_channels", hidden_channels, min_value=1)
        if len(ratios) != 2 or len(radii) != 2:
            raise ValueError(f"ratios and radii must have two entries each, got {ratios!r} and {radii!r}")
        self.ratios = tuple(check_float(f"ratios[{i}]", r, min_value=0.0, strict_min=True, max_value=1.0)
                            for i, r in enumerate(ratios))
        self.radii = tuple(check_float(f"radii[{i}]", r, min_value=0.0, strict_min=True) for i, r in enumerate(radii))
        self.max_num_neighbors = check_int("max_num_neighbors", max_num_neighbors, min_value=1)
        self.sa1 = SetAbstraction(in_channels, h, h, offsets)
        self.sa2 = SetAbstraction(h, 2 * h, 2 * h, offsets)
        self.fp2 = shared_mlp([2 * h + h, 2 * h])
        self.fp1 = shared_mlp([2 * h + in_channels, h])
        self.head = shared_mlp([h, h, out_channels], last_relu=False)

    @torch.no_grad()
    def build_graph(self, pos: torch.Tensor, batch: torch.Tensor | None = None) -> PointNet2Graph:
        """Centres, groups and interpolation neighbours of ``pos`` (depends on positions only)."""
        check_tensor("pos", pos, shape=(None, 3), floating=True, nonempty=True)
        batch = check_batch("batch", batch, pos.shape[0], device=pos.device)
        levels_pos, levels_batch, edges, ups, dists = [pos], [batch], [], [], []
        for ratio, r in zip(self.ratios, self.radii):
            p, b = levels_pos[-1], levels_batch[-1]
            idx = fps(p, b, ratio=ratio, random_start=False)
            centre, point = radius(p, p[idx], r, b, b[idx], max_num_neighbors=self.max_num_neighbors)
            fine, coarse = knn(p[idx], p, 3, b[idx], b)  # for the way back up
            levels_pos.append(p[idx])
            levels_batch.append(b[idx])
            edges.append(torch.stack([point, centre]))
            ups.append((coarse, fine))
            dists.append((p[idx][coarse] - p[fine]).pow(2).sum(-1))
        return PointNet2Graph(levels_pos, levels_batch, edges, ups, dists)

    def forward(self, x: torch.Tensor | None, pos: torch.Tensor, batch: torch.Tensor | None = None,
                graph: PointNet2Graph | None = None) -> torch.Tensor:
        """Per-point outputs: (N, in_channels), (N, 3) -> (N, out_channels)."""
        if (x is None) != (self.in_channels == 0):
            raise ValueError(f"x must be None exactly when in_channels == 0 (in_channels={self.in_channels}), "
                             f"got {'None' if x is None else 'a tensor'}")
        if x is not None:
            check_tensor("x", x, shape=(pos.shape[0], self.in_channels), floating=True)
        graph = self.build_graph(pos, batch) if graph is None else graph
        p0, p1, p2 = graph.pos
        h1 = self.sa1(x, p0, p1, graph.edge_index[0])
        h2 = self.sa2(h1, p1, p2, graph.edge_index[1])
        up2 = _interpolate(h2, *graph.up_index[1], graph.up_dist2[1], p1.shape[0])
        h1 = self.fp2(torch.cat([up2, h1], dim=-1))
        up1 = _interpolate(h1, *graph.up_index[0], graph.up_dist2[0], p0.shape[0])
        return self.head(self.fp1(up1 if x is None else torch.cat([up1, x], dim=-1)))
