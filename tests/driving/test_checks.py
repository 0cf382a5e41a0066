"""gdl_teach.driving.checks: each check passes the reference and gives the right hint for typical mistakes."""
from __future__ import annotations

import math

import pytest
import torch

from gdl_teach.driving import checks
from gdl_teach.driving.projections import range_projection
from gdl_teach.exercises.core import ExerciseFailed


def test_references_pass(capsys: pytest.CaptureFixture) -> None:
    checks.check_range_projection(range_projection)
    checks.check_weighted_cross_entropy(checks.reference_weighted_cross_entropy)
    checks.check_turn_invariant_models(checks.reference_turn_invariant_models)
    checks.check_box_iou(checks.reference_box_iou)
    assert capsys.readouterr().out.count("Correct") == 4


def _projection(degrees=False, flip_rows=False, use_round=False, swap=False, clamp=True):  # noqa: ANN001, ANN202
    def fn(pos, num_rows, num_columns, fov_up, fov_down):  # noqa: ANN001, ANN202
        r = pos.norm(dim=1)
        el = torch.asin(pos[:, 2] / r)
        az = torch.atan2(pos[:, 0], pos[:, 1]) if swap else torch.atan2(pos[:, 1], pos[:, 0])
        up, down = (fov_up, fov_down) if degrees else (math.radians(fov_up), math.radians(fov_down))
        t = (el - down) / (up - down) if flip_rows else (up - el) / (up - down)
        rnd = torch.round if use_round else torch.floor
        row, col = rnd(t * num_rows).long(), rnd(0.5 * (1 - az / math.pi) * num_columns).long()
        if clamp:
            row, col = row.clamp(0, num_rows - 1), col.clamp(0, num_columns - 1)
        return row, col
    return fn


@pytest.mark.parametrize(("kwargs", "hint"), [
    ({"degrees": True}, "math.radians"), ({"flip_rows": True}, "row 0 is the top beam"),
    ({"use_round": True}, "torch.floor"), ({"swap": True}, "atan2\\(y, x\\)"), ({"clamp": False}, "clamp"),
])
def test_projection_mistakes_get_their_hint(kwargs: dict, hint: str) -> None:
    with pytest.raises(ExerciseFailed, match=hint):
        checks.check_range_projection(_projection(**kwargs))


def test_projection_stub_and_float_rows() -> None:
    def stub(*args):  # noqa: ANN002, ANN202
        raise NotImplementedError

    with pytest.raises(ExerciseFailed, match="NotImplementedError"):
        checks.check_range_projection(stub)
    with pytest.raises(ExerciseFailed, match="integers"):
        checks.check_range_projection(lambda *a: tuple(t.float() for t in range_projection(*a)))


@pytest.mark.parametrize(("answer", "hint"), [
    (lambda z, t, w: (w[t] * -torch.log_softmax(z, 1)[torch.arange(len(t)), t]).mean(), "sum of the weights"),
    (lambda z, t, w: torch.nn.functional.cross_entropy(z, t), "weight of its true class"),
    (lambda z, t, w: (w[t] * torch.log_softmax(z, 1)[torch.arange(len(t)), t]).sum() / w[t].sum(), "positive"),
    (lambda z, t, w: (w[t] * -torch.softmax(z, 1)[torch.arange(len(t)), t]).sum() / w[t].sum(), "log"),
    (lambda z, t, w: torch.tensor([1.0, 2.0]), "one number"),
])
def test_weighted_cross_entropy_mistakes_get_their_hint(answer, hint: str) -> None:  # noqa: ANN001
    with pytest.raises(ExerciseFailed, match=hint):
        checks.check_weighted_cross_entropy(answer)


@pytest.mark.parametrize(("answer", "hint"), [
    ({"PointNet++", "range U-Net", "MLP (xyz)"}, "MLP \\(xyz\\) is not unchanged"),
    ({"PointNet++"}, "range U-Net is unchanged"), ({"range U-Net"}, "PointNet\\+\\+ is unchanged"),
    ({"PointNet++", "range U-Net", "BEV U-Net"}, "rotates the bird's-eye picture"),
    ({"PointNet"}, "blind to their order, not to their orientation"), ({"KPConv"}, "not model names"),
    ("PointNet", "return a set"),
])
def test_turn_decision_explains_each_wrong_choice(answer, hint: str) -> None:  # noqa: ANN001
    with pytest.raises(ExerciseFailed, match=hint):
        checks.check_turn_invariant_models(lambda: answer)


def _box_iou(clamp=True, half=False, no_subtract=False):  # noqa: ANN001, ANN202
    def fn(a, b):  # noqa: ANN001, ANN202
        size_a, size_b = (a[3:], b[3:]) if not half else (2 * a[3:], 2 * b[3:])
        lo = torch.maximum(a[:3] - size_a / 2, b[:3] - size_b / 2)
        hi = torch.minimum(a[:3] + size_a / 2, b[:3] + size_b / 2)
        d = (hi - lo).clamp(min=0) if clamp else (hi - lo)
        inter = d.prod()
        union = size_a.prod() + size_b.prod() - (0 if no_subtract else inter)
        return float(inter / union)
    return fn


@pytest.mark.parametrize(("kwargs", "hint"), [
    ({"clamp": False}, "never negative"), ({"half": True}, "full sizes"), ({"no_subtract": True}, "counted twice"),
])
def test_box_iou_mistakes_get_their_hint(kwargs: dict, hint: str) -> None:
    with pytest.raises(ExerciseFailed, match=hint):
        checks.check_box_iou(_box_iou(**kwargs))
