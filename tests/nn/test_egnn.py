"""EGNN: the update rule by hand, and E(3) and permutation equivariance with the kit's checker."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.euclidean import euclidean_output, euclidean_transform, permute_output, permute_points
from gdl_teach.core.symmetry import check_equivariance, check_invariance
from gdl_teach.nn.egnn import EGNN, EGNNLayer, coordinate_update


def _graph(num_nodes: int = 7, seed: int = 0) -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, num_nodes, (2, 20), generator=g)
    edge_index = edge_index[:, edge_index[0] != edge_index[1]]
    x = torch.randn(num_nodes, 4, generator=g, dtype=torch.float64)
    pos = torch.randn(num_nodes, 3, generator=g, dtype=torch.float64)
    vel = torch.randn(num_nodes, 3, generator=g, dtype=torch.float64)
    edge_attr = torch.randn(edge_index.shape[1], 2, generator=g, dtype=torch.float64)
    return x, pos, edge_index, edge_attr, vel


def _model() -> EGNN:
    torch.manual_seed(0)
    model = EGNN(4, 16, num_layers=3, edge_channels=2, out_channels=5, velocity=True).double()
    for layer in model.layers:  # make the coordinate updates large enough to test
        torch.nn.init.normal_(layer.coord_mlp[-1].weight, std=0.5)
    return model


@pytest.mark.parametrize("reflect", [False, True])
def test_egnn_is_e3_equivariant(reflect: bool) -> None:
    model = _model()
    transform = euclidean_transform(reflect=reflect, translate=True, pos_index=1, vectors=(4,))
    report = check_equivariance(model, _graph(), transform, euclidean_output, trials=5, atol=1e-9)
    assert report, report


def test_egnn_is_permutation_equivariant() -> None:
    report = check_equivariance(_model(), _graph(), permute_points(1, 2), permute_output, atol=1e-9)
    assert report, report


def test_equivariant_layers_and_an_invariant_readout_make_an_invariant_model() -> None:
    model = _model()

    def energy(*inputs: torch.Tensor) -> torch.Tensor:
        h, pos = model(*inputs)
        return h.sum() + (pos - pos.mean(0)).norm(dim=1).sum()

    transform = euclidean_transform(reflect=True, pos_index=1, vectors=(4,))
    assert check_invariance(energy, _graph(), lambda i, g: transform(i, g)[:-1], atol=1e-8)


def test_without_velocity_the_coordinate_shift_is_translation_equivariant() -> None:
    torch.manual_seed(1)
    layer = EGNNLayer(4).double()
    x, pos, edge_index, _, _ = _graph(seed=2)
    h = torch.randn(pos.shape[0], 4, dtype=torch.float64)
    _, moved = layer(h, pos + 3.0, edge_index)
    _, ref = layer(h, pos, edge_index)
    torch.testing.assert_close(moved, ref + 3.0)


def test_coordinate_update_by_hand() -> None:
    pos = torch.tensor([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    edge_index = torch.tensor([[1, 2, 0], [0, 0, 2]])  # 1 -> 0, 2 -> 0, 0 -> 2; node 1 receives nothing
    weight = torch.tensor([[1.0], [0.5], [2.0]])
    out = coordinate_update(pos, edge_index, weight)
    want = torch.tensor([[(-1.0 + 0.0) / 2, (0.0 - 1.0) / 2, 0.0], [1.0, 0.0, 0.0], [0.0, 2.0 + 4.0, 0.0]])
    torch.testing.assert_close(out, want)


def test_errors_name_the_argument() -> None:
    layer = EGNNLayer(8, edge_channels=1)
    h, pos = torch.randn(3, 8), torch.randn(3, 3)
    with pytest.raises(ValueError, match="edge_index refers to node 5"):
        layer(h, pos, torch.tensor([[0, 5], [1, 2]]), torch.randn(2, 1))
    with pytest.raises(ValueError, match="edge_attr must have shape"):
        layer(h, pos, torch.tensor([[0, 1], [1, 2]]), torch.randn(2, 3))
    with pytest.raises(ValueError, match="h must have shape"):
        layer(torch.randn(3, 4), pos, torch.tensor([[0], [1]]), torch.randn(1, 1))
    with pytest.raises(ValueError, match="velocity=False"):
        layer(h, pos, torch.tensor([[0], [1]]), torch.randn(1, 1), vel=torch.randn(3, 3))
    with pytest.raises(ValueError, match="num_layers"):
        EGNN(4, num_layers=0)


def test_forward_on_the_meta_device() -> None:
    with torch.device("meta"):
        model = EGNN(4, 8, num_layers=2, edge_channels=2, out_channels=3, velocity=True)
        h, pos = model(torch.empty(6, 4), torch.empty(6, 3), torch.zeros(2, 10, dtype=torch.long),
                       torch.empty(10, 2), torch.empty(6, 3))
    assert h.device.type == "meta" and h.shape == (6, 3) and pos.shape == (6, 3)
