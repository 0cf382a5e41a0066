r"""Group convolutions for the rotations of a square grid by multiples of 90 degrees (the group p4).

Cohen & Welling, *Group Equivariant Convolutional Networks*, ICML 2016,
https://arxiv.org/abs/1602.07576. A p4 feature map has shape
``(B, C, 4, H, W)``: for every channel, one grid per rotation :math:`r`. The
rotation :math:`g^k` (by :math:`k \cdot 90°`) acts on it by rotating every grid
and cycling the rotation axis,

.. math::
    (g^k f)_{c, r} = \mathrm{rot}^k\, f_{c,\, r - k \bmod 4},

which is what :func:`rotate_p4` computes. The two layers below are equivariant
to this action, exactly (no interpolation: a square grid turned by 90 degrees
lands on itself):

- :class:`P4LiftingConv` takes an image ``(B, C, H, W)`` to a p4 map by
  correlating it with each filter turned four times:
  :math:`[f \star \psi]_{o, r} = \sum_c f_c \star \mathrm{rot}^r \psi_{o, c}`.
- :class:`P4GroupConv` takes a p4 map to a p4 map; the filter for output
  rotation :math:`r` is the filter itself acted on by :math:`g^r`:
  :math:`[f \star \psi]_{o, r} = \sum_{c, s} f_{c, s} \star \mathrm{rot}^r \psi_{o, c,\, s - r}`.

Both build the four turned copies of their filters and run one
``torch.nn.functional.conv2d``; padding is ``kernel_size // 2`` with an odd
kernel, so a turned image gives the turned output, border included.
Pooling over the rotation axis (:func:`pool_rotations`) then gives features
that do not change at all when the input turns: a rotation-invariant model.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from gdl_teach.core.validate import check_int, check_tensor

__all__ = ["rotate_p4", "lifted_filters", "group_filters", "P4LiftingConv", "P4GroupConv", "pool_rotations",
           "max_pool_p4"]

NUM_ROTATIONS = 4


def rotate_p4(x: torch.Tensor, k: int) -> torch.Tensor:
    """The rotation by ``k * 90`` degrees acting on a p4 map: turn every grid, cycle the rotation axis by ``k``.

    Args:
        x: ``(..., 4, H, W)`` with ``H == W``.
        k: number of quarter turns (any integer; counter-clockwise as :func:`torch.rot90`).

    Returns:
        ``(..., 4, H, W)``.
    """
    return torch.rot90(x, k, dims=(-2, -1)).roll(k, dims=-3)


def lifted_filters(weight: torch.Tensor) -> torch.Tensor:
    """The four turned copies of lifting filters: ``(C_out, C_in, k, k) -> (C_out, 4, C_in, k, k)``."""
    return torch.stack([torch.rot90(weight, r, dims=(-2, -1)) for r in range(NUM_ROTATIONS)], dim=1)


def group_filters(weight: torch.Tensor) -> torch.Tensor:
    """The filters of a p4 group convolution for each output rotation: ``(C_out, C_in, 4, k, k) -> (C_out, 4, C_in, 4, k, k)``.

    The filter for output rotation ``r`` is the base filter acted on by ``g^r`` (:func:`rotate_p4`).
    """
    return torch.stack([rotate_p4(weight, r) for r in range(NUM_ROTATIONS)], dim=1)


def _init(weight: torch.Tensor, bias: torch.Tensor | None, fan_in: int) -> None:
    # He initialisation (https://arxiv.org/abs/1502.01852) over the true fan-in, so ReLU stacks keep their scale
    nn.init.normal_(weight, 0.0, math.sqrt(2.0 / fan_in))
    if bias is not None:
        nn.init.zeros_(bias)


def _check_layer_args(in_channels: int, out_channels: int, kernel_size: int) -> None:
    check_int("in_channels", in_channels, min_value=1)
    check_int("out_channels", out_channels, min_value=1)
    check_int("kernel_size", kernel_size, min_value=1)
    if kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be odd (a centred filter turns onto itself), got {kernel_size}")


class P4LiftingConv(nn.Module):
    r"""Lifting convolution from an image to a p4 feature map (Cohen & Welling 2016, https://arxiv.org/abs/1602.07576).

    :math:`[f \star \psi]_{o, r} = \sum_c f_c \star \mathrm{rot}^r \psi_{o,c} + b_o`; one bias per
    output channel, shared by the four rotations (else the layer would not be equivariant).

    Args:
        in_channels: image channels C_in.
        out_channels: output channels C_out (each has 4 rotation grids).
        kernel_size: odd filter size k.
        bias: learn a bias per output channel.

    Shapes:
        - input: ``(B, C_in, H, W)``
        - output: ``(B, C_out, 4, H, W)``
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, bias: bool = True) -> None:
        super().__init__()
        _check_layer_args(in_channels, out_channels, kernel_size)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.empty(out_channels)) if bias else None
        _init(self.weight, self.bias, in_channels * kernel_size ** 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, C_in, H, W) -> (B, C_out, 4, H, W)."""
        check_tensor("x", x, shape=(None, self.in_channels, None, None), floating=True)
        w = lifted_filters(self.weight)  # (C_out, 4, C_in, k, k)
        out = F.conv2d(x, w.flatten(0, 1), padding=w.shape[-1] // 2)  # (B, C_out * 4, H, W)
        out = out.unflatten(1, (self.out_channels, NUM_ROTATIONS))  # (B, C_out, 4, H, W)
        return out if self.bias is None else out + self.bias.view(1, -1, 1, 1, 1)


class P4GroupConv(nn.Module):
    r"""Group convolution from a p4 map to a p4 map (Cohen & Welling 2016, https://arxiv.org/abs/1602.07576).

    :math:`[f \star \psi]_{o, r} = \sum_{c, s} f_{c, s} \star \mathrm{rot}^r \psi_{o,c,\,s-r} + b_o`:
    the filter a rotation-``r`` output sees is the base filter turned by ``r``
    *and* with its rotation axis cycled by ``r``.

    Args:
        in_channels: input channels C_in (each with 4 rotation grids).
        out_channels: output channels C_out.
        kernel_size: odd filter size k.
        bias: learn a bias per output channel (shared by the rotations).

    Shapes:
        - input: ``(B, C_in, 4, H, W)``
        - output: ``(B, C_out, 4, H, W)``
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, bias: bool = True) -> None:
        super().__init__()
        _check_layer_args(in_channels, out_channels, kernel_size)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, NUM_ROTATIONS, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.empty(out_channels)) if bias else None
        _init(self.weight, self.bias, in_channels * NUM_ROTATIONS * kernel_size ** 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, C_in, 4, H, W) -> (B, C_out, 4, H, W)."""
        check_tensor("x", x, shape=(None, self.in_channels, NUM_ROTATIONS, None, None), floating=True)
        w = group_filters(self.weight)  # (C_out, 4, C_in, 4, k, k)
        out = F.conv2d(x.flatten(1, 2), w.flatten(0, 1).flatten(1, 2), padding=w.shape[-1] // 2)
        out = out.unflatten(1, (self.out_channels, NUM_ROTATIONS))  # (B, C_out, 4, H, W)
        return out if self.bias is None else out + self.bias.view(1, -1, 1, 1, 1)


def max_pool_p4(x: torch.Tensor, kernel_size: int = 2) -> torch.Tensor:
    """Spatial max pooling of a p4 map, each rotation grid on its own.

    Equivariant when ``kernel_size`` divides the grid size (turned blocks land on blocks).

    Args:
        x: ``(B, C, 4, H, W)``.
        kernel_size: pooling window and stride.

    Returns:
        ``(B, C, 4, H // kernel_size, W // kernel_size)``.
    """
    check_tensor("x", x, shape=(None, None, NUM_ROTATIONS, None, None))
    if x.shape[-1] % kernel_size or x.shape[-2] % kernel_size:
        raise ValueError(f"kernel_size ({kernel_size}) must divide the grid size {tuple(x.shape[-2:])}, "
                         "else the pooling blocks do not turn onto each other")
    return F.max_pool2d(x.flatten(1, 2), kernel_size).unflatten(1, (x.shape[1], NUM_ROTATIONS))


def pool_rotations(x: torch.Tensor, reduce: str = "mean") -> torch.Tensor:
    """Pool a p4 map over its rotation axis: turning the input then only turns the result.

    Args:
        x: ``(B, C, 4, H, W)``.
        reduce: ``"mean"`` or ``"max"``.

    Returns:
        ``(B, C, H, W)``.
    """
    check_tensor("x", x, shape=(None, None, NUM_ROTATIONS, None, None))
    if reduce not in ("mean", "max"):
        raise ValueError(f"reduce must be 'mean' or 'max', got {reduce!r}")
    return x.mean(dim=2) if reduce == "mean" else x.amax(dim=2)
