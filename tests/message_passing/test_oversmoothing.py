"""gdl_teach.message_passing.oversmoothing: the spectrum, propagation, the measures, the precision cliff, devices."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.message_passing import oversmoothing
from gdl_teach.nn.gcn import dense_adjacency, gcn_norm_dense


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
    with pytest.raises(ValueError, match="precision must be one of"):
        oversmoothing.oversmoothing_curve(sbm, [1], precision="half")
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


def test_top_eigenvalues_match_a_dense_solver(sbm: Data) -> None:
    table = oversmoothing.top_eigenvalues(sbm.edge_index, sbm.num_nodes, y=sbm.y, k=6)
    dense = torch.linalg.eigvalsh(gcn_norm_dense(dense_adjacency(sbm.edge_index, sbm.num_nodes)).double())
    assert torch.allclose(torch.tensor(table["eigenvalue"].to_numpy().copy()), dense.flip(0)[:6], atol=1e-8)
    assert table["eigenvalue"].iloc[0] == pytest.approx(1.0) and list(table.index) == [1, 2, 3, 4, 5, 6]
    share = table["class_share"]
    assert share.sum() <= 1 + 1e-9 and share.iloc[1:4].sum() > 0.5  # 4 blocks: u_2..u_4 carry the classes
    assert "class_share" not in oversmoothing.top_eigenvalues(sbm.edge_index, sbm.num_nodes, k=3).columns
    with pytest.raises(ValueError, match="both directions"):
        oversmoothing.top_eigenvalues(torch.tensor([[0, 1], [1, 2]]), 4, k=1)
    with pytest.raises(ValueError, match="k must be <= 2"):
        oversmoothing.top_eigenvalues(torch.tensor([[0, 1], [1, 0]]), 4, k=3)


def test_float64_holds_the_classes_longer_than_float32(sbm: Data) -> None:
    c32 = oversmoothing.collapse_depth(sbm, "float32", max_depth=150)
    c64 = oversmoothing.collapse_depth(sbm, "float64", max_depth=150)
    assert 0 < c32 < c64
    lambda_2 = float(oversmoothing.top_eigenvalues(sbm.edge_index, sbm.num_nodes, k=2)["eigenvalue"].iloc[1])
    predicted = torch.log(torch.tensor(torch.finfo(torch.float32).eps)) / torch.log(torch.tensor(lambda_2))
    assert abs(c32 - float(predicted)) <= 0.3 * c32  # where lambda_2 ** k falls to float32's resolution
    curves = {p: oversmoothing.oversmoothing_curve(sbm, [0, c32 + 10], precision=p) for p in ("float32", "float64")}
    assert curves["float64"].loc[c32 + 10, "centroid_accuracy"] > curves["float32"].loc[c32 + 10, "centroid_accuracy"]
    with pytest.raises(ValueError, match="precision must be one of"):
        oversmoothing.collapse_depth(sbm, "float16")


def test_distances_do_not_cancel_when_rows_nearly_agree() -> None:
    base = torch.tensor([[1.0, 2.0, 3.0]]).repeat(4, 1)
    offsets = torch.tensor([[1e-5, 0, 0], [-1e-5, 0, 0], [0, 1e-5, 0], [0, -1e-5, 0]])
    x = base + offsets
    want = oversmoothing.mean_pairwise_distance(x.double())
    assert want > 0 and oversmoothing.mean_pairwise_distance(x) == pytest.approx(want, rel=0.05)
