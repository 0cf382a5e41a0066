"""The three per-vertex models of the lesson, each reading a PyG ``Data``/``Batch`` of meshes.

Each model maps a batch with ``x`` (N, F) vertex features to (N, C) logits;
they differ in how vertices talk to each other:

* :class:`VertexMLP`: not at all; every vertex alone (the Euclidean baseline);
* :class:`MeshGNN`: along the mesh edges, by message passing with
  :class:`MeshEdgeConv` (EdgeConv, Wang et al. 2019,
  https://arxiv.org/abs/1801.07829, on the fixed mesh edges instead of a k-NN
  graph) or PyG's FeaStConv (Verma, Boyer & Verbeek 2018,
  https://arxiv.org/abs/1706.05206);
* :class:`SurfaceDiffusionNet`: by learned heat diffusion over the surface,
  :class:`gdl_teach.nn.diffusion_net.DiffusionNet` (Sharp et al. 2022).

None of them is invariant to rotations by itself: a model is as invariant as
its inputs. Fed coordinates, all three see a turned animal as new data; fed
the heat kernel signature, all three are rotation-invariant by construction.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch_geometric.nn import FeaStConv

from gdl_teach.core.validate import check_choice, check_int, check_tensor
from gdl_teach.nn.diffusion_net import DiffusionNet
from gdl_teach.nn.edgeconv import EdgeConv
from gdl_teach.nn.mlp import MLP

MODEL_NAMES = ("MLP", "mesh GNN", "DiffusionNet")


class VertexMLP(nn.Module):
    """Each vertex on its own: ``MLP(x_i)``; the mesh is ignored.

    Args:
        in_channels: F; hidden_channels: width of the two hidden layers; out_channels: C.

    Shapes:
        - **input:** a batch with x ``(N, F)``
        - **output:** ``(N, C)``
    """

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int) -> None:
        super().__init__()
        self.mlp = MLP(in_channels, (hidden_channels, hidden_channels), out_channels)

    def forward(self, data: Any) -> torch.Tensor:
        return self.mlp(data.x)


class MeshEdgeConv(nn.Module):
    r"""EdgeConv with a linear edge function and mean aggregation, on the mesh edges.

    EdgeConv (Wang et al. 2019, "Dynamic Graph CNN for Learning on Point
    Clouds", https://arxiv.org/abs/1801.07829) computes
    ``h_i' = aggr_{j ~ i} h_Theta([h_i, h_j - h_i])``. With a linear
    ``h_Theta`` and the mean, the sum splits into a term of the vertex and a
    term of its neighbours' mean, so the edges only carry an average:

    .. math:: h_i' = W_1 h_i + W_2 \big(\tfrac{1}{|N(i)|}\sum_{j \sim i} h_j - h_i\big) + b .

    Same output as ``torch_geometric.nn.EdgeConv(nn.Linear(2 C_in, C_out), aggr="mean")``
    (tested), about twice as fast on a CPU, which the lesson's time budget needs.
    ``mean_j h_j - h_i`` is the graph Laplacian of ``h``, up to sign.

    Args:
        in_channels: C_in; out_channels: C_out.

    Shapes:
        - **input:** h ``(N, C_in)``, edge_index ``(2, E)`` (both directions of each edge)
        - **output:** ``(N, C_out)``
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.lin_self = nn.Linear(check_int("in_channels", in_channels, min_value=1),
                                  check_int("out_channels", out_channels, min_value=1))
        self.lin_edge = nn.Linear(in_channels, out_channels, bias=False)

    def forward(self, h: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        check_tensor("h", h, ndim=2, floating=True)
        src, dst = check_tensor("edge_index", edge_index, shape=(2, None), integer=True)
        ones = torch.ones_like(dst, dtype=h.dtype)
        count = torch.zeros(h.shape[0], device=h.device, dtype=h.dtype).index_add(0, dst, ones)
        mean = torch.zeros_like(h).index_add(0, dst, h[src]) / count.clamp_min(1)[:, None]
        return self.lin_self(h) + self.lin_edge(mean - h)


class MeshGNN(nn.Module):
    """Message passing along the mesh edges, with residual connections.

    ``h <- h + ReLU(conv(h, edge_index))`` for ``num_layers`` layers between a
    linear encoder and decoder. With ``conv="edge"`` each layer is
    :class:`MeshEdgeConv` (linear edge function, mean); ``conv="edge-max"`` is
    the full EdgeConv of :mod:`gdl_teach.nn.edgeconv` (an MLP on each edge, max
    over neighbours; several times slower); with ``conv="feast"`` it is PyG's
    FeaStConv with 4 heads, ``h_i' = mean_{j ~ i} sum_m q_m(h_i, h_j) W_m h_j``,
    where the soft assignment ``q_m`` is a softmax over heads of a linear
    function of ``h_j - h_i``. The edges are the mesh's
    (:func:`gdl_teach.geometry.mesh.face_to_edge_index`).

    Args:
        in_channels: F; hidden_channels: width; out_channels: C.
        num_layers: number of message-passing layers.
        conv: ``"edge"``, ``"edge-max"`` or ``"feast"``.

    Shapes:
        - **input:** a batch with x ``(N, F)`` and edge_index ``(2, E)``
        - **output:** ``(N, C)``
    """

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int, num_layers: int = 2,
                 conv: str = "edge") -> None:
        super().__init__()
        check_int("num_layers", num_layers, min_value=1)
        self.conv_kind = check_choice("conv", conv, ("edge", "edge-max", "feast"))
        self.lin_in = nn.Linear(check_int("in_channels", in_channels, min_value=1), hidden_channels)
        if conv == "edge":
            self.convs = nn.ModuleList(MeshEdgeConv(hidden_channels, hidden_channels) for _ in range(num_layers))
        elif conv == "edge-max":
            self.convs = nn.ModuleList(EdgeConv(hidden_channels, hidden_channels, hidden_channels)
                                       for _ in range(num_layers))
        else:
            self.convs = nn.ModuleList(FeaStConv(hidden_channels, hidden_channels, heads=4)
                                       for _ in range(num_layers))
        self.lin_out = nn.Linear(hidden_channels, out_channels)

    def forward(self, data: Any) -> torch.Tensor:
        h = torch.relu(self.lin_in(data.x))
        for conv in self.convs:
            h = h + torch.relu(conv(h, data.edge_index))
        return self.lin_out(h)


class SurfaceDiffusionNet(nn.Module):
    """:class:`~gdl_teach.nn.diffusion_net.DiffusionNet` reading its spectral inputs from the batch.

    Args:
        in_channels: F; hidden_channels: width; out_channels: C; num_blocks: diffusion blocks.

    Shapes:
        - **input:** a batch with x ``(N, F)``, evals ``(B, k)``, evecs ``(N, k)``, mass ``(N,)``, batch ``(N,)``
        - **output:** ``(N, C)``
    """

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int, num_blocks: int = 2) -> None:
        super().__init__()
        self.net = DiffusionNet(in_channels, hidden_channels, out_channels, num_blocks=num_blocks)

    def forward(self, data: Any) -> torch.Tensor:
        return self.net(data.x, data.evals, data.evecs, data.mass, getattr(data, "batch", None))


def make_model(name: str, in_channels: int, out_channels: int, hidden_channels: int = 32) -> nn.Module:
    """One of :data:`MODEL_NAMES`, built with the given widths (the mesh GNN uses EdgeConv).

    Args:
        name: ``"MLP"``, ``"mesh GNN"`` or ``"DiffusionNet"``.
        in_channels: F; out_channels: C; hidden_channels: width.
    """
    check_choice("name", name, MODEL_NAMES)
    if name == "MLP":
        return VertexMLP(in_channels, hidden_channels, out_channels)
    if name == "mesh GNN":
        return MeshGNN(in_channels, hidden_channels, out_channels, num_layers=2, conv="edge")
    return SurfaceDiffusionNet(in_channels, hidden_channels, out_channels, num_blocks=2)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters of ``model`` (the lesson's tables report it)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
