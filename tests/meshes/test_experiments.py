"""Tests for gdl_teach.meshes.experiments, on a tiny setting (coarse meshes, a few steps)."""
from __future__ import annotations

import math

import pytest
import torch
from torch_geometric.data import Batch

from gdl_teach.meshes import experiments, settings

TINY = settings.MeshSettings(grid_spacing=0.1, remesh_spacing=0.09, num_train_poses=1, num_test_poses=1,
                             num_eigs=12, num_times=6, num_regions=12, hidden_channels=8, steps=3, seeds=(0, 1))


@pytest.fixture(scope="module")
def data() -> experiments.MeshData:
    return experiments.make_data(TINY, progress=False)


def test_make_data_builds_every_input_and_label(data: experiments.MeshData) -> None:
    assert len(data.train) == 1 and set(data.tests) == {"new pose", "re-meshed"}
    g = data.train[0]
    n = g.num_nodes
    assert g.x_xyz.shape == (n, 3) and g.x_pca.shape == (n, 3) and g.x_hks.shape == (n, TINY.num_times)
    assert g.x_landmark.shape == (n, 1) and g.evecs.shape == (n, TINY.num_eigs) and g.evals.shape == (1, 12)
    assert int(g.y[:, 1].max()) < data.num_regions and int(g.y[:, 0].max()) < experiments.NUM_PARTS
    assert data.tests["re-meshed"][0].num_nodes != n


def test_rotation_changes_coordinates_only(data: experiments.MeshData) -> None:
    g = data.tests["new pose"][0]
    turned = experiments.rotated([g], seed=3)[0]
    assert not torch.allclose(turned.x_xyz, g.x_xyz, atol=1e-3)
    assert torch.allclose(turned.x_pca, g.x_pca, atol=1e-3), "the PCA frame undoes the rotation"
    assert torch.equal(turned.x_hks, g.x_hks) and torch.equal(turned.y, g.y)
    assert torch.allclose(turned.x_xyz.norm(dim=1), g.x_xyz.norm(dim=1), atol=1e-4)


def test_feature_view_and_loss(data: experiments.MeshData) -> None:
    batch = Batch.from_data_list(data.train)
    view = experiments.feature_view(batch, "HKS + landmark")
    assert view.x.shape[1] == TINY.num_times + 1
    with pytest.raises(ValueError, match="input_name must be one of"):
        experiments.feature_view(batch, "curvature")
    pred = torch.zeros(5, experiments.NUM_PARTS + 3)
    target = torch.tensor([[0, 1]] * 5)
    expected = math.log(experiments.NUM_PARTS) + math.log(3)
    assert float(experiments.multitask_loss(pred, target)) == pytest.approx(expected)


def test_train_steps_lowers_the_loss(data: experiments.MeshData) -> None:
    torch.manual_seed(0)
    from gdl_teach.meshes import models

    view = experiments.feature_view(data.train_batch, "xyz")
    model = models.make_model("MLP", 3, experiments.NUM_PARTS + data.num_regions, 16)
    losses = experiments.train_steps(model, view, steps=30, lr=1e-2)
    assert len(losses) == 30 and losses[-1] < losses[0]


def test_run_claim_tables_and_paired_test(data: experiments.MeshData) -> None:
    runs = (("MLP", "xyz"), ("DiffusionNet", "HKS"))
    claim = experiments.run_claim(data, TINY, runs=runs, progress=False)
    scores = claim.scores
    assert len(scores) == len(runs) * len(TINY.seeds) * len(experiments.TESTS) * 3
    assert set(claim.models) == set(runs)
    table = experiments.claim_table(scores, "part accuracy")
    assert list(table.columns) == [*experiments.TESTS, "params"] and " ± " in table.iloc[0, 0]
    hks = scores[(scores.input == "HKS") & (scores.metric == "part accuracy")].set_index(["seed", "test"]).value
    assert all(hks[s, "new pose"] == hks[s, "new pose, rotated"] for s in TINY.seeds), "HKS does not see rotations"
    vs = experiments.paired_test(scores, ("DiffusionNet", "HKS"), ("MLP", "xyz"), "new pose, rotated")
    assert vs["seeds"] == 2 and set(vs) == {"gap", "wins", "seeds", "t", "p"}
    means = experiments.mean_scores(scores, "patch accuracy")
    assert 0 <= means["MLP", "xyz", "new pose"] <= 1
    with pytest.raises(ValueError, match="no results for"):
        experiments.paired_test(scores, ("mesh GNN", "HKS"), ("MLP", "xyz"), "new pose")
    model, norm = claim.models["DiffusionNet", "HKS"]
    kinds = experiments.error_kinds(model, data.tests["new pose"][0], "HKS", norm, data.mirror)
    assert kinds.shape == (data.tests["new pose"][0].num_nodes,) and set(kinds.tolist()) <= {0, 1, 2}
