"""Checks for lesson 01: the grid graph's edge list, what a projection loses, and two decisions about the claim.

Exercises 1 and 2 ask for a function and compare it with the kit's reference;
exercises 3 and 4 ask the learner to predict or decide, then measure
(``@exercise(reference=None)``: the answer is a value, or a function without
arguments that returns it, so the student edition's stub fails in the check).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch

from gdl_teach.core.symmetry import random_rotation, rotation_matrix
from gdl_teach.core.validate import check_tensor
from gdl_teach.euclid.experiments import AUGMENTED, CANONICAL, EQUAL, GNN, LOGISTIC, RULE, numbering_shortcut
from gdl_teach.euclid.grid import make_grid_graph
from gdl_teach.euclid.projection import depth, make_cube, pairwise_distances, project_to_plane
from gdl_teach.exercises.core import ExerciseFailed, call_answer, check_close, exercise, expect, passed


# --------------------------------------------------------------------------
# exercise 1: the grid graph
# --------------------------------------------------------------------------
def reference_grid_edges(height: int, width: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The edges of the pixel grid graph (zero padding) and their offset ids.

    Args:
        height: H.
        width: W.

    Returns:
        ``(edge_index, offset)``: (2, E) edges ``j -> i`` from the pixel a 3x3
        kernel centred on ``i`` reads to ``i``, and (E,) offset ids ``k`` into
        :data:`~gdl_teach.euclid.grid.OFFSETS_3X3`.
    """
    grid = make_grid_graph(height, width, padding="zeros")
    return grid.edge_index, grid.edge_attr


def _triples(edge_index: torch.Tensor, offset: torch.Tensor) -> set[tuple[int, int, int]]:
    return set(zip(edge_index[0].tolist(), edge_index[1].tolist(), offset.tolist()))


@exercise(reference=reference_grid_edges)
def check_grid_edges(grid_edges: Callable[[int, int], tuple[torch.Tensor, torch.Tensor]]) -> None:
    """Check a learner's ``grid_edges(height, width) -> (edge_index (2, E), offset (E,))``.

    The order of the edges does not matter; each ``(source, target, offset)`` must
    appear exactly once.
    """
    for height, width in [(3, 4), (1, 1), (5, 2), (4, 4)]:
        out = call_answer("grid_edges", grid_edges, height, width)
        expect(isinstance(out, tuple) and len(out) == 2,
               f"grid_edges must return a pair (edge_index, offset), got {type(out).__name__}.")
        edge_index, offset = out
        expect(isinstance(edge_index, torch.Tensor) and edge_index.dim() == 2 and edge_index.shape[0] == 2,
               "edge_index must be a (2, E) tensor: row 0 the sending pixel j, row 1 the receiving pixel i.")
        expect(isinstance(offset, torch.Tensor) and offset.shape == (edge_index.shape[1],),
               "offset must be an (E,) tensor: one offset id per edge.")
        ref_ei, ref_off = reference_grid_edges(height, width)
        n = height * width
        expect(edge_index.numel() > 0, f"a {height}x{width} grid has {ref_ei.shape[1]} edges, you returned none.")
        expect(not edge_index.is_floating_point() and not offset.is_floating_point(),
               "edge_index and offset must be integer tensors (torch.long), not floats.")
        expect(int(edge_index.min()) >= 0 and int(edge_index.max()) < n,
               f"node ids must be in [0, {n - 1}] for a {height}x{width} grid: pixels outside the image do not "
               "exist (zero padding), so skip neighbours that fall off the border.")
        got, want = _triples(edge_index.long(), offset.long()), _triples(ref_ei, ref_off)
        expect(len(got) == edge_index.shape[1], "some edges appear twice; each (j, i, offset) belongs once.")
        if got == want:
            continue
        expect(any(k == 4 for _, _, k in got),
               "the centre pixel is read by the kernel too: add a self-loop i -> i with offset id 4 = (0, 0).")
        expect({(b, a, k) for a, b, k in got} != want,
               "the edges point the wrong way: an edge goes from the neighbour j = (row + dr, col + dc) that the "
               "kernel reads (edge_index[0]) to the centre i = (row, col) (edge_index[1]).")
        expect({(a, b) for a, b, _ in got} != {(a, b) for a, b, _ in want},
               "the edges are right but some offset ids are not: the id of (dr, dc) is its position in "
               "OFFSETS_3X3, i.e. (dr + 1) * 3 + (dc + 1).")
        expect(len(got) == len(want),
               f"a {height}x{width} grid has {len(want)} such edges, you returned {len(got)}. Border pixels have "
               "fewer neighbours; node id = row * width + col.")
        expect(False, f"the edges of the {height}x{width} grid differ from the expected ones; node id is "
               "row * width + col and the edge for offset (dr, dc) goes from (row + dr, col + dc) to (row, col).")
    passed("your grid graph has the 9 typed edges per pixel (fewer at the borders), the same as make_grid_graph.")


# --------------------------------------------------------------------------
# exercise 2: what the camera dropped
# --------------------------------------------------------------------------
def reference_restore_distances(picture: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """The true 3D distances, from a picture (the first two coordinates) and the depth the camera dropped.

    Args:
        picture: (N, 2) projected points.
        z: (N,) their depths (the coordinate the camera dropped).

    Returns:
        (N, N) distances in 3D.
    """
    picture = check_tensor("picture", picture, shape=(None, 2), floating=True, nonempty=True)
    z = check_tensor("z", z, shape=(picture.shape[0],), floating=True)
    return pairwise_distances(torch.cat([picture, z.unsqueeze(1)], dim=1))


@exercise(reference=reference_restore_distances)
def check_restore_distances(restore_distances: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Check a learner's ``restore_distances(picture (N, 2), z (N,)) -> (N, N)`` against the true 3D distances."""
    cube, _ = make_cube()
    g = torch.Generator().manual_seed(3)
    cases = [(cube, rotation_matrix((30.0, 20.0, 10.0), dtype=torch.float64)),
             (torch.randn(6, 3, generator=g, dtype=torch.float64), random_rotation(3, generator=g).double())]
    for pos, rot in cases:
        picture, z = project_to_plane(pos, rot), depth(pos, rot)
        got = call_answer("restore_distances", restore_distances, picture, z)
        want = pairwise_distances(pos)  # rotating does not change distances: these are the shape's own
        if isinstance(got, torch.Tensor) and got.shape == want.shape:
            got64 = got.detach().double()
            expect(not torch.allclose(got64, pairwise_distances(picture), atol=1e-6),
                   "these are the picture's distances: put the depth back before measuring.")
            dz = (z.unsqueeze(0) - z.unsqueeze(1)).abs()
            expect(not torch.allclose(got64, pairwise_distances(picture) + dz, atol=1e-6),
                   "you added the depth difference to the picture's distance; the two are at right angles, so "
                   "they add in squares (Pythagoras): sqrt(d_picture^2 + d_depth^2).")
        check_close("restore_distances", got, want, atol=1e-6,
                    hint="Stack each point's picture coordinates and its depth into (x, y, z), then take all "
                         "pairwise distances (torch.cdist).")
    passed("the picture plus one number per point (its depth) gives back every distance: depth is exactly what "
           "the camera dropped.")


# --------------------------------------------------------------------------
# exercise 3: predict, then measure
# --------------------------------------------------------------------------
def _answer_value(name: str, answer: Any) -> Any:
    """The learner's answer: a value, or what a function without arguments returns (through call_answer)."""
    return call_answer(name, answer) if callable(answer) else answer


@functools.lru_cache(maxsize=1)
def _shortcut_measurement() -> dict[str, float]:
    """:func:`~gdl_teach.euclid.experiments.numbering_shortcut`, trained once per session (it is seeded)."""
    return numbering_shortcut()


@exercise(reference=None)
def check_shortcut_prediction(prediction: Any) -> None:
    """Check a predicted test accuracy of the MLP trained on graphs as generated, once renumbered; then measure it.

    Args:
        prediction: a number in [0, 1], or a function without arguments returning it.
    """
    value = _answer_value("my_prediction", prediction)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ExerciseFailed(f"Not yet: the prediction must be an accuracy, a number in [0, 1], got {value!r}.")
    measured = dict(_shortcut_measurement())
    seen = (f"Measured: {measured['test, as generated']:.3f} on the test graphs as generated, "
            f"{measured['test, renumbered']:.3f} on the same graphs renumbered.")
    renumbered = measured["test, renumbered"]
    expect(value <= renumbered + 0.1,
           f"you predicted {value:.2f}: that assumes the MLP learned 'some node has many links'. It was never "
           "shown a hub anywhere but node 0, so the cheapest rule that fits its training data is 'row 0 of the "
           f"matrix is dense', and a renumbering moves the hub away from row 0. {seen}")
    expect(value >= renumbered - 0.1,
           f"you predicted {value:.2f}, worse than a coin flip: that would need the MLP to be systematically wrong. "
           f"Renumbered, row 0 is an ordinary node, so its answers carry no information either way. {seen}")
    passed(f"{seen} The MLP learned where the hub was written down, not what a hub is.")


# --------------------------------------------------------------------------
# exercise 4: which baseline closes the gap
# --------------------------------------------------------------------------
#: The choices of exercise 4.
BASELINE_CHOICES = ("augmentation", "canonical order", "degree features", "none")


@exercise(reference=None)
def check_closest_baseline(answer: Any, table: Any) -> None:
    """Check which contender matches the GNN at the equal budget, with hints that quote the learner's own table.

    Args:
        answer: one of :data:`BASELINE_CHOICES`, or a function without arguments returning it.
        table: the :func:`gdl_teach.euclid.experiments.summary_table` printed in the lesson.
    """
    value = _answer_value("closest_baseline", answer)
    if value not in BASELINE_CHOICES:
        raise ExerciseFailed(f"Not yet: the answer must be one of {list(BASELINE_CHOICES)}, got {value!r}.")
    acc = {key: float(row["accuracy"]) for key, row in table.iterrows()}
    gnn = acc[(GNN, EQUAL)]
    features = max(acc[(RULE, EQUAL)], acc[(LOGISTIC, EQUAL)])
    longer = next(v for (m, s), v in acc.items() if m == AUGMENTED and s != EQUAL)
    bigger = next(v for (m, s), v in acc.items() if m == CANONICAL and s != EQUAL)
    hints = {
        "augmentation": f"at the equal budget the augmented MLP reaches {acc[(AUGMENTED, EQUAL)]:.3f} against the "
                        f"GNN's {gnn:.3f}; it catches up ({longer:.3f}) only with more steps: learning a symmetry "
                        "from examples costs compute.",
        "canonical order": f"at the equal budget the canonical-order MLP reaches {acc[(CANONICAL, EQUAL)]:.3f}; "
                           f"it needs more training graphs ({bigger:.3f}), because it still has to learn which "
                           "entries of the sorted matrix matter, and ties in the sort leave some numberings free.",
        "none": f"look at the degree rows: {features:.3f} against the GNN's {gnn:.3f}, with one or thirteen "
                "numbers learned.",
    }
    expect(value == "degree features", hints.get(value, ""))
    passed(f"the degree features reach {features:.3f} (GNN {gnn:.3f}): the class *is* a degree statistic, and a "
           "feature that reads degrees is invariant to renumbering by construction. The GNN's prior pays off when "
           "nobody can write the right feature by hand, or when there are few examples and no such feature.")
