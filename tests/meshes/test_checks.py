"""Lesson 07's checks accept the reference answers and reject wrong ones with the hint that names the mistake."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.exercises import ExerciseFailed
from gdl_teach.meshes import checks


def _corners(fn):  # noqa: ANN001, ANN202 - builds a wrong triangle_cotangents from a per-corner formula
    def answer(p0, p1, p2):  # noqa: ANN001, ANN202
        return torch.stack([fn(b - a, c - a) for a, b, c in ((p0, p1, p2), (p1, p2, p0), (p2, p0, p1))])
    return answer


def test_triangle_cotangents(capsys: pytest.CaptureFixture) -> None:
    checks.check_triangle_cotangents(_corners(lambda u, v: u @ v / torch.linalg.cross(u, v).norm()))
    assert "Correct" in capsys.readouterr().out
    cases = {
        "cosine": lambda u, v: u @ v / (u.norm() * v.norm()),
        "angles themselves": lambda u, v: torch.arccos(u @ v / (u.norm() * v.norm())),
        "tangent": lambda u, v: torch.linalg.cross(u, v).norm() / (u @ v),
        "1/2 belongs": lambda u, v: 0.5 * (u @ v) / torch.linalg.cross(u, v).norm(),
        "negative cotangent": lambda u, v: (u @ v).abs() / torch.linalg.cross(u, v).norm(),
    }
    for hint, wrong in cases.items():
        with pytest.raises(ExerciseFailed, match=hint):
            checks.check_triangle_cotangents(_corners(wrong))
    with pytest.raises(ExerciseFailed, match="wrong order"):
        checks.check_triangle_cotangents(lambda p0, p1, p2: checks.reference_triangle_cotangents(p0, p1, p2)[[1, 2, 0]])
    with pytest.raises(ExerciseFailed, match="shape \\(3,\\)"):
        checks.check_triangle_cotangents(lambda p0, p1, p2: torch.zeros(2))


def test_heat_step(capsys: pytest.CaptureFixture) -> None:
    checks.check_heat_step(lambda L, M, u, tau: torch.linalg.solve(M + tau * L, M @ u))
    assert "Correct" in capsys.readouterr().out
    cases = {
        "explicit": lambda L, M, u, tau: u - tau * (L @ u) / M.diagonal(),
        "right-hand side is M u": lambda L, M, u, tau: torch.linalg.solve(M + tau * L, u),
        "the sign": lambda L, M, u, tau: torch.linalg.solve(M - tau * L, M @ u),
        "off by": lambda L, M, u, tau: torch.linalg.solve(M + 2 * tau * L, M @ u),
    }
    for hint, wrong in cases.items():
        with pytest.raises(ExerciseFailed, match=hint):
            checks.check_heat_step(wrong)
    with pytest.raises(ExerciseFailed, match="in place"):
        checks.check_heat_step(lambda L, M, u, tau: (torch.linalg.solve(M + tau * L, M @ u), u.zero_())[0])


def test_smoothing_limit(capsys: pytest.CaptureFixture) -> None:
    checks.check_smoothing_limit(lambda: "sqrt(degree + 1)")
    assert "Correct" in capsys.readouterr().out
    for wrong, hint in [("constant", "random-walk"), ("zero", "exactly 1"), ("Fiedler vector", "fades too"),
                        ("the mean", "must return one of")]:
        with pytest.raises(ExerciseFailed, match=hint):
            checks.check_smoothing_limit(lambda answer=wrong: answer)


def test_hks_at(capsys: pytest.CaptureFixture) -> None:
    checks.check_hks_at(lambda evals, evecs, t: (evecs ** 2) @ torch.exp(-evals * t))
    assert "Correct" in capsys.readouterr().out
    cases = {
        "squared": lambda evals, evecs, t: evecs @ torch.exp(-evals * t),
        "minus sign": lambda evals, evecs, t: (evecs ** 2) @ torch.exp(evals * t),
        "not by lambda_i": lambda evals, evecs, t: (evecs ** 2) @ evals,
        "one value per eigenpair": lambda evals, evecs, t: (evecs ** 2).sum(dim=0) * torch.exp(-evals * t),
        "off by": lambda evals, evecs, t: (evecs ** 2) @ torch.exp(-evals * t) + 1e-3,
    }
    for hint, wrong in cases.items():
        with pytest.raises(ExerciseFailed, match=hint):
            checks.check_hks_at(wrong)


def test_stubs_get_a_hint() -> None:
    def stub(*args):  # noqa: ANN002, ANN202
        raise NotImplementedError

    for check in (checks.check_triangle_cotangents, checks.check_heat_step, checks.check_hks_at,
                  checks.check_smoothing_limit):
        with pytest.raises(ExerciseFailed, match="NotImplementedError"):
            check(stub)
