"""Two graph convolutions on a small fixed graph (the skeleton), written densely.

Every pose has the same 17-joint graph, so a batch of poses is a tensor
``(B, 17, C)`` and message passing is one product with a 17 x 17 matrix: no
``edge_index`` gathering, no scatter. The two layers differ in what they share:

- :class:`DenseGCNConv`: Kipf & Welling's GCN, one weight matrix for every joint
  and a fixed, symmetric propagation matrix. It treats two joints the graph
  cannot tell apart (the left and the right wrist) identically.
- :class:`SemGraphConv`: the layer of SemGCN (Zhao et al. 2019): a joint's own
  features and its neighbours' get separate weights, and every edge has a
  learnable weight, so the left and the right side can behave differently.
"""
from __future__ import annotations

import torch
from torch import nn

from gdl_teach.core.validate import check_int, check_tensor


class DenseGCNConv(nn.Module):
    r"""GCN layer on a fixed graph: ``H' = Â H W + b``.

    Kipf & Welling, "Semi-Supervised Classification with Graph Convolutional
    Networks", ICLR 2017, https://arxiv.org/abs/1609.02907, with
    ``Â = D^-1/2 (A + I) D^-1/2`` (see
    :func:`~gdl_teach.pose.skeleton.normalized_adjacency`). Equal to PyG's
    ``GCNConv`` on each graph of the batch (the tests check it).

    Args:
        in_channels: input features per node.
        out_channels: output features per node.
        adjacency: (N, N) the propagation matrix ``Â`` (a buffer; not trained).

    Shapes:
        input (B, N, in_channels) -> output (B, N, out_channels).
    """

    def __init__(self, in_channels: int, out_channels: int, adjacency: torch.Tensor) -> None:
        super().__init__()
        check_int("in_channels", in_channels, min_value=1)
        check_int("out_channels", out_channels, min_value=1)
        check_tensor("adjacency", adjacency, ndim=2, floating=True)
        if adjacency.shape[0] != adjacency.shape[1]:
            raise ValueError(f"adjacency must be square (N, N), got {tuple(adjacency.shape)}")
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.register_buffer("adjacency", adjacency.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return propagate(self.adjacency, self.lin(x)) + self.bias


class SemGraphConv(nn.Module):
    r"""The semantic graph convolution of SemGCN.

    Zhao, Peng, Tian, Kapadia, Metaxas, "Semantic Graph Convolutional Networks
    for 3D Human Pose Regression", CVPR 2019, https://arxiv.org/abs/1904.03345:

    .. math::
        \mathbf{h}'_i = W_0 \mathbf{h}_i\, \rho_i(M \odot \tilde A)_{ii}
        + \sum_{j \ne i} W_1 \mathbf{h}_j\, \rho_i(M \odot \tilde A)_{ij} + b,

    where ``Ã = A + I``, ``M`` holds one learnable weight per edge (and per
    self-loop), and ``ρ_i`` is a softmax over the neighbours of ``i``.

    Args:
        in_channels: input features per node.
        out_channels: output features per node.
        adjacency: (N, N) 0/1 adjacency without self-loops (a buffer).

    Shapes:
        input (B, N, in_channels) -> output (B, N, out_channels).
    """

    def __init__(self, in_channels: int, out_channels: int, adjacency: torch.Tensor) -> None:
        super().__init__()
        check_int("in_channels", in_channels, min_value=1)
        check_int("out_channels", out_channels, min_value=1)
        check_tensor("adjacency", adjacency, ndim=2)
        mask = (adjacency > 0) | torch.eye(adjacency.shape[0], dtype=torch.bool)
        self.register_buffer("mask", mask)
        self.out_channels = out_channels
        self.lin = nn.Linear(in_channels, 2 * out_channels, bias=False)  # [W_0; W_1] in one product
        self.edge_weight = nn.Parameter(torch.ones(int(mask.sum())))      # M on the edges of Ã
        self.bias = nn.Parameter(torch.zeros(out_channels))

    def weights(self) -> torch.Tensor:
        """The (N, N) matrix ``ρ(M ⊙ Ã)``: each row a softmax over that node and its neighbours."""
        logits = torch.full(self.mask.shape, float("-inf"), device=self.mask.device, dtype=self.edge_weight.dtype)
        logits = logits.masked_scatter(self.mask, self.edge_weight)
        return torch.softmax(logits, dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.weights()
        eye = torch.eye(w.shape[0], device=w.device, dtype=w.dtype)
        h_self, h_neigh = self.lin(x).split(self.out_channels, dim=-1)  # W_0 h, W_1 h
        return torch.diagonal(w)[:, None] * h_self + propagate(w * (1 - eye), h_neigh) + self.bias


def propagate(weights: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """``weights @ h`` for every pose of the batch: (N, N), (B, N, C) -> (B, N, C).

    Written as one (N, N) x (N, B C) product, which is faster on a CPU than
    B small products.
    """
    b, n, c = h.shape
    out = weights @ h.transpose(0, 1).reshape(n, b * c)
    return out.view(n, b, c).transpose(0, 1)
