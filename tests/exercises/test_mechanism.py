"""The check mechanism: copies in, in-place changes rejected, every check of the kit registered and probed."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import torch

import gdl_teach
from gdl_teach.exercises import REGISTRY, ExerciseFailed, call_answer, exercise


def _lesson_check_modules() -> list[str]:
    return sorted(f"gdl_teach.{m.name}.checks" for m in pkgutil.iter_modules(gdl_teach.__path__)
                  if m.ispkg and importlib.util.find_spec(f"gdl_teach.{m.name}.checks") is not None)


CHECK_MODULES = _lesson_check_modules()
for _name in CHECK_MODULES:
    importlib.import_module(_name)


def test_every_check_function_is_registered() -> None:
    assert CHECK_MODULES, "no lesson has a checks module"
    missing = []
    for name in CHECK_MODULES:
        module = importlib.import_module(name)
        for attr, fn in vars(module).items():
            if attr.startswith("check_") and inspect.isfunction(fn) and fn.__module__ == name:
                if f"{name}.{attr}" not in REGISTRY:
                    missing.append(f"{name}.{attr}")
    assert not missing, f"declare these checks with @exercise(reference=...): {missing}"


def test_call_answer_hands_copies_and_rejects_in_place_changes() -> None:
    x = torch.ones(3)
    with pytest.raises(ExerciseFailed, match="in place"):
        call_answer("f", lambda t: t.zero_(), x)
    assert torch.equal(x, torch.ones(3)), "the check's own input must stay pristine"
    with pytest.raises(ExerciseFailed, match="in place"):
        call_answer("f", lambda t: t.clamp_(max=1), torch.tensor([3, 1, 2]))
    assert torch.equal(call_answer("f", lambda t: t * 2, x), torch.full((3,), 2.0))


def test_call_answer_turns_stubs_and_crashes_into_hints() -> None:
    def stub(t: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    with pytest.raises(ExerciseFailed, match="NotImplementedError"):
        call_answer("f", stub, torch.ones(1))
    with pytest.raises(ExerciseFailed, match="returned None"):
        call_answer("f", lambda t: None, torch.ones(1))
    with pytest.raises(ExerciseFailed, match="ZeroDivisionError"):
        call_answer("f", lambda t: 1 / 0, torch.ones(1))
    with pytest.raises(ExerciseFailed, match="must be a function"):
        call_answer("f", 3, torch.ones(1))


def test_exercise_registers_with_its_reference() -> None:
    def reference(t: torch.Tensor) -> torch.Tensor:
        return t + 1

    @exercise(reference=reference)
    def check_demo(fn):  # noqa: ANN001, ANN202
        call_answer("demo", fn, torch.ones(2))

    key = f"{__name__}.check_demo"
    try:
        assert REGISTRY[key].reference is reference and check_demo.reference is reference
    finally:
        REGISTRY.pop(key, None)


class _Mutator:
    """Wraps a reference answer: returns the right output, then changes its first mutable input in place."""

    def __init__(self, reference):  # noqa: ANN001
        self.reference, self.mutated = reference, False

    def __call__(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN204
        out = self.reference(*args, **kwargs)
        for value in list(args) + list(kwargs.values()):
            if self._mutate(value):
                self.mutated = True
                break
        return out

    @staticmethod
    def _mutate(value) -> bool:  # noqa: ANN001
        if isinstance(value, torch.Tensor) and value.numel():
            if value.dtype == torch.bool:
                value.logical_not_()
            else:
                value.add_(1)
            return True
        if hasattr(value, "edge_index") and isinstance(getattr(value, "x", None), torch.Tensor):
            value.x.add_(1)
            return True
        return False


FUNCTION_CHECKS = sorted(k for k, v in REGISTRY.items() if v.reference is not None and not k.startswith(__name__))


def test_function_checks_exist() -> None:
    assert FUNCTION_CHECKS, "no registered check takes a function"


@pytest.mark.parametrize("key", FUNCTION_CHECKS)
def test_check_accepts_reference_and_rejects_in_place_changes(key: str, capsys: pytest.CaptureFixture) -> None:
    entry = REGISTRY[key]
    entry.check(entry.reference)
    assert "Correct" in capsys.readouterr().out, f"{key} must print its success line for the reference"
    mutator = _Mutator(entry.reference)
    try:
        entry.check(mutator)
    except ExerciseFailed as err:
        assert mutator.mutated and "in place" in str(err), f"{key} failed for another reason: {err}"
        return
    if not mutator.mutated:
        pytest.skip(f"{key} gives its answer no tensor to modify")
    pytest.fail(f"{key} said 'Correct' to an answer that modified its inputs in place")


def test_a_generator_argument_is_handed_over_as_a_copy() -> None:
    g = torch.Generator().manual_seed(0)
    out = call_answer("f", lambda t, gen: t + torch.rand(1, generator=gen), torch.zeros(1), g)
    assert out.shape == (1,)
    assert torch.equal(torch.rand(1, generator=g), torch.rand(1, generator=torch.Generator().manual_seed(0)))
