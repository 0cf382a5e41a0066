"""gdl_teach.euclid.grid: the pixel grid graph, images as node features, shifts."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from gdl_teach.core.symmetry import check_equivariance
from gdl_teach.euclid.grid import (
    OFFSETS_3X3,
    image_to_nodes,
    make_grid_graph,
    make_toy_image,
    nodes_to_image,
    shift_error_map,
    shift_images,
    shift_output,
)


@pytest.mark.parametrize("h,w", [(1, 1), (3, 5), (16, 16)])
def test_grid_graph_edge_counts(h: int, w: int) -> None:
    zeros = make_grid_graph(h, w)
    # offset (dr, dc) exists for (h - |dr|) * (w - |dc|) pixels
    expected = sum(max(h - abs(dr), 0) * max(w - abs(dc), 0) for dr, dc in OFFSETS_3X3)
    assert zeros.edge_index.shape == (2, expected) and zeros.edge_attr.shape == (expected,)
    assert zeros.num_nodes == h * w and zeros.pos.shape == (h * w, 2)
    circ = make_grid_graph(h, w, padding="circular")
    assert circ.edge_index.shape[1] == 9 * h * w
    assert torch.bincount(circ.edge_index[1], minlength=h * w).eq(9).all()


def test_grid_graph_offsets_point_from_read_pixel_to_centre() -> None:
    g = make_grid_graph(4, 5)
    src, dst = g.edge_index
    dr = src // 5 - dst // 5
    dc = src % 5 - dst % 5
    offsets = torch.tensor(OFFSETS_3X3)[g.edge_attr]
    assert torch.equal(torch.stack([dr, dc], 1), offsets)


def test_grid_helpers_bad_input() -> None:
    with pytest.raises(ValueError, match="height must be >= 1"):
        make_grid_graph(0, 3)
    with pytest.raises(TypeError, match="width must be an int"):
        make_grid_graph(3, 2.5)
    with pytest.raises(ValueError, match="padding must be one of"):
        make_grid_graph(3, 3, padding="reflect")
    with pytest.raises(ValueError, match="image must have shape"):
        image_to_nodes(torch.rand(4, 4))
    with pytest.raises(ValueError, match="x must have height \\* width"):
        nodes_to_image(torch.rand(10, 1), 3, 3)
    with pytest.raises(ValueError, match="size must be >= 4"):
        make_toy_image(size=2)


def test_image_nodes_roundtrip_and_toy_image_is_seeded() -> None:
    img = make_toy_image(12, seed=3)
    assert img.shape == (1, 12, 12)
    assert torch.equal(img, make_toy_image(12, seed=3))
    x = torch.rand(3, 4, 5)
    nodes = image_to_nodes(x)
    assert nodes.shape == (20, 3) and torch.equal(nodes[1 * 5 + 2], x[:, 1, 2])
    assert torch.equal(nodes_to_image(nodes, 4, 5), x)


def test_shift_equivariance_circular_exact_zero_padding_broken() -> None:
    torch.manual_seed(0)
    zero = nn.Conv2d(1, 3, 3, padding=1)
    circ = nn.Conv2d(1, 3, 3, padding=1, padding_mode="circular")
    circ.load_state_dict(zero.state_dict())
    images = torch.rand(2, 1, 12, 12)
    assert check_equivariance(circ, (images,), shift_images(keep_shift=True), shift_output).max_error < 1e-5
    assert not check_equivariance(zero, (images,), shift_images(keep_shift=True), shift_output)
    # a per-pixel map is exactly shift-equivariant with either padding
    assert check_equivariance(torch.relu, (images - 0.5,), shift_images(keep_shift=True), shift_output)


def test_shift_images_draws_shifts_in_range_and_keeps_the_rest() -> None:
    transform = shift_images(keep_shift=True, max_shift=2)
    g = torch.Generator().manual_seed(0)
    images, extra = torch.rand(1, 1, 6, 6), "label"
    for _ in range(20):
        shifted, rest, shift = transform((images, extra), g)
        assert rest == extra and shift.abs().max() <= 2
        assert torch.equal(shifted, torch.roll(images, (int(shift[0]), int(shift[1])), (-2, -1)))


def test_shift_error_map_sits_next_to_border_and_seam() -> None:
    torch.manual_seed(0)
    zero = nn.Conv2d(1, 2, 3, padding=1)
    circ = nn.Conv2d(1, 2, 3, padding=1, padding_mode="circular")
    img = torch.rand(1, 10, 10) + 0.5
    err = shift_error_map(zero, img, shift=(3, 5))
    band = torch.zeros(10, 10, dtype=torch.bool)
    band[[0, 2, 3, 9], :] = True
    band[:, [0, 4, 5, 9]] = True
    assert err.shape == (10, 10) and float(err[band].max()) > 1e-3 and float(err[~band].max()) < 1e-6
    assert float(shift_error_map(circ, img).max()) < 1e-5
    with pytest.raises(ValueError, match="shift must be two ints"):
        shift_error_map(zero, img, shift=(1,))
    with pytest.raises(TypeError, match="f must be callable"):
        shift_error_map(3, img)
    with pytest.raises(ValueError, match="max_shift must be >= 1"):
        shift_images(max_shift=0)
