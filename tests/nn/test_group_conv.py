"""p4 lifting and group convolutions: exact equivariance to quarter turns, checked with the kit's checker."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from gdl_teach.core.symmetry import check_equivariance, check_invariance
from gdl_teach.nn.group_conv import (
    P4GroupConv,
    P4LiftingConv,
    group_filters,
    lifted_filters,
    max_pool_p4,
    pool_rotations,
    rotate_p4,
)


def _turn_image(inputs, g):  # noqa: ANN001, ANN202
    k = int(torch.randint(1, 4, (1,), generator=g))
    return (torch.rot90(inputs[0], k, dims=(-2, -1)), k)


def _turn_p4(inputs, g):  # noqa: ANN001, ANN202
    k = int(torch.randint(1, 4, (1,), generator=g))
    return (rotate_p4(inputs[0], k), k)


def test_rotate_p4_is_a_group_action() -> None:
    x = torch.randn(2, 3, 4, 5, 5)
    assert torch.equal(rotate_p4(x, 0), x)
    assert torch.equal(rotate_p4(x, 4), x)
    assert torch.equal(rotate_p4(rotate_p4(x, 1), 2), rotate_p4(x, 3))
    assert torch.equal(rotate_p4(rotate_p4(x, 1), -1), x)


def test_lifting_conv_is_exactly_equivariant() -> None:
    torch.manual_seed(0)
    layer = P4LiftingConv(2, 5)
    report = check_equivariance(layer, (torch.randn(3, 2, 9, 9),), _turn_image, rotate_p4, trials=6, atol=1e-5)
    assert report, report


def test_group_conv_is_exactly_equivariant_and_composes() -> None:
    torch.manual_seed(1)
    layer = P4GroupConv(3, 4, kernel_size=5)
    assert check_equivariance(layer, (torch.randn(2, 3, 4, 8, 8),), _turn_p4, rotate_p4, trials=6, atol=1e-5)
    lift, conv = P4LiftingConv(1, 3), P4GroupConv(3, 3)

    def net(x: torch.Tensor) -> torch.Tensor:  # equivariant layers, pooling, an invariant readout
        h = max_pool_p4(torch.relu(conv(max_pool_p4(torch.relu(lift(x))))))
        return pool_rotations(h, "max").amax(dim=(-2, -1))

    report = check_invariance(net, (torch.randn(4, 1, 8, 8),), lambda i, g: _turn_image(i, g)[:1], atol=1e-5)
    assert report, report


def test_plain_conv_is_not_rotation_equivariant() -> None:
    torch.manual_seed(2)
    conv = torch.nn.Conv2d(1, 4, 3, padding=1)
    report = check_equivariance(conv, (torch.randn(2, 1, 8, 8),), _turn_image,
                                lambda out, k: torch.rot90(out, k, dims=(-2, -1)), atol=1e-4)
    assert not report and report.max_error > 1e-2


def test_filters_match_the_update_rule_by_hand() -> None:
    torch.manual_seed(3)
    layer = P4GroupConv(2, 3, bias=False)
    x = torch.randn(1, 2, 4, 6, 6)
    out = layer(x)
    for r in range(4):
        want = sum(F.conv2d(x[:, c, s:s + 1], torch.rot90(layer.weight[:, c, (s - r) % 4], r, dims=(-2, -1))
                            .unsqueeze(1), padding=1) for c in range(2) for s in range(4))
        torch.testing.assert_close(out[:, :, r], want, atol=1e-5, rtol=1e-5)
    assert lifted_filters(torch.randn(3, 1, 3, 3)).shape == (3, 4, 1, 3, 3)
    assert group_filters(torch.randn(3, 2, 4, 3, 3)).shape == (3, 4, 2, 4, 3, 3)


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        P4LiftingConv(1, 2, kernel_size=4)
    with pytest.raises(ValueError, match="in_channels"):
        P4GroupConv(0, 2)
    with pytest.raises(ValueError, match="x must have shape"):
        P4GroupConv(2, 2)(torch.randn(1, 2, 3, 5, 5))
    with pytest.raises(ValueError, match="kernel_size"):
        max_pool_p4(torch.randn(1, 2, 4, 5, 5))
    with pytest.raises(ValueError, match="reduce"):
        pool_rotations(torch.randn(1, 2, 4, 4, 4), "sum")


def test_forward_on_the_meta_device() -> None:
    with torch.device("meta"):
        lift, conv = P4LiftingConv(1, 3), P4GroupConv(3, 2)
        out = conv(lift(torch.empty(2, 1, 8, 8)))
    assert out.device.type == "meta" and out.shape == (2, 2, 4, 8, 8)
