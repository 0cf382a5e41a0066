"""gdl_teach.message_passing.graph_task: stratified folds, recipe chosen on validation only, the feature baseline."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch, Data

from gdl_teach.core import splits
from gdl_teach.core.training import graph_step
from gdl_teach.message_passing import graph_task
from gdl_teach.message_passing.datasets import make_generator_graphs
from gdl_teach.message_passing.models import GraphClassifier


@pytest.fixture(scope="module")
def graphs() -> list[Data]:
    return make_generator_graphs(num_per_class=5, min_nodes=8, max_nodes=10)


def test_stratified_folds_test_every_item_once() -> None:
    labels = np.repeat(np.arange(4), 10)
    folds = splits.stratified_folds(labels, num_folds=5, seed=0)
    tests = np.concatenate([te for _, _, te in folds])
    assert sorted(tests.tolist()) == list(range(40))
    for tr, va, te in folds:
        assert not set(tr) & set(va) and not set(tr) & set(te) and not set(va) & set(te)
        assert len(tr) + len(va) + len(te) == 40
        assert np.bincount(labels[te]).tolist() == [2, 2, 2, 2]  # stratified
        assert np.bincount(labels[va], minlength=4).min() >= 1
    again = splits.stratified_folds(torch.as_tensor(labels), num_folds=5, seed=0)
    assert all(np.array_equal(a[2], b[2]) for a, b in zip(folds, again))
    with pytest.raises(ValueError, match="at least num_folds=5 items per class"):
        splits.stratified_folds([0, 0, 1, 1, 1, 1, 1], num_folds=5)
    with pytest.raises(ValueError, match="leaves fewer validation items"):
        splits.stratified_folds(labels, num_folds=5, val_fraction=0.1)
    with pytest.raises(ValueError, match="num_folds must be >= 2"):
        splits.stratified_folds(labels, num_folds=1)


def test_graph_step(graphs: list[Data]) -> None:
    pred, target = graph_step(GraphClassifier(1, 8, 4), Batch.from_data_list(graphs[:8]), "train")
    assert pred.shape == (8, 4) and target.shape == (8,)


def test_compare_graph_models_chooses_on_validation(graphs: list[Data]) -> None:
    folds = splits.stratified_folds([int(g.y) for g in graphs], num_folds=2, val_fraction=0.4)
    runs, trained = graph_task.compare_graph_models(graphs, folds, models=["MLP", "GIN"], lrs=(0.01, 0.001),
                                                    epochs=3, progress=False, device="cpu")
    assert len(runs) == 2 * 2 * 2 and set(trained) == {"MLP", "GIN"}
    chosen = runs[runs["chosen"]]
    assert len(chosen) == 4 and chosen.groupby(["model", "fold"]).size().eq(1).all()
    for (_, _), part in runs.groupby(["model", "fold"]):  # the chosen run has the best validation accuracy
        assert part.loc[part["chosen"], "val_acc"].iloc[0] == part["val_acc"].max()
    assert next(trained["GIN"].parameters()).device.type == "cpu"
    again, _ = graph_task.compare_graph_models(graphs, folds, models=["MLP", "GIN"], lrs=(0.01, 0.001), epochs=3,
                                               progress=False, device="cpu")
    assert runs.equals(again)
    first, _ = graph_task.compare_graph_models(graphs, folds, models=["GIN"], lrs=(0.01, 0.001), epochs=3,
                                               select_lr_on="first fold", progress=False, device="cpu")
    assert first.groupby("fold").size().tolist() == [2, 1] and first["chosen"].sum() == 2
    assert first.loc[first["fold"] == 1, "lr"].iloc[0] == first.loc[(first["fold"] == 0) & first["chosen"], "lr"].iloc[0]
    with pytest.raises(ValueError, match="select_lr_on must be one of"):
        graph_task.compare_graph_models(graphs, folds, select_lr_on="best")


def test_feature_baseline(graphs: list[Data]) -> None:
    folds = splits.stratified_folds([int(g.y) for g in graphs], num_folds=2, val_fraction=0.4)
    table = graph_task.feature_baseline(graphs, folds, groups=["degree histogram"])
    assert list(table["model"].unique()) == [graph_task.FEATURE_MODEL] and len(table) == 2
    assert table["test_acc"].between(0, 1).all() and table["chosen"].all()
    with pytest.raises(ValueError, match="graphs must be a list of at least 3"):
        graph_task.feature_baseline(graphs[:2], folds)
