"""Images on the pixel grid, seen as graphs, and what shifting them does.

* :func:`make_grid_graph`: the pixels of an image as nodes; every edge carries
  the *offset* from the centre pixel to the pixel a 3x3 kernel reads, so a 3x3
  convolution becomes message passing (see :class:`gdl_teach.euclid.models.OffsetConv`);
* :func:`image_to_nodes` / :func:`nodes_to_image`: an image as node features and back;
* :func:`make_toy_image`: a small synthetic picture (a disk and a bar);
* :func:`shift_images` / :func:`shift_output`: the circular shift as a transform for
  :func:`gdl_teach.core.symmetry.check_equivariance`, and :func:`shift_error_map`,
  which shows *where* shift-equivariance breaks.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch_geometric.data import Data

from gdl_teach.core.validate import check_choice, check_int, check_tensor

#: The 9 offsets ``(d_row, d_col)`` of a 3x3 kernel, in the row-major order of
#: its weights: offset id ``k`` multiplies ``weight[:, :, k // 3, k % 3]``.
OFFSETS_3X3: tuple[tuple[int, int], ...] = tuple((dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1))

_PADDINGS = ("zeros", "circular")


def make_grid_graph(height: int, width: int, padding: str = "zeros") -> Data:
    """The pixel grid of a ``height x width`` image as a graph with typed edges.

    Node ``i = row * width + col`` is a pixel. For each pixel ``i`` and each of
    the 9 offsets ``(dr, dc)`` of :data:`OFFSETS_3X3`, there is an edge
    ``j -> i`` from the pixel ``j = (row + dr, col + dc)`` that a 3x3 kernel
    centred on ``i`` reads, with ``edge_attr = k``, the offset's id. The
    ``(0, 0)`` offset is a self-loop.

    With ``padding="zeros"`` pixels outside the image do not exist, so border
    pixels have fewer incoming edges: a missing neighbour is exactly a zero in
    zero padding. With ``padding="circular"`` the grid wraps around (a torus),
    as ``Conv2d(padding_mode="circular")`` does.

    Args:
        height: number of rows H >= 1.
        width: number of columns W >= 1.
        padding: ``"zeros"`` or ``"circular"``.

    Returns:
        A PyG ``Data`` with ``edge_index`` (2, E), ``edge_attr`` (E,) long offset
        ids in ``[0, 9)``, ``pos`` (N, 2) plotting positions ``(col, -row)``,
        ``num_nodes = N = H * W``, and ``height``/``width``.
    """
    height = check_int("height", height, min_value=1)
    width = check_int("width", width, min_value=1)
    check_choice("padding", padding, _PADDINGS)
    rows, cols = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    rows, cols = rows.reshape(-1), cols.reshape(-1)  # (N,)
    src, dst, kind = [], [], []
    for k, (dr, dc) in enumerate(OFFSETS_3X3):
        r, c = rows + dr, cols + dc
        if padding == "circular":
            r, c = r % height, c % width
            keep = torch.ones_like(r, dtype=torch.bool)
        else:
            keep = (r >= 0) & (r < height) & (c >= 0) & (c < width)
        src.append((r * width + c)[keep])
        dst.append((rows * width + cols)[keep])
        kind.append(torch.full((int(keep.sum()),), k, dtype=torch.long))
    edge_index = torch.stack([torch.cat(src), torch.cat(dst)])  # (2, E)
    pos = torch.stack([cols.float(), -rows.float()], dim=1)  # (N, 2)
    return Data(edge_index=edge_index, edge_attr=torch.cat(kind), pos=pos, num_nodes=height * width,
                height=height, width=width)


def image_to_nodes(image: torch.Tensor) -> torch.Tensor:
    """Pixels as node features: (C, H, W) -> (H * W, C), node ``row * W + col``.

    Args:
        image: (C, H, W) float tensor.
    """
    image = check_tensor("image", image, ndim=3, floating=True)
    c = image.shape[0]
    return image.reshape(c, -1).t().contiguous()  # (H*W, C)


def nodes_to_image(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Node features back to an image: (H * W, C) -> (C, H, W).

    Args:
        x: (N, C) node features with N = height * width.
        height: H.
        width: W.
    """
    height = check_int("height", height, min_value=1)
    width = check_int("width", width, min_value=1)
    x = check_tensor("x", x, ndim=2)
    if x.shape[0] != height * width:
        raise ValueError(f"x must have height * width = {height * width} rows, got {x.shape[0]}")
    return x.t().reshape(x.shape[1], height, width)  # (C, H, W)


def make_toy_image(size: int = 16, seed: int = 0) -> torch.Tensor:
    """A synthetic grey-scale picture: a bright disk, a bar and a little noise.

    Args:
        size: height and width S >= 4.
        seed: seed of the noise.

    Returns:
        image: (1, S, S) float32 in roughly [0, 1], on the CPU.
    """
    size = check_int("size", size, min_value=4)
    seed = check_int("seed", seed, min_value=0)
    g = torch.Generator().manual_seed(seed)
    r, c = torch.meshgrid(torch.arange(size).float(), torch.arange(size).float(), indexing="ij")
    disk = (((r - 0.35 * size) ** 2 + (c - 0.35 * size) ** 2) < (0.22 * size) ** 2).float()
    bar = ((r > 0.65 * size) & (r < 0.8 * size) & (c > 0.3 * size)).float() * 0.7
    noise = 0.05 * torch.rand(size, size, generator=g)
    return (disk + bar + noise).unsqueeze(0)


def shift_images(keep_shift: bool = False, max_shift: int = 4) -> Callable[[tuple[Any, ...], torch.Generator], tuple[Any, ...]]:
    """Transform for inputs ``(images, *rest)``: shift images (B, C, H, W) circularly.

    A transform for :func:`gdl_teach.core.symmetry.check_invariance` and
    :func:`~gdl_teach.core.symmetry.check_equivariance`; with ``keep_shift=True``
    the shift ``(dr, dc)`` is appended so :func:`shift_output` can apply the
    same shift to the output.

    Args:
        keep_shift: append the (2,) shift tensor (for equivariance checks).
        max_shift: shifts are drawn from ``[-max_shift, max_shift]`` per axis.
    """
    max_shift = check_int("max_shift", max_shift, min_value=1)

    def transform(inputs: tuple[Any, ...], g: torch.Generator) -> tuple[Any, ...]:
        images, *rest = inputs
        check_tensor("images", images, ndim=4)
        # drawn where the generator lives; only its two numbers are used
        shift = torch.randint(-max_shift, max_shift + 1, (2,), generator=g, device=g.device)
        out = (torch.roll(images, shifts=(int(shift[0]), int(shift[1])), dims=(-2, -1)), *rest)
        return (*out, shift) if keep_shift else out
    return transform


def shift_output(out: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Expected output of a shift-equivariant map: the output rolled by the same ``shift``.

    Args:
        out: (B, C, H, W) feature maps.
        shift: (2,) integer shift ``(dr, dc)``.
    """
    return torch.roll(out, shifts=(int(shift[0]), int(shift[1])), dims=(-2, -1))


def shift_error_map(f: Callable[[torch.Tensor], torch.Tensor], image: torch.Tensor,
                    shift: tuple[int, int] = (3, 5)) -> torch.Tensor:
    """Where shift-equivariance fails: ``|f(shift x) - shift f(x)|`` per pixel.

    Args:
        f: maps (1, C, H, W) images to (1, C', H, W) feature maps (e.g. a Conv2d).
        image: (C, H, W) image, on the device of ``f``.
        shift: ``(dr, dc)`` circular shift in pixels.

    Returns:
        (H, W) largest absolute difference over channels, on the device of ``image``.
    """
    if not callable(f):
        raise TypeError(f"f must be callable (e.g. a Conv2d), got {type(f).__name__}")
    image = check_tensor("image", image, ndim=3, floating=True)
    if not (isinstance(shift, (tuple, list)) and len(shift) == 2 and all(isinstance(s, int) for s in shift)):
        raise ValueError(f"shift must be two ints (d_row, d_col), got {shift!r}")
    x = image.unsqueeze(0)  # (1, C, H, W)
    with torch.no_grad():
        a = f(torch.roll(x, shifts=tuple(shift), dims=(-2, -1)))
        b = torch.roll(f(x), shifts=tuple(shift), dims=(-2, -1))
    return (a - b).abs().amax(dim=(0, 1))  # (H, W)
