"""gdl_teach.epidemics.dataset: snapshots, the label, the PyG dataset and its split by run."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from gdl_teach.core.splits import group_split
from gdl_teach.epidemics import dataset, outbreaks, town


def test_dataset_snapshots_are_consistent(small_town: nx.Graph, runs: list[outbreaks.Outbreak],
                                          snapshots: dataset.OutbreakDataset) -> None:
    n = small_town.number_of_nodes()
    assert len(snapshots) >= 4 and snapshots.horizon == 2.0
    for d in snapshots:
        run = runs[int(d.run)]
        t = float(d.t)
        assert d.x.shape == (n, len(dataset.FEATURE_NAMES)) and d.y.shape == (n,)
        np.testing.assert_array_equal(d.state.numpy(), run.states_at(t))
        assert torch.equal(d.x[:, 5:8].argmax(1), d.state), "state one-hot matches the state"
        assert torch.equal(d.mask, d.state == 0)
        assert not bool(d.y[~d.mask].any()), "only susceptible people can be newly infected"
        newly = (run.t_infected > t) & (run.t_infected <= t + 2.0)
        np.testing.assert_array_equal(d.y.numpy().astype(bool), newly)
        np.testing.assert_array_equal(dataset.infected_within(run, t, 2.0), newly)
        assert torch.allclose(d.x[:, 8], (d.state == 1).float().mean().expand(n))
        assert abs(float(d.final_size) - run.final_size / n) < 1e-6
        assert int((d.state == 1).sum()) >= 2


def test_runs_lists_the_run_of_every_snapshot(snapshots: dataset.OutbreakDataset) -> None:
    runs = snapshots.runs()
    assert runs.tolist() == [int(d.run) for d in snapshots]
    subset = snapshots[torch.tensor([3, 0])]
    assert subset.runs().tolist() == [int(snapshots[3].run), int(snapshots[0].run)]


def test_split_by_run_keeps_runs_together(snapshots: dataset.OutbreakDataset) -> None:
    splits = dataset.split_by_run(snapshots, (0.5, 0.25, 0.25), seed=0)
    runs = {k: set(v.runs().tolist()) for k, v in splits.items()}
    assert all(runs.values())
    assert not (runs["train"] & runs["val"]) and not (runs["train"] & runs["test"]) and not (runs["val"] & runs["test"])
    assert sum(len(v) for v in splits.values()) == len(snapshots)
    again = dataset.split_by_run(snapshots, (0.5, 0.25, 0.25), seed=0)
    assert torch.equal(again["test"].runs(), splits["test"].runs())
    subset = snapshots[torch.arange(2, len(snapshots))]  # drops the first run's snapshots
    nested = dataset.split_by_run(subset, (0.4, 0.3, 0.3), seed=0)
    inner = set().union(*(set(v.runs().tolist()) for v in nested.values()))
    assert inner == set(subset.runs().tolist()), "splitting a subset uses its own runs"


def test_split_by_run_is_the_kits_group_split(snapshots: dataset.OutbreakDataset) -> None:
    for seed in range(3):
        splits = dataset.split_by_run(snapshots, (0.5, 0.25, 0.25), seed=seed)
        parts = group_split(snapshots.runs(), (0.5, 0.25, 0.25), seed=seed)
        for (name, part), idx in zip(splits.items(), parts):
            assert torch.equal(part.runs(), snapshots.runs()[idx]), name


@pytest.mark.parametrize("fractions", [(0.5, 0.5), (0.6, 0.4, 0.0), (0.7, 0.2, 0.2), "abc"])
def test_split_by_run_validates(snapshots: dataset.OutbreakDataset, fractions: object) -> None:
    with pytest.raises(ValueError, match="fractions"):
        dataset.split_by_run(snapshots, fractions)


def test_split_by_run_needs_a_dataset_and_three_runs(snapshots: dataset.OutbreakDataset) -> None:
    with pytest.raises(TypeError, match="dataset"):
        dataset.split_by_run([1, 2, 3])
    one_run = snapshots[torch.as_tensor(np.flatnonzero(snapshots.runs().numpy() == int(snapshots[0].run)))]
    with pytest.raises(ValueError, match="at least 3 runs"):
        dataset.split_by_run(one_run)


def test_dataset_validates(small_town: nx.Graph, runs: list[outbreaks.Outbreak]) -> None:
    with pytest.raises(ValueError, match="horizon"):
        dataset.make_outbreak_dataset(small_town, runs, horizon=0.0)
    with pytest.raises(TypeError, match="runs"):
        dataset.make_outbreak_dataset(small_town, [1, 2])
    with pytest.raises(ValueError, match="min_infected"):
        dataset.make_outbreak_dataset(small_town, runs, min_infected=10_000)
    with pytest.raises(ValueError, match="runs must be simulated on G"):
        dataset.make_outbreak_dataset(town.karate_town(), runs)


@pytest.mark.parametrize("states, error, match", [
    (np.array([0, 1, 5]), ValueError, "SIR codes"),
    (np.array([0, 1]), ValueError, "shape"),
    (np.array([0.0, 1.0, 2.0]), TypeError, "integer"),
    (torch.tensor([0.0, 1.0, 1.0]), TypeError, "integer"),
    (torch.tensor([True, False, True]), TypeError, "integer"),
])
def test_snapshot_features_validate_states(states: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        dataset.snapshot_features(torch.zeros(3, 5), states)


def test_snapshot_data_accepts_states_as_array_or_tensor(small_town: nx.Graph) -> None:
    n = small_town.number_of_nodes()
    states = np.zeros(n, dtype=np.int64)
    states[:4] = 1
    base = town.town_to_data(small_town)
    a = dataset.snapshot_data(base, states)
    b = dataset.snapshot_data(small_town, torch.as_tensor(states))
    assert torch.equal(a.x, b.x) and torch.equal(a.mask, b.mask) and a.state.dtype == torch.long
    assert a.x.shape == (n, len(dataset.FEATURE_NAMES)) and torch.equal(a.edge_index, base.edge_index)
