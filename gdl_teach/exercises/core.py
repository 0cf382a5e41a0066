"""The mechanism behind every ``check_*`` function."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch


class ExerciseFailed(AssertionError):
    """Raised by a ``check_*`` function when an answer is wrong; the message is the hint."""


def expect(condition: bool, hint: str) -> None:
    """Raise :class:`ExerciseFailed` with ``hint`` unless ``condition`` holds."""
    if not condition:
        raise ExerciseFailed("Not yet: " + hint)


def passed(message: str) -> None:
    """Print the success line a learner sees."""
    print(f"Correct: {message}")


def call_answer(name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a learner's function, turning a crash or a missing answer into a hint."""
    if not callable(fn):
        raise ExerciseFailed(f"Not yet: {name} must be a function, got {type(fn).__name__}.")
    try:
        out = fn(*args, **kwargs)
    except NotImplementedError:
        raise ExerciseFailed(f"Not yet: {name} still raises NotImplementedError; replace the stub with your code.") from None
    except Exception as err:  # noqa: BLE001 - the learner's code may raise anything
        raise ExerciseFailed(f"Not yet: calling {name} raised {type(err).__name__}: {err}") from None
    if out is None:
        raise ExerciseFailed(f"Not yet: {name} returned None; did you forget `return`?")
    return out


def check_close(name: str, got: Any, expected: torch.Tensor, atol: float = 1e-5, hint: str = "") -> None:
    """Compare a learner's tensor with the reference: type, shape, then values."""
    expect(isinstance(got, torch.Tensor), f"{name} must return a torch.Tensor, got {type(got).__name__}.")
    expect(tuple(got.shape) == tuple(expected.shape),
           f"{name} returned shape {tuple(got.shape)}, expected {tuple(expected.shape)}. {hint}".strip())
    diff = float((got.detach().double() - expected.detach().double()).abs().max()) if got.numel() else 0.0
    expect(diff <= atol, f"{name} is off by up to {diff:.3g} (allowed {atol:g}). {hint}".strip())


def run_cases(name: str, fn: Callable[..., Any], reference: Callable[..., Any],
              cases: list[tuple[Any, ...]], atol: float = 1e-5, hint: str = "") -> None:
    """Check ``fn`` against ``reference`` on each tuple of arguments in ``cases``."""
    for args in cases:
        check_close(name, call_answer(name, fn, *args), reference(*args), atol=atol, hint=hint)
