"""gdl_teach.euclid.checks: the checks pass right answers and explain wrong ones."""
from __future__ import annotations

import pandas as pd
import pytest
import torch

from gdl_teach.euclid import checks, experiments
from gdl_teach.euclid.checks import (
    BASELINE_CHOICES,
    check_closest_baseline,
    check_grid_edges,
    check_restore_distances,
    check_shortcut_prediction,
    reference_grid_edges,
    reference_restore_distances,
)
from gdl_teach.euclid.grid import OFFSETS_3X3
from gdl_teach.exercises.core import REGISTRY, ExerciseFailed


# --------------------------------------------------------------------------- exercise 1
def _grid_loops(height, width, offsets=OFFSETS_3X3, self_loops=True, flip=False, wrap=False):
    src, dst, off = [], [], []
    for row in range(height):
        for col in range(width):
            for k, (dr, dc) in enumerate(offsets):
                if not self_loops and (dr, dc) == (0, 0):
                    continue
                r, c = row + dr, col + dc
                if wrap:
                    r, c = r % height, c % width
                elif not (0 <= r < height and 0 <= c < width):
                    continue
                a, b = r * width + c, row * width + col
                src.append(b if flip else a)
                dst.append(a if flip else b)
                off.append(k)
    return torch.tensor([src, dst]), torch.tensor(off)


def test_check_grid_edges_passes_reference(capsys: pytest.CaptureFixture[str]) -> None:
    check_grid_edges(reference_grid_edges)
    check_grid_edges(_grid_loops)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong,hint", [
    (lambda h, w: _grid_loops(h, w, self_loops=False), "self-loop"),
    (lambda h, w: _grid_loops(h, w, flip=True), "wrong way"),
    (lambda h, w: _grid_loops(h, w, offsets=[(dr, dc) for dc in (-1, 0, 1) for dr in (-1, 0, 1)]), "offset ids"),
    (lambda h, w: _grid_loops(h, w, wrap=True), "twice|such edges"),
    (lambda h, w: (torch.zeros(2, 0, dtype=torch.long), torch.zeros(0, dtype=torch.long)), "returned none"),
    (lambda h, w: torch.zeros(2, 3), "pair"),
    (lambda h, w: (_ for _ in ()).throw(NotImplementedError()), "NotImplementedError"),
])
def test_check_grid_edges_explains_wrong_answers(wrong, hint: str) -> None:
    with pytest.raises(ExerciseFailed, match=hint):
        check_grid_edges(wrong)


# --------------------------------------------------------------------------- exercise 2
def test_check_restore_distances_passes_reference_and_the_lessons_answer(capsys: pytest.CaptureFixture[str]) -> None:
    check_restore_distances(reference_restore_distances)
    check_restore_distances(lambda p, z: torch.cdist(torch.cat([p, z[:, None]], 1), torch.cat([p, z[:, None]], 1)))
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize("wrong,hint", [
    (lambda p, z: torch.cdist(p, p), "picture's distances"),
    (lambda p, z: torch.cdist(p, p) + (z[:, None] - z[None, :]).abs(), "in squares"),
    (lambda p, z: torch.cdist(p, p) ** 2 + (z[:, None] - z[None, :]) ** 2, "off by"),  # forgot the square root
    (lambda p, z: torch.cat([p, z[:, None]], 1), "shape"),
    (lambda p, z: None, "return"),
    (lambda p, z: (_ for _ in ()).throw(NotImplementedError()), "NotImplementedError"),
])
def test_check_restore_distances_explains_wrong_answers(wrong, hint: str) -> None:  # noqa: ANN001
    with pytest.raises(ExerciseFailed, match=hint):
        check_restore_distances(wrong)


def test_check_restore_distances_rejects_an_answer_that_changes_its_input() -> None:
    def mutating(picture, z):  # noqa: ANN001, ANN202
        out = reference_restore_distances(picture, z)
        z.zero_()
        return out

    with pytest.raises(ExerciseFailed, match="in place"):
        check_restore_distances(mutating)


# --------------------------------------------------------------------------- exercises 3 and 4: decisions
@pytest.fixture(scope="module")
def measured() -> dict[str, float]:
    return experiments.numbering_shortcut()


def test_decision_checks_are_registered_without_a_reference() -> None:
    for name in ("check_shortcut_prediction", "check_closest_baseline"):
        assert REGISTRY[f"gdl_teach.euclid.checks.{name}"].reference is None


def test_check_shortcut_prediction_accepts_a_value_or_a_function_near_the_measurement(
        measured: dict[str, float], capsys: pytest.CaptureFixture[str]) -> None:
    assert measured["test, as generated"] > 0.9 and abs(measured["test, renumbered"] - 0.5) < 0.1
    check_shortcut_prediction(0.5)
    check_shortcut_prediction(lambda: measured["test, renumbered"] + 0.05)
    out = capsys.readouterr().out
    assert out.count("Correct") == 2 and f"{measured['test, renumbered']:.3f}" in out


@pytest.mark.parametrize("answer,hint", [
    (0.95, "row 0 of the matrix is dense"),
    (lambda: 0.99, "row 0 of the matrix is dense"),
    (0.1, "worse than a coin flip"),
    (1.5, "a number in \\[0, 1\\]"),
    ("half", "a number in"),
    (True, "a number in"),
    (lambda: (_ for _ in ()).throw(NotImplementedError()), "NotImplementedError"),
])
def test_check_shortcut_prediction_explains_wrong_predictions(answer, hint: str) -> None:  # noqa: ANN001
    with pytest.raises(ExerciseFailed, match=hint):
        check_shortcut_prediction(answer)


def test_a_wrong_prediction_is_told_the_measured_numbers(measured: dict[str, float]) -> None:
    with pytest.raises(ExerciseFailed, match=f"{measured['test, renumbered']:.3f} on the same graphs renumbered"):
        check_shortcut_prediction(0.9)


def _table() -> pd.DataFrame:
    """A summary table shaped like the lesson's (values from its printed run)."""
    rows = [(experiments.BLIND, experiments.EQUAL, 0.542), (experiments.AUGMENTED, experiments.EQUAL, 0.922),
            (experiments.CANONICAL, experiments.EQUAL, 0.902), (experiments.RULE, experiments.EQUAL, 0.995),
            (experiments.LOGISTIC, experiments.EQUAL, 0.997), (experiments.GNN, experiments.EQUAL, 0.985),
            (experiments.AUGMENTED, "4x steps", 0.977), (experiments.CANONICAL, "4x training graphs", 0.978)]
    index = pd.MultiIndex.from_tuples([(m, s) for m, s, _ in rows], names=["model", "setting"])
    return pd.DataFrame({"accuracy": [a for *_, a in rows]}, index=index)


def test_check_closest_baseline_accepts_the_degree_features(capsys: pytest.CaptureFixture[str]) -> None:
    check_closest_baseline("degree features", _table())
    check_closest_baseline(lambda: "degree features", _table())
    out = capsys.readouterr().out
    assert out.count("Correct") == 2 and "0.997" in out and "0.985" in out


@pytest.mark.parametrize("answer,hint", [
    ("augmentation", "reaches 0.922 .*0.985.*\\(0.977\\) only with more steps"),
    ("canonical order", "reaches 0.902; it needs more training graphs \\(0.978\\)"),
    ("none", "degree rows: 0.997"),
    ("the GNN", "must be one of"),
    (lambda: (_ for _ in ()).throw(NotImplementedError()), "NotImplementedError"),
])
def test_check_closest_baseline_explains_wrong_choices_with_the_tables_numbers(answer, hint: str) -> None:  # noqa: ANN001
    with pytest.raises(ExerciseFailed, match=hint):
        check_closest_baseline(answer, _table())


def test_the_choices_are_the_ones_the_lesson_names() -> None:
    assert BASELINE_CHOICES == ("augmentation", "canonical order", "degree features", "none")
    assert checks.check_closest_baseline.reference is None
