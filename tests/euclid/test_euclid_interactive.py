"""Lesson 01 widget and exercise checks: the explorer redraws when moved; checks pass right answers and explain wrong ones."""
from __future__ import annotations

import pandas as pd
import pytest
import torch

from gdl_teach.core.symmetry import rotation_matrix
from gdl_teach.euclid.checks import (
    check_grid_edges,
    check_projected_distances,
    check_sum_pool,
    reference_grid_edges,
    reference_projected_distances,
    reference_sum_pool,
)
from gdl_teach.euclid.data import OFFSETS_3X3
from gdl_teach.euclid.widgets import CubeProjectionExplorer, distortion_table, rotation_matrix64
from gdl_teach.exercises.core import ExerciseFailed


# --------------------------------------------------------------------------- widget
def test_explorer_redraws_when_a_slider_moves() -> None:
    explorer = CubeProjectionExplorer(angle_x=30, angle_y=20, angle_z=10)
    first_fig, first_table = explorer.last_figure, explorer.last_result.copy()
    assert isinstance(first_table, pd.DataFrame) and explorer.draw_count == 1
    explorer.controls["angle_x"].value = 75.0
    assert explorer.draw_count == 2 and explorer.last_figure is not first_fig
    assert not explorer.last_result.equals(first_table)
    cube_row = explorer.last_result.iloc[0]
    assert cube_row["max |d dist|"] > 0.1
    # the 3D panel's drawn lines moved with the slider
    old = [line.get_data_3d()[0].tolist() for line in first_fig.axes[0].lines]
    new = [line.get_data_3d()[0].tolist() for line in explorer.last_figure.axes[0].lines]
    assert old != new


def test_square_never_distorts_and_end_on_cube_collapses_edges() -> None:
    explorer = CubeProjectionExplorer()
    for name, value in [("angle_z", 45.0), ("angle_y", -90.0), ("angle_x", 135.0)]:
        explorer.controls[name].value = value
        square = explorer.last_result.iloc[1]
        assert square["max |d dist|"] < 1e-12 and square["max |d angle| (deg)"] < 1e-9
    explorer.controls["angle_x"].value = 0.0
    explorer.controls["angle_y"].value = 0.0
    assert int(explorer.last_result.iloc[0]["edges seen end-on"]) == 4


def test_distortion_table_and_rotation64() -> None:
    table = distortion_table(30, 20, 10)
    assert list(table.index) == ["cube: 3D -> 2D projection", "square: 2D -> rotated 2D"]
    assert torch.allclose(rotation_matrix64((30.0, 20.0, 10.0)).float(), rotation_matrix((30.0, 20.0, 10.0)), atol=1e-6)
    assert torch.allclose(rotation_matrix64(25.0).float(), rotation_matrix(25.0), atol=1e-6)
    r = rotation_matrix64((11.0, -40.0, 73.0))
    assert torch.allclose(r @ r.T, torch.eye(3, dtype=torch.float64), atol=1e-14)


def test_widget_bad_input() -> None:
    with pytest.raises(ValueError, match="angle_x must be <= 180"):
        CubeProjectionExplorer(angle_x=400)
    with pytest.raises(TypeError, match="angle_y must be a number"):
        distortion_table(0, "ten", 0)
    with pytest.raises(ValueError, match="angles must be one number"):
        rotation_matrix64((1.0, 2.0))


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
def test_check_sum_pool_passes_reference(capsys: pytest.CaptureFixture[str]) -> None:
    check_sum_pool(reference_sum_pool)
    assert "invariance holds" in capsys.readouterr().out


@pytest.mark.parametrize("wrong,hint", [
    (lambda x, b, n: reference_sum_pool(x, b, n) / torch.bincount(b, minlength=n).clamp(min=1).unsqueeze(1), "averaged"),
    (lambda x, b, n: x.sum(dim=1)[:n], "shape|feature axis"),
    (lambda x, b, n: reference_sum_pool(x, b, int(b.max()) + 1), "num_graphs"),
    (lambda x, b, n: torch.stack([x[b == g][0] if (b == g).any() else torch.zeros(x.shape[1]) for g in range(n)]),
     "off by"),
    (lambda x, b, n: None, "return"),
])
def test_check_sum_pool_explains_wrong_answers(wrong, hint: str) -> None:
    with pytest.raises(ExerciseFailed, match=hint):
        check_sum_pool(wrong)


# --------------------------------------------------------------------------- exercise 3
def test_check_projected_distances_passes_reference(capsys: pytest.CaptureFixture[str]) -> None:
    check_projected_distances(reference_projected_distances)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong,hint", [
    (lambda p, r: torch.cdist(p @ r.T, p @ r.T), "true 3D distances"),
    (lambda p, r: torch.cdist((p @ r)[:, :2], (p @ r)[:, :2]), "pos @ rot.T"),
    (lambda p, r: torch.cdist((p @ r.T)[:, 1:], (p @ r.T)[:, 1:]), "off by"),
    (lambda p, r: (p @ r.T)[:, :2], "shape"),
])
def test_check_projected_distances_explains_wrong_answers(wrong, hint: str) -> None:
    with pytest.raises(ExerciseFailed, match=hint):
        check_projected_distances(wrong)
