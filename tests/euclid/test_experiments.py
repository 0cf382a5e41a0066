"""gdl_teach.euclid.experiments: the claim's task, budget, contenders, table and paired test."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from gdl_teach.euclid import experiments as ex
from gdl_teach.euclid.baselines import dense_adjacency

TINY = ex.Budget(num_steps=4, batch_size=10, lr=1e-2)


@pytest.fixture(scope="module")
def tiny_results() -> pd.DataFrame:
    """Every contender on two seeds, with a budget small enough for a test."""
    return ex.compare(seeds=[0, 1], num_train=20, budget=TINY, cost_factor=2, device="cpu", progress=False)


def test_budget_checks_its_fields() -> None:
    assert ex.Budget() == ex.Budget(num_steps=200, batch_size=50, lr=1e-2)
    with pytest.raises(ValueError, match="num_steps must be >= 1"):
        ex.Budget(num_steps=0)
    with pytest.raises(ValueError, match="lr must be > 0"):
        ex.Budget(lr=0.0)


def test_make_task_stores_every_graph_in_a_random_numbering() -> None:
    train, test, again = ex.make_task(seed=0, num_train=20, num_test=10)
    assert len(train) == 20 and len(test) == len(again) == 10
    assert sum(int(g.y) for g in train) == 10  # balanced classes
    hub_at_zero = [int((g.edge_index[0] == 0).sum()) >= 8 for g in train if int(g.y) == 1]
    assert not all(hub_at_zero)  # no numbering leak: the hub is not always node 0
    a, b = dense_adjacency(test, 12), dense_adjacency(again, 12)
    assert torch.equal(a.sum((1, 2)), b.sum((1, 2))) and not torch.equal(a, b)  # same graphs, renumbered
    first, _, _ = ex.make_task(seed=0, num_train=20, num_test=10)
    assert all(torch.equal(x.edge_index, y.edge_index) for x, y in zip(first, train))


def test_tensor_batches_cover_every_graph_and_reshuffle_each_pass() -> None:
    adj, y = torch.arange(14.0).view(7, 2), torch.arange(7)
    batches = ex.TensorBatches(adj, y, batch_size=3, seed=0)
    first, second = list(batches), list(batches)
    assert len(batches) == 3 and [len(b[1]) for b in first] == [3, 3, 1]
    assert sorted(torch.cat([b[1] for b in first]).tolist()) == list(range(7))
    assert all(torch.equal(a[0], adj[a[1]]) for a in first)  # rows stay with their labels
    assert [b[1].tolist() for b in first] != [b[1].tolist() for b in second]
    with pytest.raises(ValueError, match="y must have shape"):
        ex.TensorBatches(adj, y[:-1], 3, 0)


def test_augmented_step_renumbers_training_graphs_only() -> None:
    views = ex.Views.of(ex.make_task(0, 4, num_test=2)[0])
    recorded = []

    class Record(nn.Module):
        def forward(self, adj: torch.Tensor) -> torch.Tensor:
            recorded.append(adj.clone())
            return torch.zeros(adj.shape[0], 2)

    step = ex.AugmentedStep(seed=0)
    step(Record(), (views.flat, views.y), "val")
    step(Record(), (views.flat, views.y), "train")
    assert torch.equal(recorded[0], views.flat) and not torch.equal(recorded[1], views.flat)
    degrees = lambda flat: torch.sort(flat.view(-1, 12, 12).sum(2), dim=1).values  # noqa: E731
    assert torch.equal(degrees(recorded[1]), degrees(views.flat))  # the same graphs, renumbered


def test_train_for_budget_takes_exactly_the_budgeted_steps() -> None:
    views = ex.Views.of(ex.make_task(0, 20, num_test=2)[0])
    steps = []

    def counting_step(model, batch, split):  # noqa: ANN001, ANN202
        steps.append(split)
        return ex.flat_step(model, batch, split)

    model = nn.Linear(144, 2)
    ex.train_for_budget(model, ex.TensorBatches(views.flat, views.y, 10, 0), counting_step, ex.Budget(6, 10), "cpu")
    assert steps == ["train"] * 6
    with pytest.raises(ValueError, match="must be a multiple of the 2 batches per epoch"):
        ex.train_for_budget(model, ex.TensorBatches(views.flat, views.y, 10, 0), ex.flat_step, ex.Budget(5, 10))


def test_compare_runs_every_contender_on_every_seed(tiny_results: pd.DataFrame) -> None:
    runs = set(zip(tiny_results["model"], tiny_results["setting"]))
    assert {m for m, _ in runs} == set(ex.MODELS)
    assert (ex.AUGMENTED, "2x steps") in runs and (ex.CANONICAL, "2x training graphs") in runs
    assert len(tiny_results) == 2 * 8 and set(tiny_results["seed"]) == {0, 1}
    assert tiny_results["accuracy"].between(0, 1).all() and tiny_results["flips"].between(0, 1).all()
    invariant = tiny_results[tiny_results["model"].isin([ex.GNN, ex.RULE, ex.LOGISTIC])]
    assert (invariant["flips"] == 0).all()  # renumbering cannot change an invariant model's answer
    params = tiny_results.groupby("model")["parameters"].first()
    assert params[ex.BLIND] == 144 * 64 + 64 + 64 * 2 + 2 and params[ex.RULE] == 1 and params[ex.LOGISTIC] == 13


def test_compare_repeats_its_numbers(tiny_results: pd.DataFrame) -> None:
    again = ex.compare(seeds=[0, 1], num_train=20, budget=TINY, cost_factor=2, device="cpu", progress=False)
    pd.testing.assert_frame_equal(tiny_results, again)
    with pytest.raises(ValueError, match="seeds must name at least one seed"):
        ex.compare(seeds=[])


def test_summary_and_format_tables(tiny_results: pd.DataFrame) -> None:
    table = ex.summary_table(tiny_results)
    assert list(table.index)[:6] == [(m, ex.EQUAL) for m in ex.MODELS]
    assert list(table.columns) == ["accuracy", "std", "flips", "parameters", "seeds"] and (table["seeds"] == 2).all()
    text = ex.format_table(table)
    assert " ± " in text and "MLP + permutation augmentation, 2x steps" in text and "%" in text


def test_paired_test_pairs_by_seed() -> None:
    rows = [{"seed": s, "model": m, "setting": ex.EQUAL, "accuracy": a}
            for s, (a, b) in enumerate([(0.9, 0.8), (0.95, 0.8), (0.9, 0.9), (0.99, 0.7)])
            for m, a in ((ex.GNN, a), (ex.BLIND, b))]
    results = pd.DataFrame(rows)
    out = ex.paired_test(results, ex.GNN, ex.BLIND)
    assert out["mean_difference"] == pytest.approx(0.135) and (out["wins"], out["ties"], out["losses"]) == (3, 1, 0)
    assert 0 < out["p"] < 0.2
    same = ex.paired_test(results, ex.GNN, ex.GNN)
    assert np.isnan(same["p"]) and same["ties"] == 4  # no spread in the differences: no t-test
    with pytest.raises(ValueError, match="no runs of"):
        ex.paired_test(results, ex.GNN, ex.RULE)
    missing_seed = results[~((results["model"] == ex.BLIND) & (results["seed"] == 0))]
    with pytest.raises(ValueError, match="same seeds"):
        ex.paired_test(missing_seed, ex.GNN, ex.BLIND)


def test_the_numbering_shortcut_is_learned_and_lost() -> None:
    measured = ex.numbering_shortcut(seed=0, num_train=40, num_test=40, budget=ex.Budget(40, 20, 1e-2))
    assert set(measured) == {"test, as generated", "test, renumbered"}
    assert measured["test, as generated"] > measured["test, renumbered"] + 0.2
