"""gdl_teach.message_passing.checks: the three exercises pass their references and explain wrong answers."""
from __future__ import annotations

import math

import pytest
import torch

from gdl_teach.exercises.core import ExerciseFailed
from gdl_teach.message_passing.checks import (
    check_collapse_depth,
    check_gcn_dense,
    check_wl_step,
    reference_collapse_depth,
    reference_gcn_dense,
)
from gdl_teach.message_passing.wl import wl_step


def test_checks_pass_on_the_references(capsys: pytest.CaptureFixture[str]) -> None:
    check_gcn_dense(reference_gcn_dense)
    check_collapse_depth(reference_collapse_depth)
    check_wl_step(wl_step)
    assert capsys.readouterr().out.count("Correct:") == 3


def test_gcn_dense_check_explains_wrong_answers() -> None:
    def no_self_loops(x, adj, w):
        d = adj.sum(1).clamp(min=1).pow(-0.5)
        return d.view(-1, 1) * adj * d.view(1, -1) @ x @ w

    def mean(x, adj, w):
        a = adj + torch.eye(adj.shape[0])
        return a / a.sum(1, keepdim=True) @ x @ w

    with pytest.raises(ExerciseFailed, match="add the self-loops first"):
        check_gcn_dense(no_self_loops)
    with pytest.raises(ExerciseFailed, match="divided by the degree once"):
        check_gcn_dense(mean)
    with pytest.raises(ExerciseFailed, match="still raises NotImplementedError"):
        check_gcn_dense(lambda x, adj, w: (_ for _ in ()).throw(NotImplementedError()))


def test_collapse_depth_check_names_the_likely_mistake() -> None:
    with pytest.raises(ExerciseFailed, match="use lambda_2 itself"):
        check_collapse_depth(lambda lam, eps: math.log(eps) / math.log(1 - lam))
    with pytest.raises(ExerciseFailed, match="not its square"):
        check_collapse_depth(lambda lam, eps: math.log(eps) / (2 * math.log(lam)))
    with pytest.raises(ExerciseFailed, match="same logarithm"):
        check_collapse_depth(lambda lam, eps: math.log10(eps) / math.log(lam))
    with pytest.raises(ExerciseFailed, match="must be positive"):
        check_collapse_depth(lambda lam, eps: math.log(eps) - math.log(lam))
    with pytest.raises(ExerciseFailed, match="too late"):
        check_collapse_depth(lambda lam, eps: 500)
    with pytest.raises(ExerciseFailed, match="return one number"):
        check_collapse_depth(lambda lam, eps: "fifty")
    with pytest.raises(ExerciseFailed, match="still raises NotImplementedError"):
        check_collapse_depth(lambda lam, eps: (_ for _ in ()).throw(NotImplementedError()))


def test_wl_check_explains_wrong_answers() -> None:
    def ignores_own_colour(colors, edge_index):
        sig = [tuple(sorted(colors[edge_index[0][edge_index[1] == i]].tolist())) for i in range(len(colors))]
        palette = {s: k for k, s in enumerate(sorted(set(sig)))}
        return torch.tensor([palette[s] for s in sig])

    with pytest.raises(ExerciseFailed, match="keep the own colour"):
        check_wl_step(ignores_own_colour)
    with pytest.raises(ExerciseFailed, match="kept the grouping of the nodes unchanged"):
        check_wl_step(lambda colors, edge_index: colors)


def test_answers_that_change_their_inputs_fail() -> None:
    def zeroes_x(x, adj, weight):
        out = reference_gcn_dense(x, adj, weight)
        x.zero_()
        return out

    with pytest.raises(ExerciseFailed, match="in place"):
        check_gcn_dense(zeroes_x)
