"""The lesson's checks accept the reference and reject typical mistakes with the matching hint."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.exercises import ExerciseFailed
from gdl_teach.pose import checks, metrics


def test_chain_fk_accepts_the_reference_and_names_mistakes(capsys: pytest.CaptureFixture) -> None:
    checks.check_chain_fk(checks.reference_chain_fk)
    assert "Correct" in capsys.readouterr().out

    def own_rotation_only(rotations: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        steps = (rotations @ offsets[..., None])[..., 0]
        return torch.cat([torch.zeros(1, 3), torch.cumsum(steps, 0)])

    def wrong_order(rotations: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        frame, points = torch.eye(3), [torch.zeros(3)]
        for rot, off in zip(rotations, offsets):
            frame = rot @ frame
            points.append(points[-1] + frame @ off)
        return torch.stack(points)

    for answer, hint in ((own_rotation_only, "accumulate"), (wrong_order, "wrong order"),
                         (lambda r, o: checks.reference_chain_fk(r, o)[1:], "K \\+ 1 points")):
        with pytest.raises(ExerciseFailed, match=hint):
            checks.check_chain_fk(answer)


def test_p_mpjpe_rejects_reflections_and_missing_scale(capsys: pytest.CaptureFixture) -> None:
    checks.check_p_mpjpe(lambda p, t: metrics.p_mpjpe(p, t))
    assert "Correct" in capsys.readouterr().out

    def with_reflection(pred: torch.Tensor, target: torch.Tensor) -> float:
        x0, y0 = pred - pred.mean(1, keepdim=True), target - target.mean(1, keepdim=True)
        u, s, vh = torch.linalg.svd(x0.transpose(1, 2) @ y0)
        scale = s.sum(1) / (x0 ** 2).sum(dim=(1, 2))
        return metrics.mpjpe(scale[:, None, None] * x0 @ (u @ vh), y0)

    def no_scale(pred: torch.Tensor, target: torch.Tensor) -> float:
        x0, y0 = pred - pred.mean(1, keepdim=True), target - target.mean(1, keepdim=True)
        u, _, vh = torch.linalg.svd(x0.transpose(1, 2) @ y0)
        d = torch.sign(torch.linalg.det(u @ vh))
        u = torch.cat([u[..., :2], u[..., 2:] * d[:, None, None]], dim=2)
        return metrics.mpjpe(x0 @ (u @ vh), y0)

    with pytest.raises(ExerciseFailed, match="reflection"):
        checks.check_p_mpjpe(with_reflection)
    with pytest.raises(ExerciseFailed, match="scale"):
        checks.check_p_mpjpe(no_scale)
    with pytest.raises(ExerciseFailed, match="should score ~0"):
        checks.check_p_mpjpe(lambda p, t: metrics.mpjpe(p, t))


def test_swap_prediction(capsys: pytest.CaptureFixture) -> None:
    checks.check_swap_prediction(checks.reference_swap_prediction)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseFailed, match="GCN swaps: the GCN uses the same weights"):
        checks.check_swap_prediction(lambda: {"GCN": False, "SemGCN": False, "MLP": False})
    with pytest.raises(ExerciseFailed, match="SemGCN does not swap"):
        checks.check_swap_prediction(lambda: {"GCN": True, "SemGCN": True, "MLP": False})
    with pytest.raises(ExerciseFailed, match="keys 'GCN', 'SemGCN' and 'MLP'"):
        checks.check_swap_prediction(lambda: {"GCN": True})
