"""Checks for lesson 05: the range-image projection, class-weighted cross-entropy, which models a turn
cannot fool (a decision), and the 3D IoU of two boxes."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from gdl_teach.driving.boxes import box_iou_3d
from gdl_teach.driving.lidar import Sensor, cast
from gdl_teach.driving.projections import range_projection as reference_range_projection
from gdl_teach.driving.scene import make_scene
from gdl_teach.driving.settings import MODEL_NAMES
from gdl_teach.exercises.core import ExerciseFailed, call_answer, exercise, expect, passed


def _projection_cases() -> list[tuple]:
    sensor = Sensor(num_beams=16, num_columns=64, range_noise=0.0, dropout=0.0)
    scan = cast(make_scene(3), sensor)
    special = torch.tensor([[10.0, 0.0, 0.0], [0.0, 5.0, 0.0], [-4.0, 0.1, 0.0], [-4.0, -0.1, 0.0],
                            [3.0, -3.0, -1.0], [1.0, 0.0, 5.0], [1.0, 0.0, -5.0]])  # the last two outside the FOV
    return [(scan.pos, 16, 64, 10.0, -20.0), (special, 32, 512, 10.0, -20.0), (special * 2, 8, 90, 2.0, -24.8)]


def _wrong_projections(pos: torch.Tensor, rows: int, cols: int, up: float, down: float) -> dict[str, tuple]:
    """What common slips give, to recognise them in a learner's answer."""
    r = pos.norm(dim=1)
    el, az = torch.asin(pos[:, 2] / r), torch.atan2(pos[:, 1], pos[:, 0])
    fov = math.radians(up - down)
    row = torch.floor((math.radians(up) - el) / fov * rows)
    col = torch.floor(0.5 * (1 - az / math.pi) * cols)
    clamp = (lambda t, n: t.long().clamp(0, n - 1))
    return {
        "degrees": (clamp(torch.floor((up - el) / (up - down) * rows), rows), clamp(col, cols)),
        "flipped rows": (clamp(torch.floor((el - math.radians(down)) / fov * rows), rows), clamp(col, cols)),
        "round": (clamp(torch.round((math.radians(up) - el) / fov * rows), rows), clamp(torch.round(
            0.5 * (1 - az / math.pi) * cols), cols)),
        "swapped atan2": (clamp(row, rows), clamp(torch.floor(0.5 * (1 - torch.atan2(pos[:, 0], pos[:, 1]) / math.pi)
                                                                  * cols), cols)),
        "flipped columns": (clamp(row, rows), clamp(torch.floor(0.5 * (1 + az / math.pi) * cols), cols)),
        "no clamp": (row.long(), col.long()),
    }


@exercise(reference=reference_range_projection)
def check_range_projection(range_projection: Callable[..., tuple[torch.Tensor, torch.Tensor]]) -> None:
    """Check a learner's ``range_projection(pos, num_rows, num_columns, fov_up, fov_down) -> (row, col)``."""
    hints = {
        "degrees": "fov_up and fov_down are in degrees but torch.asin returns radians: convert with math.radians.",
        "flipped rows": "row 0 is the top beam (elevation fov_up): the row grows as the elevation goes down, "
                        "(fov_up - elevation) / fov * num_rows.",
        "round": "use torch.floor, not round: row k covers the elevations of the k-th band, whose centre is "
                 "where the k-th beam points.",
        "swapped atan2": "the azimuth is torch.atan2(y, x) (y first): 0 straight ahead, +90 deg to the left.",
        "flipped columns": "column 0 is straight behind and the columns run clockwise seen from above (to the "
                           "right): col = 0.5 * (1 - azimuth / pi) * num_columns.",
        "no clamp": "points above fov_up or below fov_down give rows outside [0, num_rows): clamp them "
                    "(.clamp(0, num_rows - 1)), and the columns likewise.",
    }
    for case in _projection_cases():
        got = call_answer("range_projection", range_projection, *case)
        expect(isinstance(got, (tuple, list)) and len(got) == 2, "return two tensors, (row, col).")
        row, col = got
        want_row, want_col = reference_range_projection(*case)
        for name, value, want in (("row", row, want_row), ("col", col, want_col)):
            expect(isinstance(value, torch.Tensor) and value.shape == want.shape,
                   f"{name} must be a tensor of shape {tuple(want.shape)}, one entry per point.")
            expect(not value.is_floating_point(), f"{name} must hold integers: use torch.floor(...).long().")
        if torch.equal(row.long(), want_row) and torch.equal(col.long(), want_col):
            continue
        for slip, (slip_row, slip_col) in _wrong_projections(*case).items():
            if torch.equal(row.long(), slip_row) and torch.equal(col.long(), slip_col):
                expect(False, hints[slip])
        bad = "rows" if not torch.equal(row.long(), want_row) else "columns"
        expect(False, f"your {bad} differ from the expected ones for {int((row != want_row).sum() + (col != want_col).sum())} "
               f"of {len(row)} points (num_rows={case[1]}, num_columns={case[2]}).")
    passed("every point lands in the pixel of the beam and column that measured it: the range image is the "
           "sensor's own grid.")


def reference_weighted_cross_entropy(logits: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """``sum_i w[y_i] * (-log softmax(logits_i)[y_i]) / sum_i w[y_i]``: PyTorch's weighted cross-entropy."""
    return F.cross_entropy(logits, target, weight=weight)


@exercise(reference=reference_weighted_cross_entropy)
def check_weighted_cross_entropy(weighted_cross_entropy: Callable[..., torch.Tensor]) -> None:
    """Check a learner's ``weighted_cross_entropy(logits, target, weight) -> scalar``."""
    g = torch.Generator().manual_seed(5)
    logits = torch.randn(40, 7, generator=g) * 2
    target = torch.randint(0, 7, (40,), generator=g)
    weight = torch.rand(7, generator=g) * 4 + 0.2
    got = call_answer("weighted_cross_entropy", weighted_cross_entropy, logits, target, weight)
    expect(isinstance(got, torch.Tensor) and got.numel() == 1, "return one number (a scalar tensor), the mean loss.")
    got = float(got)
    want = float(reference_weighted_cross_entropy(logits, target, weight))
    if abs(got - want) < 1e-5:
        passed("your loss matches F.cross_entropy(logits, target, weight=weight).")
        return
    nll = -F.log_softmax(logits, 1)[torch.arange(40), target]
    probs = F.softmax(logits, 1)[torch.arange(40), target]
    w, w_pred = weight[target], weight[logits.argmax(1)]
    slips = [
        ((w * nll).mean(), "divide by the sum of the weights of the true classes, not by the number of points "
                           "(PyTorch's convention: the loss stays an average when the weights change)."),
        (nll.mean(), "multiply each point's loss by the weight of its true class, weight[target]."),
        ((w_pred * nll).sum() / w_pred.sum(), "use the weight of the true class (weight[target]), not of the "
                                              "predicted one."),
        (-(w * nll).sum() / w.sum(), "the loss is minus the log-probability: it must be positive."),
        ((w * -probs).sum() / w.sum(), "take the log of the softmax probability of the true class "
                                       "(F.log_softmax is the stable way)."),
    ]
    for value, hint in slips:
        expect(abs(got - float(value)) >= 1e-5, hint)
    expect(False, f"expected {want:.4f}, got {got:.4f}: -log softmax(logits)[target], times weight[target], summed, "
           "divided by the sum of weight[target].")


#: What a turn about the vertical axis cannot change, model by model (the hints of the decision exercise).
TURN_REASONS: dict[str, str] = {
    "MLP (xyz)": "the MLP reads each point's absolute x and y, and a turn changes them: it learned where the "
                 "road is in the car's frame.",
    "PointNet": "PointNet's max over the points makes it blind to their order, not to their orientation: its "
                "MLP reads absolute x, y, z.",
    "PointNet++": "the lesson's PointNet++ only sees horizontal distances and height differences inside balls, "
                  "and picks centres by distances: a turn about the vertical axis changes none of them.",
    "range U-Net": "a turn about the vertical axis shifts the columns of the range image (they are the azimuth); "
                   "its channels (range, height) do not change and a U-Net with circular padding shifts with its "
                   "input (exactly for shifts by a multiple of 4 columns, its pooling factor; nearly for others).",
    "BEV U-Net": "a turn rotates the bird's-eye picture; a CNN is equivariant to shifts of its grid, not to "
                 "rotations, and it was trained on streets running along x.",
}
TURN_INVARIANT: frozenset[str] = frozenset({"PointNet++", "range U-Net"})


def reference_turn_invariant_models() -> set[str]:
    """The models whose predictions a turn of the scan about the vertical axis does not change (by design)."""
    return set(TURN_INVARIANT)


@exercise(reference=reference_turn_invariant_models)
def check_turn_invariant_models(turn_invariant_models: Callable[[], set[str]]) -> None:
    """Check a learner's decision ``turn_invariant_models() -> set of model names``."""
    got = call_answer("turn_invariant_models", turn_invariant_models)
    expect(isinstance(got, (set, frozenset, list, tuple)), "return a set of model names, e.g. {'PointNet'}.")
    got = set(got)
    unknown = got - set(MODEL_NAMES)
    expect(not unknown, f"{sorted(unknown)} are not model names; choose from {list(MODEL_NAMES)}.")
    for name in MODEL_NAMES:
        if (name in got) != (name in TURN_INVARIANT):
            verdict = "is not" if name in got else "is"
            raise ExerciseFailed(f"Not yet: {name} {verdict} unchanged by a turn. Why: {TURN_REASONS[name]}")
    passed("PointNet++ (as built here) and the range U-Net are invariant to a turn by construction (the U-Net up "
           "to the pixel grid); the comparison below measures it.")


def reference_box_iou(box_a: torch.Tensor, box_b: torch.Tensor) -> float:
    """3D IoU of two axis-aligned boxes ``[x, y, z, l, w, h]`` (centre and size)."""
    return box_iou_3d(np.append(box_a.numpy(), 0.0), np.append(box_b.numpy(), 0.0))


@exercise(reference=reference_box_iou)
def check_box_iou(box_iou: Callable[[torch.Tensor, torch.Tensor], float]) -> None:
    """Check a learner's ``box_iou(box_a, box_b) -> float`` for axis-aligned boxes ``[x, y, z, l, w, h]``."""
    cases = [([0, 0, 0, 2, 2, 2], [1, 0, 0, 2, 2, 2]), ([0, 0, 0, 4, 2, 1.5], [0, 0, 0, 4, 2, 1.5]),
             ([0, 0, 0, 2, 2, 2], [5, 0, 0, 2, 2, 2]), ([0, 0, 0, 4, 1.8, 1.5], [0.5, 0.3, 0.4, 4.2, 1.9, 1.4]),
             ([0, 0, 0, 2, 2, 2], [3, 3, 0, 2, 2, 2])]
    for a, b in cases:
        ta, tb = torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)
        got = call_answer("box_iou", box_iou, ta, tb)
        try:
            got = float(got)
        except (TypeError, ValueError):
            raise ExerciseFailed(f"Not yet: box_iou must return a number, got {type(got).__name__}.") from None
        want = reference_box_iou(ta, tb)
        if abs(got - want) < 1e-6:
            continue
        expect(got >= -1e-9, f"for boxes {a} and {b} (apart) you return {got:.3f}: an overlap is never negative, "
               "clamp each axis' overlap at 0 (max(0, ...)).")
        lo = torch.maximum(ta[:3] - ta[3:] / 2, tb[:3] - tb[3:] / 2)
        hi = torch.minimum(ta[:3] + ta[3:] / 2, tb[:3] + tb[3:] / 2)
        inter = float((hi - lo).clamp(min=0).prod())
        expect(abs(got - inter / float(ta[3:].prod() + tb[3:].prod())) > 1e-6,
               f"for boxes {a} and {b}: the union is volume A + volume B minus the intersection, which is "
               "otherwise counted twice.")
        double = reference_box_iou(torch.cat([ta[:3], 2 * ta[3:]]), torch.cat([tb[:3], 2 * tb[3:]]))
        expect(abs(got - double) > 1e-6, f"for boxes {a} and {b}: l, w, h are full sizes, not half sizes: the "
               "box spans x - l/2 to x + l/2.")
        expect(False, f"for boxes {a} and {b} expected {want:.4f}, got {got:.4f}. The box spans x - l/2 to "
               "x + l/2 (and likewise in y and z); multiply the three overlaps.")
    passed("3D IoU = overlap volume / (volume A + volume B - overlap).")


__all__ = [
    "check_box_iou", "check_range_projection", "check_turn_invariant_models", "check_weighted_cross_entropy",
    "reference_box_iou", "reference_turn_invariant_models", "reference_weighted_cross_entropy",
]
