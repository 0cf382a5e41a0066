"""The lesson's 2D models: one small U-Net for both grids, a range image and a bird's-eye view.

The point models (PointNet, PointNet++, DGCNN) are shared and live in
:mod:`gdl_teach.nn`; the per-point MLP is :class:`gdl_teach.nn.mlp.MLP`.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from gdl_teach.core.validate import check_int, check_tensor


class _Block(nn.Module):
    """Two 3x3 convolutions with batch norm and ReLU; the width pads circularly when it wraps around."""

    def __init__(self, in_channels: int, out_channels: int, wrap_columns: bool) -> None:
        super().__init__()
        self.wrap = wrap_columns
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=0 if wrap_columns else 1)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=0 if wrap_columns else 1)
        self.bn1, self.bn2 = nn.BatchNorm2d(out_channels), nn.BatchNorm2d(out_channels)

    def _pad(self, x: torch.Tensor) -> torch.Tensor:
        if not self.wrap:
            return x
        x = F.pad(x, (1, 1, 0, 0), mode="circular")  # the last column touches the first: a cylinder
        return F.pad(x, (0, 0, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(self._pad(x))))
        return F.relu(self.bn2(self.conv2(self._pad(x))))


class UNet(nn.Module):
    r"""A small U-Net (Ronneberger et al. 2015, https://arxiv.org/abs/1505.04597) for per-pixel labels.

    Encoder: a block of two 3x3 convolutions per level, 2x2 max pooling between
    levels; decoder: nearest upsampling, concatenation with the encoder's
    features of the same level (the skip connection), a block; a 1x1
    convolution gives the class scores. On a range image this is the
    RangeNet++ recipe (Milioto et al. 2019, https://www.ipb.uni-bonn.de/wp-content/papercite-data/pdf/milioto2019iros.pdf)
    at toy size; on a bird's-eye grid, that of BEV segmenters.

    A convolution is equivariant to shifts of its grid. With ``wrap_columns=True``
    the columns are padded circularly, so on a range image (whose columns are
    the azimuth, a circle) a turn of the car about the vertical axis by a
    multiple of ``2**(levels-1)`` columns shifts the output exactly.

    Args:
        in_channels: input channels (5 for the range image and the BEV grid of the lesson).
        out_channels: classes.
        hidden_channels: width of each level, e.g. ``(16, 32, 64)``.
        wrap_columns: pad the width circularly (range images) instead of with zeros.

    Shapes:
        - **input:** (B, in_channels, H, W), H and W divisible by ``2**(levels-1)``
        - **output:** (B, out_channels, H, W)
    """

    def __init__(self, in_channels: int, out_channels: int, hidden_channels: Sequence[int] = (16, 32, 64),
                 wrap_columns: bool = False) -> None:
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, min_value=1)
        check_int("out_channels", out_channels, min_value=1)
        widths = list(hidden_channels)
        if not widths or not all(isinstance(w, int) and w >= 1 for w in widths):
            raise TypeError(f"hidden_channels must be a non-empty sequence of positive ints, got {hidden_channels!r}")
        self.levels = len(widths)
        self.down = nn.ModuleList(_Block(a, b, wrap_columns) for a, b in zip([in_channels, *widths[:-1]], widths))
        self.up = nn.ModuleList(_Block(widths[i + 1] + widths[i], widths[i], wrap_columns)
                                for i in reversed(range(len(widths) - 1)))
        self.head = nn.Conv2d(widths[0], out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores per pixel: (B, C_in, H, W) -> (B, C_out, H, W)."""
        check_tensor("x", x, shape=(None, self.in_channels, None, None), floating=True)
        step = 2 ** (self.levels - 1)
        if x.shape[2] % step or x.shape[3] % step:
            raise ValueError(f"x must have height and width divisible by {step}, got {tuple(x.shape[2:])}")
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        for block, skip in zip(self.up, reversed(skips[:-1])):
            x = block(torch.cat([F.interpolate(x, scale_factor=2.0, mode="nearest"), skip], dim=1))
        return self.head(x)
