"""Scatter reductions written out: the aggregation step of message passing.

A message-passing layer computes one message per edge, an (E, F) tensor, and
reduces the messages that arrive at the same node into one row of an (N, F)
tensor. ``index[e]`` names the row that message ``e`` lands in (the edge's
target, ``edge_index[1]``). Here is that reduction in plain PyTorch, for the
three aggregations GNNs use most: sum (GCN, GIN), mean (GraphSAGE) and max.

PyG's :func:`torch_geometric.utils.scatter` computes the same;
``scatter_sum(src, index, dim_size)`` equals
``scatter(src, index, dim=0, dim_size=dim_size, reduce="sum")`` (and likewise
for ``"mean"`` and ``"max"``; tested). The reduction always runs over
dimension 0, the edges. Rows that receive nothing are 0, as in PyG.

On a GPU, ``index_add_`` adds floating-point values in a nondeterministic
order, so sums may differ in the last bits from run to run.
"""
from __future__ import annotations

from typing import Any

import torch

from gdl_teach.core.validate import check_int, check_tensor

__all__ = ["scatter_sum", "scatter_mean", "scatter_max"]


def _check_scatter(src: Any, index: Any, dim_size: Any) -> tuple[torch.Tensor, torch.Tensor, int]:
    src = check_tensor("src", src, floating=True)
    if src.dim() == 0:
        raise ValueError("src must have one row per edge, shape (E, F) or (E,), got a scalar")
    index = check_tensor("index", index, ndim=1, integer=True)
    dim_size = check_int("dim_size", dim_size, min_value=1)
    if index.shape[0] != src.shape[0]:
        raise ValueError(f"index must have one entry per row of src ({src.shape[0]}), got {index.shape[0]}")
    if index.device != src.device:
        raise ValueError(f"index and src must be on the same device, got {index.device} and {src.device}")
    if index.numel() and index.device.type != "meta" and (int(index.min()) < 0 or int(index.max()) >= dim_size):
        raise ValueError(f"index must lie in [0, {dim_size - 1}] (dim_size={dim_size}), "
                         f"got values in [{int(index.min())}, {int(index.max())}]")
    return src, index, dim_size


def scatter_sum(src: torch.Tensor, index: torch.Tensor, dim_size: int) -> torch.Tensor:
    r"""Sum the rows of ``src`` that land on each output row: :math:`\mathrm{out}_i = \sum_{e:\,\mathrm{index}_e = i} \mathrm{src}_e`.

    Args:
        src: values, one row per edge.
        index: target row of every value.
        dim_size: N, the number of output rows.

    Shapes:
        - **input:** src :math:`(E, *)`, index :math:`(E,)`
        - **output:** :math:`(N, *)`
    """
    src, index, dim_size = _check_scatter(src, index, dim_size)
    out = src.new_zeros((dim_size, *src.shape[1:]))
    return out.index_add_(0, index, src)


def scatter_mean(src: torch.Tensor, index: torch.Tensor, dim_size: int) -> torch.Tensor:
    r"""Mean of the rows of ``src`` that land on each output row (0 where none lands).

    :math:`\mathrm{out}_i = \frac{1}{|\{e: \mathrm{index}_e = i\}|} \sum_{e:\,\mathrm{index}_e = i} \mathrm{src}_e`.

    Args:
        src: values, one row per edge.
        index: target row of every value.
        dim_size: N, the number of output rows.

    Shapes:
        - **input:** src :math:`(E, *)`, index :math:`(E,)`
        - **output:** :math:`(N, *)`
    """
    src, index, dim_size = _check_scatter(src, index, dim_size)
    total = src.new_zeros((dim_size, *src.shape[1:])).index_add_(0, index, src)
    count = src.new_zeros(dim_size).index_add_(0, index, src.new_ones(index.numel()))  # (N,)
    return total / count.clamp(min=1).view(-1, *([1] * (src.dim() - 1)))


def scatter_max(src: torch.Tensor, index: torch.Tensor, dim_size: int) -> torch.Tensor:
    r"""Element-wise maximum of the rows of ``src`` that land on each output row (0 where none lands).

    :math:`\mathrm{out}_{i,f} = \max_{e:\,\mathrm{index}_e = i} \mathrm{src}_{e,f}`.

    Args:
        src: values, one row per edge.
        index: target row of every value.
        dim_size: N, the number of output rows.

    Shapes:
        - **input:** src :math:`(E, F)`, index :math:`(E,)`
        - **output:** :math:`(N, F)`
    """
    src, index, dim_size = _check_scatter(src, index, dim_size)
    if src.dim() != 2:
        raise ValueError(f"src must have shape (E, F), got {tuple(src.shape)}")
    out = src.new_zeros(dim_size, src.shape[1])
    idx = index.view(-1, 1).expand_as(src)  # (E, F): every feature of message e goes to row index[e]
    return out.scatter_reduce_(0, idx, src, reduce="amax", include_self=False)
