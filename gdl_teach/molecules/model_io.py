"""What the lesson's networks share at their ends: input checks, and labels in their own units.

- Inputs: float features must have the model's dtype (float32 unless the model
  was converted), so a float64 array from numpy gets an error that says what
  to do instead of a dtype crash inside ``nn.Linear``. Checks that need the
  tensors' *values* (ids in range, a sorted ``batch``) are skipped on the
  ``meta`` device, where tensors have shapes but no values: the kit's device
  tests run the models there to catch tensors created on the wrong device.
- Outputs: the networks learn a standardised target; the training labels'
  mean and standard deviation live in the model as buffers, so predictions
  come out in label units and move with the model to its device.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from gdl_teach.core.validate import check_batch, check_edge_index, check_float, check_tensor

__all__ = ["values_known", "check_model_dtype", "check_edges", "check_batch_vector", "register_target_scaling"]


def values_known(tensor: torch.Tensor) -> bool:
    """False on the ``meta`` device, where a tensor has a shape and a dtype but no values.

    Args:
        tensor: any tensor.
    """
    return tensor.device.type != "meta"


def check_model_dtype(name: str, value: torch.Tensor, model: nn.Module) -> torch.Tensor:
    """Check that the float tensor ``value`` has the dtype of ``model``'s parameters and return it.

    Args:
        name: the argument's name, used in the error message.
        value: a floating-point input of ``model``.
        model: the model it is fed to.

    Raises:
        TypeError: the dtypes differ (e.g. float64 from numpy into a float32 model).
    """
    want = next(model.parameters()).dtype
    if value.dtype != want:
        raise TypeError(f"{name} has dtype {value.dtype} but {type(model).__name__}'s weights are {want}; "
                        f"convert the input with .to({want}) (e.g. .float()), or the model with .to({value.dtype})")
    return value


def check_edges(name: str, edge_index: Any, num_nodes: int) -> torch.Tensor:
    """:func:`gdl_teach.core.validate.check_edge_index`, with only shape and dtype checked on ``meta``.

    Args:
        name: the argument's name.
        edge_index: (2, E) integer node ids.
        num_nodes: N, the ids must be in ``[0, N)``.
    """
    edge_index = check_tensor(name, edge_index, shape=(2, None), integer=True)
    return check_edge_index(name, edge_index, num_nodes) if values_known(edge_index) else edge_index


def check_batch_vector(name: str, batch: Any, num_nodes: int, device: torch.device) -> tuple[torch.Tensor, int | None]:
    """A checked PyG ``batch`` vector and the number of graphs, if known without reading values.

    ``None`` means a single graph. The number of graphs of a given ``batch`` is
    left to the readout (PyG's ``global_add_pool`` uses ``batch.max() + 1``,
    so a skipped id gives a graph of no atoms with an output of zero, as in PyG).

    Args:
        name: the argument's name.
        batch: (N,) sorted graph id of each node, or ``None``.
        num_nodes: N.
        device: where to create the vector when ``batch`` is ``None``.

    Returns:
        ``(batch, num_graphs)``: (N,) long, and 1 when ``batch`` was ``None``, else ``None``.
    """
    if batch is None:
        return torch.zeros(num_nodes, dtype=torch.long, device=device), 1
    if values_known(batch):
        return check_batch(name, batch, num_nodes), None
    batch = check_tensor(name, batch, shape=(num_nodes,), integer=True)
    return batch, None


def register_target_scaling(model: nn.Module, target_mean: float, target_std: float) -> None:
    """Store the training labels' mean and std as buffers: the network learns ``(y - mean) / std``.

    Args:
        model: the network; it gets buffers ``target_mean`` and ``target_std`` (0-dim).
        target_mean: mean of the training labels.
        target_std: their standard deviation (> 0).
    """
    model.register_buffer("target_mean", torch.tensor(check_float("target_mean", target_mean)))
    std = check_float("target_std", target_std, min_value=0.0, strict_min=True)
    model.register_buffer("target_std", torch.tensor(std))
