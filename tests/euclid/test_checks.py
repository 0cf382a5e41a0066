"""gdl_teach.euclid.checks: the checks pass right answers and explain wrong ones."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.euclid.checks import (
    check_grid_edges,
    check_projected_distances,
    check_sum_pool,
    reference_grid_edges,
    reference_projected_distances,
    reference_sum_pool,
)
from gdl_teach.euclid.grid import OFFSETS_3X3
from gdl_teach.exercises.core import ExerciseFailed


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
    check_sum_pool(lambda x, b, n: torch.zeros(n, x.shape[1], dtype=x.dtype).index_add(0, b, x))  # the lesson's
    assert capsys.readouterr().out.count("invariance holds") == 2


def test_reference_sum_pool_is_pyg_global_add_pool_with_empty_graphs_as_zeros() -> None:
    x = torch.arange(12.0).reshape(4, 3)
    out = reference_sum_pool(x, torch.tensor([0, 0, 2, 2]), 4)
    assert torch.equal(out, torch.stack([x[:2].sum(0), torch.zeros(3), x[2:].sum(0), torch.zeros(3)]))
    with pytest.raises(ValueError, match="num_graphs must be >= 3"):
        reference_sum_pool(x, torch.tensor([0, 0, 2, 2]), 2)


def test_check_sum_pool_hands_the_invariance_test_copies_too() -> None:
    """The permutation-invariance part calls the answer on copies as well: an in-place change fails there too."""
    def mutates_late(x, batch, num_graphs):  # noqa: ANN001, ANN202
        out = reference_sum_pool(x, batch, num_graphs)
        if num_graphs == 1:  # only in the invariance part: reverse the nodes in place, which keeps their sum
            x.copy_(x.flip(0))
        return out

    with pytest.raises(ExerciseFailed, match="in place"):
        check_sum_pool(mutates_late)


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
