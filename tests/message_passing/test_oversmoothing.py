"""gdl_teach.message_passing.oversmoothing: propagation smooths, the measures see it, nothing leaves the input's device."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.message_passing import oversmoothing


def test_propagation_smooths(sbm: Data) -> None:
    hs = oversmoothing.propagate_gcn(sbm.x, sbm.edge_index, 16)
    assert len(hs) == 17 and all(h.shape == sbm.x.shape for h in hs)
    energies = [oversmoothing.dirichlet_energy(h, sbm.edge_index) for h in hs]
    assert all(b <= a + 1e-9 for a, b in zip(energies, energies[1:]))
    assert oversmoothing.mean_pairwise_distance(hs[16]) < oversmoothing.mean_pairwise_distance(hs[0])
    curve = oversmoothing.oversmoothing_curve(sbm, [0, 2, 64])
    assert list(curve.columns) == ["dirichlet_energy", "mean_distance", "centroid_accuracy"]
    assert curve.loc[64, "dirichlet_energy"] < 1e-3 * curve.loc[0, "dirichlet_energy"]


def test_dirichlet_energy_is_zero_at_the_fixed_point() -> None:
    edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])  # a path 0 - 1 - 2
    deg = torch.tensor([2.0, 3.0, 2.0])  # in-degree + 1
    assert oversmoothing.dirichlet_energy(deg.sqrt().view(-1, 1), edge_index) == pytest.approx(0.0, abs=1e-12)
    assert oversmoothing.dirichlet_energy(torch.tensor([[1.0], [0.0], [0.0]]), edge_index) > 0


def test_errors_name_the_argument(sbm: Data) -> None:
    with pytest.raises(ValueError, match="depths must be a non-empty list"):
        oversmoothing.oversmoothing_curve(sbm, [])
    with pytest.raises(ValueError, match="depths must be a non-empty list"):
        oversmoothing.oversmoothing_curve(sbm, [True])
    with pytest.raises(ValueError, match="data must have train_mask"):
        oversmoothing.oversmoothing_curve(Data(x=sbm.x, edge_index=sbm.edge_index, y=sbm.y), [1])
    with pytest.raises(ValueError, match="x must have at least 2 rows"):
        oversmoothing.mean_pairwise_distance(torch.ones(1, 3))
    with pytest.raises(TypeError, match="train_mask and test_mask must be bool"):
        oversmoothing.nearest_centroid_accuracy(sbm.x, sbm.y, sbm.train_mask.long(), sbm.test_mask)
    with pytest.raises(ValueError, match="train_mask selects no node"):
        oversmoothing.nearest_centroid_accuracy(sbm.x, sbm.y, torch.zeros_like(sbm.train_mask), sbm.test_mask)
    with pytest.raises(ValueError, match="num_steps must be >= 0"):
        oversmoothing.propagate_gcn(sbm.x, sbm.edge_index, -1)


def test_helpers_create_no_tensor_off_the_input_device(sbm: Data) -> None:
    # Regression: dirichlet_energy built its degree vector with torch.ones(N) and no device=, which fails
    # as soon as x lives on a GPU. Here such a tensor lands on meta and meets the CPU inputs.
    with torch.device("meta"):
        hs = oversmoothing.propagate_gcn(sbm.x, sbm.edge_index, 2)
        energy = oversmoothing.dirichlet_energy(hs[2], sbm.edge_index)
        distance = oversmoothing.mean_pairwise_distance(hs[2])
        accuracy = oversmoothing.nearest_centroid_accuracy(hs[2], sbm.y, sbm.train_mask, sbm.test_mask)
        curve = oversmoothing.oversmoothing_curve(sbm, [0, 2])
    assert hs[2].device == sbm.x.device and min(energy, distance, accuracy) >= 0
    assert curve.loc[2, "dirichlet_energy"] == pytest.approx(energy)


def test_the_learners_data_is_read_not_moved(sbm: Data) -> None:
    before = {k: v.data_ptr() for k, v in sbm.to_dict().items() if isinstance(v, torch.Tensor)}
    oversmoothing.oversmoothing_curve(sbm, [0, 1])
    assert before == {k: v.data_ptr() for k, v in sbm.to_dict().items() if isinstance(v, torch.Tensor)}
