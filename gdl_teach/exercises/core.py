"""The mechanism behind every ``check_*`` function.

A check calls the learner's function only through :func:`call_answer`, which

1. hands the learner *copies* of the inputs, so the check's own inputs stay
   pristine and the reference answer is computed from them, whatever the
   learner's code does;
2. fails, with a hint that says so, when the learner's function changed an
   input in place (``x.zero_()``, ``x += 1``, ``edge_index.sort_()``): such a
   function would silently corrupt a learner's data later on;
3. turns a crash, a ``NotImplementedError`` stub or a missing ``return`` into a
   hint.

Checks are declared with :func:`exercise`, which records each check with its
reference solution in :data:`REGISTRY`; the kit's tests run every registered
check against the reference (it must pass) and against answers that modify
their inputs (they must fail), so a check written later cannot forget this.
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

__all__ = ["ExerciseFailed", "REGISTRY", "call_answer", "check_close", "exercise", "expect", "passed", "run_cases"]


class ExerciseFailed(AssertionError):
    """Raised by a ``check_*`` function when an answer is wrong; the message is the hint."""


@dataclass(frozen=True)
class RegisteredCheck:
    """A check and the reference solution of the exercise it checks (``None`` when the answer is a value)."""

    check: Callable[..., None]
    reference: Callable[..., Any] | None


#: Every check of the kit, by qualified name, filled by :func:`exercise`.
REGISTRY: dict[str, RegisteredCheck] = {}


def exercise(reference: Callable[..., Any] | None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare a ``check_*`` function and the reference solution it checks against.

    Args:
        reference: the kit's solution, called with the same arguments as the
            learner's function; ``None`` for checks whose answer is a value (a
            prediction, a choice) rather than a function.
    """
    def register(check: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(check)
        def wrapped(*args: Any, **kwargs: Any) -> None:
            return check(*args, **kwargs)

        REGISTRY[f"{check.__module__}.{check.__name__}"] = RegisteredCheck(wrapped, reference)
        wrapped.reference = reference  # type: ignore[attr-defined]
        return wrapped
    return register


def expect(condition: bool, hint: str) -> None:
    """Raise :class:`ExerciseFailed` with ``hint`` unless ``condition`` holds."""
    if not condition:
        raise ExerciseFailed("Not yet: " + hint)


def passed(message: str) -> None:
    """Print the success line a learner sees."""
    print(f"Correct: {message}")


def _copy(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, torch.Generator):
        twin = torch.Generator(value.device)
        twin.set_state(value.get_state())
        return twin
    if isinstance(value, (str, bytes, int, float, bool, type(None))):
        return value
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - objects that cannot be copied (RDKit atoms) are handed over as they are
        return value


def _same(a: Any, b: Any) -> bool:
    """Whether ``b`` still equals its pristine copy ``a`` (tensors bit for bit, NaN equal to NaN)."""
    if isinstance(a, torch.Tensor):
        return (isinstance(b, torch.Tensor) and a.shape == b.shape and a.dtype == b.dtype
                and bool(torch.equal(a, b) or torch.isclose(a, b, rtol=0, atol=0, equal_nan=True).all()))
    if isinstance(a, torch.Generator):  # a learner drawing from a copied generator does not change ours
        return True
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, torch.nn.Module):
        sa, sb = a.state_dict(), b.state_dict()
        return sa.keys() == sb.keys() and all(_same(sa[k], sb[k]) for k in sa)
    if hasattr(a, "to_dict") and hasattr(a, "edge_index"):  # a PyG Data
        return _same(dict(a.to_dict()), dict(b.to_dict()))
    try:
        import networkx as nx

        if isinstance(a, nx.Graph):
            return (isinstance(b, nx.Graph) and dict(a.nodes(data=True)) == dict(b.nodes(data=True))
                    and sorted(map(repr, a.edges(data=True))) == sorted(map(repr, b.edges(data=True))))
    except ImportError:  # pragma: no cover - networkx is a dependency
        pass
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - objects without a usable ==
        return True


def _describe(i: int | str) -> str:
    return f"argument {i + 1}" if isinstance(i, int) else f"argument {i!r}"


def call_answer(name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a learner's function on copies of the inputs; turn a crash, a stub or an in-place change into a hint.

    Args:
        name: the function's name in the exercise, for the hint.
        fn: the learner's function.
        *args, **kwargs: the inputs; the learner receives copies.

    Returns:
        What ``fn`` returned (never ``None``).
    """
    if not callable(fn):
        raise ExerciseFailed(f"Not yet: {name} must be a function, got {type(fn).__name__}.")
    given_args = [_copy(a) for a in args]
    given_kwargs = {k: _copy(v) for k, v in kwargs.items()}
    try:
        out = fn(*given_args, **given_kwargs)
    except NotImplementedError:
        raise ExerciseFailed(f"Not yet: {name} still raises NotImplementedError; replace the stub with your code.") from None
    except Exception as err:  # noqa: BLE001 - the learner's code may raise anything
        raise ExerciseFailed(f"Not yet: calling {name} raised {type(err).__name__}: {err}") from None
    changed = [_describe(i) for i, (a, b) in enumerate(zip(args, given_args)) if not _same(a, b)]
    changed += [_describe(k) for k in kwargs if not _same(kwargs[k], given_kwargs[k])]
    if changed:
        raise ExerciseFailed(
            f"Not yet: {name} changed its input in place ({', '.join(changed)}). A function like this would "
            "silently corrupt your data when you call it later; compute a new tensor instead (e.g. "
            "`out = torch.zeros_like(x)` or `x + 1`, not `x.zero_()`, `x += 1` or `x[...] = ...` on an input).")
    if out is None:
        raise ExerciseFailed(f"Not yet: {name} returned None; did you forget `return`?")
    return out


def check_close(name: str, got: Any, expected: torch.Tensor, atol: float = 1e-5, hint: str = "") -> None:
    """Compare a learner's tensor with the reference: type, shape, then values."""
    expect(isinstance(got, torch.Tensor), f"{name} must return a torch.Tensor, got {type(got).__name__}.")
    expect(tuple(got.shape) == tuple(expected.shape),
           f"{name} returned shape {tuple(got.shape)}, expected {tuple(expected.shape)}. {hint}".strip())
    expect(bool(torch.isfinite(got.detach().double()).all()) or not bool(torch.isfinite(expected.double()).all()),
           f"{name} returned NaN or infinite values. {hint}".strip())
    diff = float((got.detach().cpu().double() - expected.detach().cpu().double()).abs().max()) if got.numel() else 0.0
    expect(diff <= atol, f"{name} is off by up to {diff:.3g} (allowed {atol:g}). {hint}".strip())


def run_cases(name: str, fn: Callable[..., Any], reference: Callable[..., Any],
              cases: list[tuple[Any, ...]], atol: float = 1e-5, hint: str = "") -> None:
    """Check ``fn`` against ``reference`` on each tuple of arguments in ``cases``.

    ``fn`` is called through :func:`call_answer` (on copies); the reference
    sees the pristine inputs.
    """
    for args in cases:
        got = call_answer(name, fn, *args)
        check_close(name, got, reference(*args), atol=atol, hint=hint)
