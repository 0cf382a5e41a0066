"""The symmetry checker finds symmetries that hold and catches ones that do not."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.symmetry import (
    check_equivariance,
    check_invariance,
    permute_graph,
    permute_nodes,
    permute_output,
    permute_rows,
    random_permutation,
    random_rotation,
    rotate_output,
    rotate_points,
    rotation_matrix,
)


def test_random_rotation_is_special_orthogonal() -> None:
    g = torch.Generator().manual_seed(0)
    for dim in (2, 3, 4):
        r = random_rotation(dim, generator=g).double()
        assert torch.allclose(r @ r.T, torch.eye(dim, dtype=torch.float64), atol=1e-6)
        assert abs(float(torch.det(r)) - 1) < 1e-5
    with pytest.raises(ValueError, match="dim must be >= 2"):
        random_rotation(1)


def test_rotation_matrix_from_angles() -> None:
    assert torch.allclose(rotation_matrix(90.0) @ torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]), atol=1e-6)
    r = rotation_matrix((0.0, 0.0, 90.0))
    assert torch.allclose(r @ torch.tensor([1.0, 0, 0]), torch.tensor([0.0, 1, 0]), atol=1e-6)
    with pytest.raises(ValueError, match="angles must be one number"):
        rotation_matrix((1.0, 2.0))


def test_permute_graph_relabels_consistently() -> None:
    x = torch.arange(4.0).unsqueeze(1)
    edge_index = torch.tensor([[0, 1, 2], [1, 2, 3]])
    perm = torch.tensor([2, 0, 3, 1])
    new_x, new_ei = permute_graph(x, edge_index, perm)
    old_edges = {(int(x[a]), int(x[b])) for a, b in edge_index.t()}
    new_edges = {(int(new_x[a]), int(new_x[b])) for a, b in new_ei.t()}
    assert old_edges == new_edges
    with pytest.raises(ValueError, match="perm must be a permutation"):
        permute_graph(x, edge_index, torch.tensor([0, 0, 1, 2]))
    assert sorted(random_permutation(5).tolist()) == list(range(5))


def _sum_aggregate(x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
    return torch.zeros_like(x).index_add_(0, edge_index[1], x[edge_index[0]])


def test_invariance_and_equivariance_hold_for_sum_models() -> None:
    g = torch.Generator().manual_seed(0)
    x, ei = torch.randn(12, 3, generator=g), torch.randint(0, 12, (2, 40), generator=g)
    pooled = check_invariance(lambda x, e: _sum_aggregate(x, e).sum(0), (x, ei), permute_nodes())
    assert pooled.passed and pooled.max_error < 1e-5
    layer = check_equivariance(_sum_aggregate, (x, ei), permute_nodes(keep_perm=True), permute_output)
    assert layer.passed
    assert "holds" in repr(layer)


def test_checker_catches_broken_symmetries() -> None:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(10, 3, generator=g)
    w = torch.randn(30, generator=g)
    flat = check_invariance(lambda x: (x.reshape(-1) * w).sum(), (x,), permute_rows())
    assert not flat.passed and flat.max_error > 1e-2 and "BROKEN" in repr(flat)
    raw = check_invariance(lambda p: p.sum(0), (x,), rotate_points(translate=True))
    assert not raw
    dist = check_invariance(lambda p: torch.cdist(p, p), (x,), rotate_points(translate=True))
    assert dist
    centred = check_equivariance(lambda p: p - p.mean(0), (x,), rotate_points(keep_rotation=True), rotate_output)
    assert centred


def test_checker_rejects_bad_arguments() -> None:
    x = torch.randn(3, 3)
    with pytest.raises(TypeError, match="f must be callable"):
        check_invariance(3, (x,), permute_rows())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="inputs must be a tuple"):
        check_invariance(lambda x: x, x, permute_rows())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="trials must be >= 1"):
        check_invariance(lambda x: x, (x,), permute_rows(), trials=0)
    with pytest.raises(TypeError, match="must return a tensor"):
        check_invariance(lambda x: "no", (x,), permute_rows())
