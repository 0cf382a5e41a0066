"""EdgeConv and DGCNN: message passing on a k-NN graph of the points (Wang et al. 2019, arXiv:1801.07829).

"Dynamic Graph CNN for Learning on Point Clouds", https://arxiv.org/abs/1801.07829.
EdgeConv treats a point cloud as a graph, each point linked to its ``k``
nearest neighbours, and computes an edge feature from the centre and the
offset to each neighbour, then takes the max over the neighbours. DGCNN stacks
EdgeConvs and, in its *dynamic* form, rebuilds the k-NN graph in the feature
space of each layer, so that points far apart but alike can talk.

The k-NN graph comes from :func:`gdl_teach.geometry.neighbors.knn_graph`
(PyG's ``knn_graph`` and ``DynamicEdgeConv`` need torch-cluster, not installed here).
"""
from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import global_max_pool

from gdl_teach.core.validate import check_batch, check_edge_index, check_int, check_tensor
from gdl_teach.geometry.neighbors import knn_graph
from gdl_teach.nn.pointnet import shared_mlp


class EdgeConv(nn.Module):
    r"""The edge convolution of DGCNN (https://arxiv.org/abs/1801.07829), max aggregation.

    .. math::
        \mathbf{x}'_i = \max_{j \in \mathcal{N}(i)} h_{\Theta}\big([\mathbf{x}_i \,\|\, \mathbf{x}_j - \mathbf{x}_i]\big)

    with :math:`h_\Theta` an MLP. The same update as PyG's
    :class:`~torch_geometric.nn.conv.EdgeConv` with ``aggr="max"`` (tested, on a
    precomputed ``edge_index``). The term :math:`\mathbf{x}_i` carries the
    absolute position when ``x`` holds coordinates, so EdgeConv sees both the
    local shape (offsets) and where the point is.

    Symmetries: equivariant to permutations of the points (with the graph
    relabelled alike); invariant to the order of each point's neighbours.

    Args:
        in_channels: features per point.
        out_channels: features per point after the layer.
        hidden_channels: width of the MLP's hidden layer.

    Shapes:
        - **input:** x (N, in_channels), edge_index (2, E), ``edge_index[0]`` the neighbour
          ``j`` and ``edge_index[1]`` the centre ``i`` (PyG's ``source_to_target`` flow)
        - **output:** (N, out_channels); a point without neighbours gets zeros
    """

    def __init__(self, in_channels: int, out_channels: int, hidden_channels: int = 64) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        check_int("out_channels", out_channels, min_value=1)
        check_int("hidden_channels", hidden_channels, min_value=1)
        self.mlp = shared_mlp([2 * in_channels, hidden_channels, out_channels])

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """Max over each point's neighbours of the MLP of (centre, offset)."""
        check_tensor("x", x, shape=(None, self.in_channels), floating=True)
        if edge_index.device.type != "meta":  # a meta tensor has shapes but no ids to check
            check_edge_index("edge_index", edge_index, x.shape[0])
        j, i = edge_index
        msg = self.mlp(torch.cat([x[i], x[j] - x[i]], dim=-1))
        out = msg.new_zeros(x.shape[0], msg.shape[1])
        return out.scatter_reduce(0, i[:, None].expand_as(msg), msg, reduce="amax", include_self=False)


class DGCNN(nn.Module):
    r"""DGCNN for per-point segmentation (https://arxiv.org/abs/1801.07829).

    ``num_layers`` EdgeConvs; their outputs are concatenated, lifted by a shared
    MLP and max-pooled over each example into a global feature, which is
    appended to every point before the per-point head (as in the paper's
    segmentation network):

    .. math::
        \mathbf{x}^{(l)} = \mathrm{EdgeConv}_l\big(\mathbf{x}^{(l-1)}, G^{(l)}\big), \qquad
        \mathbf{y}_i = \mathrm{MLP}\big([\mathbf{x}^{(1)}_i \| \dots \| \mathbf{x}^{(L)}_i \| \mathbf{g}]\big)

    With ``dynamic=True`` each layer's graph :math:`G^{(l)}` is the k-NN graph of
    its input features (the paper's DGCNN); with ``dynamic=False`` every layer
    uses the k-NN graph of ``pos`` (a static EdgeConv network, cheaper, and the
    graph can be computed once per cloud).

    Symmetries: permutation-equivariant (ties in the k-NN search aside).

    Args:
        in_channels: features per point (3 for ``xyz``).
        out_channels: outputs per point.
        hidden_channels: width of each EdgeConv.
        num_layers: number of EdgeConvs.
        k: neighbours per point.
        dynamic: rebuild the graph in feature space at every layer.
        global_channels: width of the global feature.

    Shapes:
        - **input:** x (N, in_channels), pos (N, 3), batch (N,) optional,
          edge_index (2, N * k) optional (the k-NN graph of ``pos``; built when missing)
        - **output:** (N, out_channels)
    """

    def __init__(self, in_channels: int, out_channels: int, hidden_channels: int = 32, num_layers: int = 2,
                 k: int = 16, dynamic: bool = False, global_channels: int = 64) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        check_int("out_channels", out_channels, min_value=1)
        h = check_int("hidden_channels", hidden_channels, min_value=1)
        num_layers = check_int("num_layers", num_layers, min_value=1)
        self.k = check_int("k", k, min_value=1)
        self.dynamic = bool(dynamic)
        self.convs = nn.ModuleList(EdgeConv(in_channels if i == 0 else h, h, h) for i in range(num_layers))
        self.lift = shared_mlp([num_layers * h, check_int("global_channels", global_channels, min_value=1)])
        self.head = shared_mlp([num_layers * h + global_channels, h, out_channels], last_relu=False)

    def forward(self, x: torch.Tensor, pos: torch.Tensor, batch: torch.Tensor | None = None,
                edge_index: torch.Tensor | None = None) -> torch.Tensor:
        """Per-point outputs: (N, in_channels) -> (N, out_channels)."""
        check_tensor("x", x, shape=(None, self.in_channels), floating=True, nonempty=True)
        check_tensor("pos", pos, shape=(x.shape[0], 3), floating=True)
        size = 1 if batch is None else None  # known without reading the data (works on the meta device)
        batch = check_batch("batch", batch, x.shape[0], device=x.device)
        if edge_index is None:
            edge_index = knn_graph(pos, self.k, batch)
        feats, h = [], x
        for layer, conv in enumerate(self.convs):
            if self.dynamic and layer > 0:
                edge_index = knn_graph(h.detach(), self.k, batch)  # neighbours in feature space
            h = conv(h, edge_index)
            feats.append(h)
        local = torch.cat(feats, dim=-1)
        g = global_max_pool(self.lift(local), batch, size)
        return self.head(torch.cat([local, g[batch]], dim=-1))
