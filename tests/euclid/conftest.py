"""Fixtures of lesson 01's tests: one torch thread, a small hub graph, and a stand-in for an accelerator."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.euclid.hub_graphs import make_hub_graphs


@pytest.fixture(autouse=True, scope="module")
def _one_thread() -> Iterator[None]:
    """These models are tiny: one thread is fastest and does not fight other processes for the CPU."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def hub_graph() -> Data:
    """One 12-node graph with a hub at node 0 (class 1), 18 edges."""
    return make_hub_graphs(2, seed=0)[1]

