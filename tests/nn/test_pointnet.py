"""gdl_teach.nn.pointnet: shapes, permutation symmetry (measured with core.symmetry), examples kept apart."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.nn import global_max_pool

from gdl_teach.core.symmetry import check_equivariance, check_invariance, permute_output, permute_rows
from gdl_teach.nn.pointnet import PointNet


def _model(seed: int = 0) -> PointNet:
    torch.manual_seed(seed)
    return PointNet(3, 5, hidden_channels=16, global_channels=24).eval()


def test_shapes_and_global_feature_is_pyg_max_pool_of_the_lifted_features() -> None:
    model = _model()
    x = torch.randn(50, 3)
    batch = torch.tensor([0] * 20 + [1] * 30)
    assert model(x, batch).shape == (50, 5)
    g = model.global_feature(x, batch)
    assert g.shape == (2, 24)
    with torch.no_grad():
        assert torch.allclose(g, global_max_pool(model.lift(model.local(x)), batch))


def test_permutation_equivariant_output_and_invariant_global_feature() -> None:
    model = _model()
    x = torch.randn(40, 3)
    assert check_equivariance(model, (x,), permute_rows(keep_perm=True), permute_output, atol=1e-5)
    assert check_invariance(model.global_feature, (x,), permute_rows(), atol=1e-5)


def test_not_rotation_invariant() -> None:
    """PointNet claims no rotation symmetry: turning the input changes its output."""
    model = _model()
    x = torch.randn(40, 3)
    turned = x @ torch.tensor([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]).T
    with torch.no_grad():
        assert (model(x) - model(turned)).abs().max() > 1e-3


def test_examples_of_a_batch_do_not_mix() -> None:
    model = _model()
    a, b = torch.randn(15, 3), torch.randn(25, 3)
    batch = torch.tensor([0] * 15 + [1] * 25)
    with torch.no_grad():
        both = model(torch.cat([a, b]), batch)
        assert torch.allclose(both[:15], model(a), atol=1e-5)
        assert torch.allclose(both[15:], model(b), atol=1e-5)


def test_errors_name_the_argument() -> None:
    model = _model()
    with pytest.raises(ValueError, match="x must have shape"):
        model(torch.randn(10, 4))
    with pytest.raises(ValueError, match="batch must have one entry per point"):
        model(torch.randn(10, 3), torch.zeros(9, dtype=torch.long))
    with pytest.raises(ValueError, match="hidden_channels must be >= 1"):
        PointNet(3, 5, hidden_channels=0)


def test_forward_on_meta_device() -> None:
    with torch.device("meta"):
        model = PointNet(3, 7)
        out = model(torch.empty(100, 3))
    assert out.shape == (100, 7) and out.device.type == "meta"
