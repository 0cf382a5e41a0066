r"""One graph attention (GAT) step, written out on an edge list.

Veličković, Cucurull, Casanova, Romero, Liò & Bengio, *Graph Attention
Networks*, ICLR 2018, https://arxiv.org/abs/1710.10903. A GCN weights the
message of ``j`` to ``i`` by a fixed number, :math:`1/\sqrt{d_j d_i}`; GAT
*learns* the weight from the two nodes' features. With one attention head:

.. math::
    e_{ij} = \mathrm{LeakyReLU}\big(a^\top [W h_i \,\Vert\, W h_j]\big), \qquad
    \alpha_{ij} = \frac{\exp e_{ij}}{\sum_{k \in \mathcal N(i) \cup \{i\}} \exp e_{ik}}, \qquad
    h_i' = \sum_{j \in \mathcal N(i) \cup \{i\}} \alpha_{ij} W h_j + b,

where :math:`\Vert` is concatenation and the softmax runs over the edges that
*arrive* at ``i`` (its self-loop included), so the weights into every node
sum to 1. Splitting :math:`a = [a_{\mathrm{dst}}; a_{\mathrm{src}}]` gives
:math:`a^\top [W h_i \Vert W h_j] = a_{\mathrm{dst}}^\top W h_i + a_{\mathrm{src}}^\top W h_j`:
one number per node and side, added along each edge, which is how PyG's
``GATConv`` computes it too.

The layer keeps its parameters under the names of PyG's ``GATConv`` with
``heads=1`` (``lin.weight``, ``att_src``, ``att_dst``, ``bias``), so
``mine.load_state_dict(conv.state_dict())`` copies PyG's weights in and the
outputs and attention weights agree to 1e-5 (``tests/nn/test_gat.py``). Left
out: several heads, dropout on the attention weights, edge features.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from gdl_teach.core.validate import check_edge_index, check_float, check_int, check_tensor
from gdl_teach.nn.scatter import scatter_max, scatter_sum

__all__ = ["replace_self_loops", "edge_softmax", "GATScatter"]


def replace_self_loops(edge_index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """Replace any self-loops by exactly one loop per node, as PyG's ``GATConv`` and ``GCNConv`` do.

    (PyG's ``remove_self_loops`` followed by ``add_self_loops``, without edge attributes.)

    Args:
        edge_index: edges ``source -> target``.
        num_nodes: N.

    Shapes:
        - **input:** edge_index :math:`(2, E)`
        - **output:** :math:`(2, E')`: the edges that are not loops, then the loops ``(0, 0), ..., (N-1, N-1)``
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    loops = (edge_index.new_ones(num_nodes).cumsum(0) - 1).repeat(2, 1)  # (2, N): 0..N-1, made like edge_index
    return torch.cat([edge_index[:, edge_index[0] != edge_index[1]], loops], dim=1)


def edge_softmax(scores: torch.Tensor, index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    r"""Softmax of edge scores over the edges that share a target: :math:`\alpha_e = e^{s_e} / \sum_{e' \to i} e^{s_{e'}}`.

    The largest score into each node is subtracted first (it cancels in the
    ratio), so large scores cannot overflow ``exp``. Equals PyG's
    ``torch_geometric.utils.softmax(scores, index, num_nodes=num_nodes)`` (tested).

    Args:
        scores: one score per edge.
        index: the target node of every edge (``edge_index[1]``).
        num_nodes: N.

    Shapes:
        - **input:** scores :math:`(E,)`, index :math:`(E,)`
        - **output:** :math:`(E,)`, summing to 1 over the edges into each node that has any
    """
    scores = check_tensor("scores", scores, ndim=1, floating=True)
    shifted = scores - scatter_max(scores.view(-1, 1), index, num_nodes).view(-1)[index]  # (E,) all <= 0
    weights = shifted.exp()
    return weights / scatter_sum(weights, index, num_nodes)[index]


class GATScatter(nn.Module):
    r"""Single-head graph attention layer on an edge list (Veličković et al. 2018, https://arxiv.org/abs/1710.10903).

    :math:`h_i' = \sum_{j \to i} \alpha_{ij} W h_j + b` over the edges into
    ``i`` and its self-loop, with
    :math:`\alpha_{ij} = \mathrm{softmax}_j\, \mathrm{LeakyReLU}(a_{\mathrm{dst}}^\top W h_i + a_{\mathrm{src}}^\top W h_j)`.

    Args:
        in_channels: input features F.
        out_channels: output features F'.
        negative_slope: slope of the LeakyReLU for negative scores (0.2 in the paper and in PyG).

    Shapes:
        - **input:** x :math:`(N, F)`, edge_index :math:`(2, E)`
        - **output:** :math:`(N, F')`; with ``return_attention_weights=True`` also
          ``(edge_index (2, E'), alpha (E', 1))``, the edges with their self-loops
          and their weights, as PyG's ``GATConv`` returns them
    """

    def __init__(self, in_channels: int, out_channels: int, negative_slope: float = 0.2) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        self.out_channels = check_int("out_channels", out_channels, min_value=1)
        self.negative_slope = check_float("negative_slope", negative_slope, min_value=0.0)
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.att_src = nn.Parameter(torch.empty(1, 1, out_channels))  # PyG's shape: (1, heads, F')
        self.att_dst = nn.Parameter(torch.empty(1, 1, out_channels))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        nn.init.xavier_uniform_(self.lin.weight)
        nn.init.xavier_uniform_(self.att_src.view(1, -1))
        nn.init.xavier_uniform_(self.att_dst.view(1, -1))

    def _check(self, x: Any, edge_index: Any) -> tuple[torch.Tensor, torch.Tensor]:
        x = check_tensor("x", x, shape=(None, self.in_channels), floating=True, nonempty=True)
        if x.dtype != self.lin.weight.dtype or x.device != self.lin.weight.device:
            raise TypeError(f"x is {x.dtype} on {x.device} but the layer's weights are {self.lin.weight.dtype} on "
                            f"{self.lin.weight.device}; convert one to match the other (x.to(weight) or layer.to(x))")
        return x, replace_self_loops(edge_index, x.shape[0])

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, return_attention_weights: bool = False) -> Any:
        """x: (N, F), edge_index: (2, E) -> (N, F'), or (out, (edge_index, alpha)) when asked."""
        x, edge_index = self._check(x, edge_index)
        src, dst = edge_index
        h = self.lin(x)  # (N, F'): W h for every node
        score_src = h @ self.att_src.view(-1)  # (N,): a_src . W h_j, one number per node
        score_dst = h @ self.att_dst.view(-1)  # (N,): a_dst . W h_i
        scores = F.leaky_relu(score_dst[dst] + score_src[src], self.negative_slope)  # (E',): e_ij per edge
        alpha = edge_softmax(scores, dst, x.shape[0])  # (E',): sums to 1 into every node
        out = scatter_sum(alpha.view(-1, 1) * h[src], dst, x.shape[0]) + self.bias  # (N, F')
        if return_attention_weights:
            return out, (edge_index, alpha.view(-1, 1))
        return out
