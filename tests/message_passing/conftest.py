"""Shared fixtures of the message-passing lesson's tests.

Device readiness without a GPU, two ways:

* ``with torch.device("meta"):`` around a call makes every tensor created
  *without* ``device=`` land on the meta device, while the inputs stay real
  CPU tensors (validation reads their values, PyG's self-loop handling needs
  them). A tensor the code forgot to put next to its inputs then meets them in
  an operation and fails, exactly as a CPU tensor meets a CUDA one.
* :func:`on_accelerator` wraps tensors in :class:`OnAccelerator`, which
  refuses ``.numpy()`` (and ``np.asarray``) until ``.cpu()`` is called, as a
  CUDA tensor does: a plot that forgets ``.cpu()`` fails.
"""
from __future__ import annotations

from typing import Any

import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.data.karate import load_karate_club
from gdl_teach.message_passing.datasets import make_generator_graphs, make_sbm_node_task


class OnAccelerator(torch.Tensor):
    """A CPU tensor that, like a CUDA tensor, cannot become a NumPy array before ``.cpu()``."""

    def numpy(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the tensor "
                        "to host memory first.")

    def cpu(self, *args: Any, **kwargs: Any) -> torch.Tensor:
        return super().cpu(*args, **kwargs).as_subclass(torch.Tensor)


def on_accelerator(value: Any) -> Any:
    """``value`` (a tensor or a PyG ``Data``) with every tensor wrapped in :class:`OnAccelerator`; a copy."""
    if isinstance(value, torch.Tensor):
        return value.clone().as_subclass(OnAccelerator)
    out = value.clone()
    for key, item in value.to_dict().items():
        if isinstance(item, torch.Tensor):
            out[key] = item.clone().as_subclass(OnAccelerator)
    return out


@pytest.fixture(scope="session")
def karate() -> Data:
    return load_karate_club()


@pytest.fixture(scope="session")
def sbm() -> Data:
    return make_sbm_node_task(num_nodes=200, train_per_class=5, num_val=20)


@pytest.fixture(scope="session")
def small_graphs() -> list[Data]:
    return make_generator_graphs(num_per_class=2, min_nodes=8, max_nodes=10)


@pytest.fixture()
def random_graph() -> tuple[torch.Tensor, torch.Tensor]:
    """x (15, 6) and 40 random edges, each stored in both directions (repeats and self-loops possible)."""
    g = torch.Generator().manual_seed(0)
    e = torch.randint(0, 15, (2, 40), generator=g)
    return torch.randn(15, 6, generator=g), torch.cat([e, e.flip(0)], dim=1)
