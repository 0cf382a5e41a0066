"""Shared fixtures of the lesson 04 tests: a small town, outbreaks on it, snapshots and their split.

Also a stand-in for a GPU tensor (:class:`FakeCudaTensor`) that fails the way a
CUDA tensor does when code forgets ``.cpu()`` before NumPy, so the device rule
is tested on a machine without a GPU.
"""
from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
import torch
from torch_geometric.data import Data

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


class FakeCudaTensor(torch.Tensor):
    """A CPU tensor that refuses NumPy conversion until ``.cpu()`` is called, as a CUDA tensor does."""

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        if func is torch.Tensor.numpy:
            raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the "
                            "tensor to host memory first.")
        out = super().__torch_function__(func, types, args, kwargs or {})
        if func in (torch.Tensor.cpu,) and isinstance(out, torch.Tensor):
            return out.as_subclass(torch.Tensor)
        return out

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() first.")


def fake_cuda(value: Any) -> Any:
    """``value`` (a tensor or a PyG ``Data``) with every tensor made a :class:`FakeCudaTensor` (a new object)."""
    if isinstance(value, torch.Tensor):
        return value.clone().as_subclass(FakeCudaTensor)
    if isinstance(value, Data):
        return Data(**{k: fake_cuda(v) if isinstance(v, torch.Tensor) else v for k, v in value.items()})
    raise TypeError(f"fake_cuda takes a tensor or a Data, got {type(value).__name__}")

