"""Argument checks shared by the kit: clear errors that name the argument.

Every public function of the kit validates its inputs with these helpers, so a
learner who passes a wrong shape reads ``pos must have shape (N, 3), got
(10, 2)`` instead of a deep traceback or, worse, a silently wrong result.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch


def check_tensor(
    name: str,
    value: Any,
    *,
    ndim: int | None = None,
    shape: Sequence[int | None] | None = None,
    floating: bool = False,
    integer: bool = False,
    nonempty: bool = False,
    finite: bool = False,
) -> torch.Tensor:
    """Check that ``value`` is a tensor of the expected form and return it.

    Args:
        name: the argument's name, used in the error message.
        value: what the caller passed.
        ndim: required number of dimensions.
        shape: required shape; ``None`` entries match any size, e.g. ``(None, 3)``.
        floating: require a floating-point dtype.
        integer: require an integer dtype.
        nonempty: require at least one element along the first dimension.
        finite: require no NaN or infinite entries.

    Raises:
        TypeError: ``value`` is not a tensor or has the wrong dtype kind.
        ValueError: wrong number of dimensions, shape, emptiness or non-finite values.
    """
    if not isinstance(value, torch.Tensor):
        hint = " (use torch.as_tensor to convert)" if isinstance(value, (np.ndarray, list, tuple)) else ""
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}{hint}")
    if shape is not None:
        ndim = len(shape)
    if ndim is not None and value.dim() != ndim:
        want = _fmt_shape(shape) if shape is not None else f"{ndim} dimensions"
        raise ValueError(f"{name} must have shape {want}, got {tuple(value.shape)}")
    if shape is not None:
        for size, got in zip(shape, value.shape):
            if size is not None and size != got:
                raise ValueError(f"{name} must have shape {_fmt_shape(shape)}, got {tuple(value.shape)}")
    if floating and not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    if integer and (value.is_floating_point() or value.is_complex() or value.dtype == torch.bool):
        raise TypeError(f"{name} must be an integer tensor (e.g. torch.long), got dtype {value.dtype}")
    if nonempty and (value.dim() == 0 or value.shape[0] == 0):
        raise ValueError(f"{name} must not be empty, got shape {tuple(value.shape)}")
    if finite and value.is_floating_point() and value.device.type != "meta" \
            and not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} contains NaN or infinite values")
    return value


def _fmt_shape(shape: Sequence[int | None] | None) -> str:
    letters = iter("NMDKLPQ")
    parts = [str(s) if s is not None else next(letters, "?") for s in (shape or ())]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_int(name: str, value: Any, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """Check that ``value`` is an integer within bounds and return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    value = int(value)
    if min_value is not None and value < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {value}")
    if max_value is not None and value > max_value:
        raise ValueError(f"{name} must be <= {max_value}, got {value}")
    return value


def check_float(
    name: str, value: Any, *, min_value: float | None = None, max_value: float | None = None,
    strict_min: bool = False,
) -> float:
    """Check that ``value`` is a real number within bounds and return it as ``float``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if min_value is not None and (value <= min_value if strict_min else value < min_value):
        op = ">" if strict_min else ">="
        raise ValueError(f"{name} must be {op} {min_value}, got {value}")
    if max_value is not None and value > max_value:
        raise ValueError(f"{name} must be <= {max_value}, got {value}")
    return value


def check_choice(name: str, value: Any, choices: Sequence[Any]) -> Any:
    """Check that ``value`` is one of ``choices`` and return it."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def check_edge_index(name: str, edge_index: Any, num_nodes: int | None = None) -> torch.Tensor:
    """Check a PyG edge list: an integer tensor of shape (2, E) with ids in [0, num_nodes)."""
    edge_index = check_tensor(name, edge_index, shape=(2, None), integer=True)
    if edge_index.device.type == "meta":  # no values to check (a device test runs code on "meta")
        return edge_index
    if edge_index.numel() and int(edge_index.min()) < 0:
        raise ValueError(f"{name} contains negative node ids (min {int(edge_index.min())})")
    if num_nodes is not None and edge_index.numel() and int(edge_index.max()) >= num_nodes:
        raise ValueError(
            f"{name} refers to node {int(edge_index.max())} but there are only {num_nodes} nodes "
            f"(ids must be in [0, {num_nodes - 1}])"
        )
    return edge_index


def check_batch(name: str, batch: Any, num_points: int, device: torch.device | None = None,
                contiguous: bool = False) -> torch.Tensor:
    """Check a PyG batch vector: (N,) integers, sorted, starting at 0. ``None`` means one example.

    Args:
        name: the argument's name, for the error.
        batch: the batch vector, or ``None``.
        num_points: N, the number of rows it must have.
        device: where the all-zeros vector for ``None`` is made.
        contiguous: also require that the ids are exactly 0, 1, ..., B-1, each with at least one row
            (a graph-level model would otherwise return a row for a graph that does not exist).
    """
    if batch is None:
        return torch.zeros(num_points, dtype=torch.long, device=device)
    batch = check_tensor(name, batch, ndim=1, integer=True)
    if batch.shape[0] != num_points:
        raise ValueError(f"{name} must have one entry per point ({num_points}), got {batch.shape[0]}")
    if batch.device.type == "meta" or not batch.numel():
        return batch.long()
    if int(batch.min()) < 0 or bool((batch[1:] < batch[:-1]).any()):
        raise ValueError(f"{name} must be non-negative and sorted (as PyG's Batch builds it)")
    if contiguous:
        counts = torch.bincount(batch)
        if bool((counts == 0).any()):
            missing = (counts == 0).nonzero().reshape(-1).tolist()
            raise ValueError(f"{name} skips graph id(s) {missing[:10]}: ids must be 0, 1, ..., B-1 with at least "
                             "one node each, as PyG's Batch numbers them; a model cannot describe a graph that has "
                             "no nodes")
    return batch.long()


def check_slider_value(name: str, value: Any, minimum: float, maximum: float, step: float | None = None) -> Any:
    """Check a value a widget's slider must be able to show: within ``[minimum, maximum]`` and on its step grid.

    Without this check ipywidgets silently shows a clipped or rounded value, so
    the picture and the slider would disagree.
    """
    kind = int if isinstance(minimum, int) and isinstance(maximum, int) and (step is None or isinstance(step, int)) \
        else float
    value = check_int(name, value) if kind is int else check_float(name, value)
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be within the slider's range [{minimum}, {maximum}], got {value}")
    if step is not None:
        steps = (value - minimum) / step
        if abs(steps - round(steps)) > 1e-9:
            shown = minimum + step * round(steps)
            raise ValueError(f"{name} must be on the slider's steps of {step} from {minimum}, got {value}; "
                             f"the slider would show {shown} instead")
    return value
