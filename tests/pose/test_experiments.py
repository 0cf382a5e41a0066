"""The comparison harness: conditions, equal budgets, tables, paired tests."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.pose import datasets, experiments, motions


@pytest.fixture(scope="module")
def results() -> tuple:
    poses = motions.make_poses(200, seed=0)
    train = datasets.make_lifting_set(poses.pos, poses.motion, seed=0)
    conditions = experiments.make_conditions(20, clips={"fake": motions.make_poses(10, seed=9).pos})
    specs = {"MLP": experiments.LifterSpec("mlp", 1500), "SemGCN": experiments.LifterSpec("sem", 1500)}
    return conditions, experiments.compare(specs, train, conditions, seeds=(0, 1), num_steps=3, batch_size=32)


def test_conditions(results: tuple) -> None:
    conditions, _ = results
    assert list(conditions) == ["held-out", "unseen views", "3 occluded", "10 px noise", "real mocap"]
    assert bool((conditions["unseen views"].elevation >= 45).all())
    assert bool((conditions["3 occluded"].inputs[..., 2].sum(1) == 14).all())
    assert "real mocap" not in experiments.make_conditions(20, clips={})


def test_compare_gives_one_row_per_model_seed_and_condition(results: tuple) -> None:
    conditions, comparison = results
    res = comparison.results
    assert set(comparison.models) == {("MLP", 0), ("MLP", 1), ("SemGCN", 0), ("SemGCN", 1)}
    views = experiments.per_view(comparison.models[("MLP", 0)], conditions["held-out"])
    assert set(views) == {"front", "side", "back"}
    assert len(res) == 2 * 2 * 5
    assert set(res.columns) >= {"model", "seed", "condition", "parameters", "MPJPE", "P-MPJPE", "bone error"}
    assert bool((res["parameters"] <= 1500).all())
    table = experiments.summary(res)
    assert list(table.index) == ["MLP", "SemGCN"] and table.loc["MLP", "seeds"] == 2
    assert "±" in table.loc["MLP", "held-out"]
    test = experiments.paired_test(res, "SemGCN", "MLP", "held-out")
    assert test["seeds"] == 2 and 0 <= test["a better in"] <= 2
    with pytest.raises(ValueError, match="a and b must be models"):
        experiments.paired_test(res, "GCN", "MLP", "held-out")


def test_zero_depth_keeps_x_and_y() -> None:
    data = experiments.make_conditions(20)["held-out"]
    pred = experiments.zero_depth(data)
    assert torch.equal(pred[..., :2], data.target[..., :2]) and torch.equal(pred[..., 2], torch.zeros(20, 17))
    assert experiments.score(pred, data)["MPJPE"] > 50
