"""The checks of lesson 08 accept the kit's answers and reject typical mistakes with the right hint."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.equivariance import checks
from gdl_teach.exercises import ExerciseFailed
from gdl_teach.nn.egnn import coordinate_update
from gdl_teach.nn.group_conv import rotate_p4


def test_references_pass(capsys: pytest.CaptureFixture) -> None:
    checks.check_rotate_p4(rotate_p4)
    checks.check_coordinate_update(coordinate_update)
    checks.check_equivariance_answers(checks.reference_verdicts)
    out = capsys.readouterr().out
    assert out.count("Correct") == 3


def test_random_orthogonal_check(capsys: pytest.CaptureFixture) -> None:
    from gdl_teach.equivariance.groups import random_orthogonal
    checks.check_random_orthogonal(random_orthogonal)
    assert "Correct" in capsys.readouterr().out

    def no_sign_fix(dim=3, reflect=False, generator=None):  # noqa: ANN001, ANN202
        q, _ = torch.linalg.qr(torch.randn(dim, dim, generator=generator, dtype=torch.float64))
        if (torch.det(q) < 0) != reflect:
            q[:, 0] = -q[:, 0]
        return q

    with pytest.raises(ExerciseFailed, match="sign of R's diagonal"):
        checks.check_random_orthogonal(no_sign_fix)
    with pytest.raises(ExerciseFailed, match="determinant must be -1"):
        checks.check_random_orthogonal(lambda dim=3, reflect=False, generator=None: random_orthogonal(dim))
    with pytest.raises(ExerciseFailed, match="Q\\^T Q should be the identity"):
        checks.check_random_orthogonal(lambda dim=3, reflect=False, generator=None: torch.randn(dim, dim))


@pytest.mark.parametrize(("answer", "hint"), [
    (lambda x, k: torch.rot90(x, k, dims=(-2, -1)), "did not cycle"),
    (lambda x, k: torch.rot90(x, k, dims=(-2, -1)).roll(-k, dims=-3), "cycled the wrong way"),
    (lambda x, k: torch.rot90(x, -k, dims=(-2, -1)).roll(k, dims=-3), "grids turn the wrong way"),
    (lambda x, k: x.roll(k, dims=-3), "did not turn"),
])
def test_rotate_p4_hints(answer, hint: str) -> None:  # noqa: ANN001
    with pytest.raises(ExerciseFailed, match=hint):
        checks.check_rotate_p4(answer)


def _summed(pos, edge_index, weight):  # noqa: ANN001, ANN202
    src, dst = edge_index
    return pos + torch.zeros_like(pos).index_add_(0, dst, (pos[dst] - pos[src]) * weight)


@pytest.mark.parametrize(("answer", "hint"), [
    (lambda p, e, w: coordinate_update(p, e, -w), "sign is flipped"),
    (lambda p, e, w: coordinate_update(p, e.flip(0), w), "edges point the other way"),
    (lambda p, e, w: coordinate_update(p, e, w) - p, "only the shift"),
    (_summed, "summed the moves"),
    (lambda p, e, w: None, "returned None"),
])
def test_coordinate_update_hints(answer, hint: str) -> None:  # noqa: ANN001
    with pytest.raises(ExerciseFailed, match=hint):
        checks.check_coordinate_update(answer)


def test_verdict_check_rejects_wrong_verdicts_with_hints(capsys: pytest.CaptureFixture) -> None:
    wrong = dict(checks.reference_verdicts(), cross="rotations and reflections")
    with pytest.raises(ExerciseFailed, match="pseudovector"):
        checks.check_equivariance_answers(lambda: wrong)
    assert "Correct" not in capsys.readouterr().out
    with pytest.raises(ExerciseFailed, match="one of"):
        checks.check_equivariance_answers(lambda: dict(wrong, cross="yes"))
    with pytest.raises(ExerciseFailed, match="one verdict for each"):
        checks.check_equivariance_answers(lambda: {"centre": "neither"})
    with pytest.raises(ExerciseFailed, match="NotImplementedError"):
        checks.check_equivariance_answers(lambda: (_ for _ in ()).throw(NotImplementedError))


def test_measured_verdicts() -> None:
    assert checks.reference_verdicts() == {"centre": "rotations and reflections", "lift": "neither",
                                           "stretch": "rotations and reflections", "absolute": "neither",
                                           "cross": "rotations only"}
