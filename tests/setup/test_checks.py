"""gdl_teach.setup.checks: the first two checks pass right answers and explain wrong ones."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.exercises import ExerciseFailed
from gdl_teach.setup.checks import check_degree, check_neighbour_sum, reference_degree, reference_neighbour_sum


def test_exercise_checks_pass_on_reference(capsys: pytest.CaptureFixture[str]) -> None:
    check_degree(reference_degree)
    check_neighbour_sum(reference_neighbour_sum)
    check_degree(lambda e, n: torch.bincount(e[1], minlength=n).float())  # the lesson's solution
    assert capsys.readouterr().out.count("Correct") == 3


def test_reference_degree_counts_arriving_edges() -> None:
    edge_index = torch.tensor([[1, 2, 3, 0], [0, 0, 0, 1]])
    assert torch.equal(reference_degree(edge_index, 5), torch.tensor([3.0, 1.0, 0.0, 0.0, 0.0]))


@pytest.mark.parametrize("wrong, hint", [
    (lambda e, n: torch.bincount(e[0], minlength=n).float(), "by their source"),
    (lambda e, n: torch.bincount(e[1]).float(), "nodes without edges"),
    (lambda e, n: None, "forget `return`"),
    (lambda e, n: (_ for _ in ()).throw(NotImplementedError()), "NotImplementedError"),
    (lambda e, n: 1 / 0, "ZeroDivisionError"),
])
def test_degree_check_explains_wrong_answers(wrong, hint) -> None:  # noqa: ANN001
    with pytest.raises(ExerciseFailed, match=hint):
        check_degree(wrong)


def test_neighbour_sum_check_catches_reversed_direction_and_in_place_changes() -> None:
    reversed_sum = lambda x, e: torch.zeros_like(x).index_add_(0, e[0], x[e[1]])  # noqa: E731
    with pytest.raises(ExerciseFailed, match="wrong way"):
        check_neighbour_sum(reversed_sum)
    with pytest.raises(ExerciseFailed, match="shape"):
        check_neighbour_sum(lambda x, e: x.sum(0))
    with pytest.raises(ExerciseFailed, match="in place"):
        check_neighbour_sum(lambda x, e: x.index_add_(0, e[1], x[e[0]]) - x)


def test_references_make_their_tensors_on_the_inputs_device() -> None:
    edge_index, x = torch.tensor([[0, 1, 2], [1, 2, 0]]), torch.randn(3, 2)
    with torch.device("meta"):  # a tensor made without device= would land on meta and fail to mix
        assert reference_degree(edge_index, 3).device.type == "cpu"
        assert reference_neighbour_sum(x, edge_index).device.type == "cpu"
