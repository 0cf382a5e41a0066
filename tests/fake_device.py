"""A stand-in for an accelerator, so device bugs show on a CPU-only machine (shared by every lesson's tests).

``off_cpu(tensor_or_data)`` wraps tensors in :class:`OffCPU`: like a CUDA
tensor it refuses ``.numpy()`` and any operation that mixes it with an
ordinary, non-scalar CPU tensor, so a function that makes a tensor without
``device=`` or calls ``.numpy()`` before ``.cpu()`` fails its test here as it
would fail on a GPU. For code where values are not needed, running under
``with torch.device("meta"):`` catches tensors made without ``device=`` too.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch_geometric.data import Data


def _tensors(value: Any) -> list[torch.Tensor]:
    """Every tensor inside nested lists, tuples and dicts of arguments."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


class OffCPU(torch.Tensor):
    """A CPU tensor that behaves as if it lived on an accelerator, so device bugs show on a CPU-only machine.

    Like a CUDA tensor it refuses ``.numpy()`` (call ``.cpu()`` first) and any
    operation that mixes it with an ordinary, non-scalar CPU tensor (a tensor a
    function made without ``device=``); indexing with a CPU index is allowed,
    as on CUDA. ``.cpu()`` returns an ordinary tensor.
    """

    def __array__(self, *args: Any, **kwargs: Any) -> Any:  # np.asarray(t) must fail as t.numpy() does
        raise RuntimeError("can't convert an accelerator tensor to numpy: copy it with .cpu() first")

    @classmethod
    def __torch_function__(cls, func: Callable[..., Any], types: Any, args: tuple[Any, ...] = (),
                           kwargs: dict[str, Any] | None = None) -> Any:
        kwargs = kwargs or {}
        if func is torch.Tensor.numpy:
            raise RuntimeError("can't convert an accelerator tensor to numpy: copy it with .cpu() first")
        if func is torch.Tensor.cpu or (func is torch.Tensor.to and "cpu" in map(str, args[1:])):
            with torch._C.DisableTorchFunctionSubclass():
                return args[0].clone()
        if func is not torch.Tensor.__getitem__:
            tensors = _tensors((args, kwargs))
            if any(isinstance(t, OffCPU) for t in tensors) and any(
                    not isinstance(t, OffCPU) and t.dim() > 0 for t in tensors):
                raise RuntimeError(f"{getattr(func, '__name__', func)}: expected all tensors on the same device, "
                                   "found one on the accelerator and one on the CPU")
        return super().__torch_function__(func, types, args, kwargs)


def off_cpu(value: Any) -> Any:
    """``value`` as if moved to an accelerator: a tensor, or a PyG ``Data`` whose tensors are all moved (a copy)."""
    if isinstance(value, torch.Tensor):
        return value.as_subclass(OffCPU)
    if isinstance(value, Data):
        return Data(**{k: off_cpu(v) if isinstance(v, torch.Tensor) else v for k, v in value.items()})
    raise TypeError(f"off_cpu takes a tensor or a Data, got {type(value).__name__}")
