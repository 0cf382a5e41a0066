"""The multi-layer perceptron: the Euclidean baseline of the lessons, and a building block of many layers."""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from gdl_teach.core.validate import check_float, check_int, check_tensor


class MLP(nn.Module):
    """A multi-layer perceptron applied row by row: it sees each node (or sample) alone.

    As a node classifier it is the lessons' Euclidean baseline: same features as
    a GNN, no edges.

    Args:
        in_channels: input features F.
        hidden_channels: sizes of the hidden layers, e.g. ``(64, 64)``.
        out_channels: outputs C.
        dropout: dropout probability between layers.
    """

    def __init__(self, in_channels: int, hidden_channels: Sequence[int], out_channels: int,
                 dropout: float = 0.0) -> None:
        super().__init__()
        check_int("in_channels", in_channels, min_value=1)
        check_int("out_channels", out_channels, min_value=1)
        check_float("dropout", dropout, min_value=0.0, max_value=1.0)
        if isinstance(hidden_channels, int) or not all(isinstance(h, int) and h >= 1 for h in hidden_channels):
            raise TypeError(f"hidden_channels must be a sequence of positive ints, e.g. (64,), got {hidden_channels!r}")
        self.in_channels = in_channels
        dims = [in_channels, *hidden_channels, out_channels]
        layers: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(dims) - 2:
                layers += [nn.ReLU(), nn.Dropout(dropout)]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, F) -> (N, C)."""
        check_tensor("x", x, shape=(None, self.in_channels), floating=True)
        return self.net(x)
