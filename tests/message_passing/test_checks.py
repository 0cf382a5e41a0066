"""gdl_teach.message_passing.checks: the three exercises pass their references and explain wrong answers."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.exercises.core import ExerciseFailed
from gdl_teach.message_passing.checks import (
    check_gcn_dense,
    check_weighted_aggregate,
    check_wl_step,
    reference_gcn_dense,
    reference_weighted_aggregate,
)
from gdl_teach.message_passing.wl import wl_step


def test_checks_pass_on_the_references(capsys: pytest.CaptureFixture[str]) -> None:
    check_gcn_dense(reference_gcn_dense)
    check_weighted_aggregate(reference_weighted_aggregate)
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


def test_aggregate_and_wl_checks_explain_wrong_answers() -> None:
    with pytest.raises(ExerciseFailed, match="messages flow the wrong way"):
        check_weighted_aggregate(lambda x, e, w: reference_weighted_aggregate(x, e.flip(0), w))
    with pytest.raises(ExerciseFailed, match="multiply every gathered row"):
        check_weighted_aggregate(lambda x, e, w: reference_weighted_aggregate(x, e, torch.ones_like(w)))

    def ignores_own_colour(colors, edge_index):
        sig = [tuple(sorted(colors[edge_index[0][edge_index[1] == i]].tolist())) for i in range(len(colors))]
        palette = {s: k for k, s in enumerate(sorted(set(sig)))}
        return torch.tensor([palette[s] for s in sig])

    with pytest.raises(ExerciseFailed, match="keep the own colour"):
        check_wl_step(ignores_own_colour)
    with pytest.raises(ExerciseFailed, match="kept the grouping of the nodes unchanged"):
        check_wl_step(lambda colors, edge_index: colors)


def test_answers_that_change_their_inputs_fail() -> None:
    def zeroes_x(x, edge_index, edge_weight):
        out = reference_weighted_aggregate(x, edge_index, edge_weight)
        x.zero_()
        return out

    with pytest.raises(ExerciseFailed, match="in place"):
        check_weighted_aggregate(zeroes_x)
