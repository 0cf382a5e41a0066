"""Shared fixtures of the lesson 04 tests: a small town, outbreaks on it, snapshots and their split.

Device tests use the kit's shared stand-in for an accelerator, :func:`tests.fake_device.off_cpu`.
"""
from __future__ import annotations

import networkx as nx
import pytest

from gdl_teach.epidemics import dataset, outbreaks, town

TAU, GAMMA = 0.3, 0.2


@pytest.fixture(scope="session")
def small_town() -> nx.Graph:
    """A town of 60 households (about 150 people)."""
    return town.make_town(60, seed=1)


@pytest.fixture(scope="session")
def runs(small_town: nx.Graph) -> list[outbreaks.Outbreak]:
    """Six SIR outbreaks from the same three index cases, seeds 0..5."""
    return [outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=[0, 1, 2], seed=s) for s in range(6)]


@pytest.fixture(scope="session")
def snapshots(small_town: nx.Graph, runs: list[outbreaks.Outbreak]) -> dataset.OutbreakDataset:
    return dataset.make_outbreak_dataset(small_town, runs, horizon=2.0, snapshots_per_run=2, min_infected=2, seed=0)


@pytest.fixture(scope="session")
def splits(small_town: nx.Graph) -> dict[str, dataset.OutbreakDataset]:
    """Train/val/test snapshots of nine outbreaks with two random index cases each."""
    many = outbreaks.simulate_runs(small_town, 9, tau=TAU, gamma=GAMMA, num_index_cases=2, seed=0, progress=False)
    data = dataset.make_outbreak_dataset(small_town, many, horizon=2.0, snapshots_per_run=2, min_infected=2, seed=0)
    return dataset.split_by_run(data, (0.5, 0.25, 0.25), seed=0)
