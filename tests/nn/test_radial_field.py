"""The radial field: E(3) and permutation equivariance, and its update rule by hand."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.euclidean import euclidean_output, euclidean_transform, permute_output, permute_points
from gdl_teach.core.symmetry import check_equivariance
from gdl_teach.nn.radial_field import RadialField, RadialFieldLayer


def _inputs() -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(0)
    pos = torch.randn(6, 3, generator=g, dtype=torch.float64)
    src, dst = torch.meshgrid(torch.arange(6), torch.arange(6), indexing="ij")
    keep = src != dst
    edge_index = torch.stack([src[keep], dst[keep]])
    return pos, edge_index, torch.randn(edge_index.shape[1], 1, generator=g, dtype=torch.float64), \
        torch.randn(6, 3, generator=g, dtype=torch.float64)


def _model() -> RadialField:
    torch.manual_seed(0)
    model = RadialField(16, num_layers=3, edge_channels=1, velocity=True).double()
    for layer in model.layers:
        torch.nn.init.normal_(layer.phi[2].weight, std=0.5)
    return model


@pytest.mark.parametrize("reflect", [False, True])
def test_radial_field_is_e3_equivariant(reflect: bool) -> None:
    transform = euclidean_transform(reflect=reflect, pos_index=0, vectors=(3,))
    assert check_equivariance(_model(), _inputs(), transform, euclidean_output, atol=1e-9)


def test_radial_field_is_permutation_equivariant() -> None:
    assert check_equivariance(_model(), _inputs(), permute_points(0, 1), permute_output, atol=1e-9)


def test_update_rule_by_hand() -> None:
    layer = RadialFieldLayer(4).double()
    pos, edge_index, _, _ = _inputs()
    src, dst = edge_index
    rel = pos[dst] - pos[src]
    weight = layer.phi(rel.norm(dim=-1, keepdim=True))
    want = pos + torch.zeros_like(pos).index_add_(0, dst, rel * weight) / 5  # every node has 5 neighbours
    torch.testing.assert_close(layer(pos, edge_index), want)


def test_errors_and_meta_device() -> None:
    with pytest.raises(ValueError, match="pos must"):
        RadialFieldLayer(4)(torch.randn(3), torch.zeros(2, 0, dtype=torch.long))
    with pytest.raises(ValueError, match="edge_attr was given"):
        RadialFieldLayer(4)(torch.randn(3, 3), torch.zeros(2, 1, dtype=torch.long), torch.randn(1, 1))
    with torch.device("meta"):
        out = RadialField(8, 2, velocity=True)(torch.empty(5, 3), torch.zeros(2, 8, dtype=torch.long),
                                               vel=torch.empty(5, 3))
    assert out.device.type == "meta" and out.shape == (5, 3)
