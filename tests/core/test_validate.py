"""Argument checks: errors that name the argument."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.core.validate import check_batch, check_edge_index, check_float, check_int, check_tensor


def test_validation_messages_name_the_argument() -> None:
    with pytest.raises(TypeError, match="pos must be a torch.Tensor, got list"):
        check_tensor("pos", [[0.0, 1.0]])
    with pytest.raises(ValueError, match=r"pos must have shape \(N, 3\), got \(4, 2\)"):
        check_tensor("pos", torch.zeros(4, 2), shape=(None, 3))
    with pytest.raises(ValueError, match="x must not be empty"):
        check_tensor("x", torch.zeros(0, 3), nonempty=True)
    with pytest.raises(ValueError, match="x contains NaN"):
        check_tensor("x", torch.tensor([float("nan")]), finite=True)
    with pytest.raises(TypeError, match="edge_index must be an integer tensor"):
        check_edge_index("edge_index", torch.zeros(2, 3))
    with pytest.raises(ValueError, match="refers to node 5 but there are only 3 nodes"):
        check_edge_index("edge_index", torch.tensor([[0, 5], [1, 2]]), num_nodes=3)
    with pytest.raises(ValueError, match="k must be >= 1"):
        check_int("k", 0, min_value=1)
    with pytest.raises(ValueError, match="r must be > 0"):
        check_float("r", 0.0, min_value=0.0, strict_min=True)
    with pytest.raises(ValueError, match="batch must be non-negative and sorted"):
        check_batch("batch", torch.tensor([1, 0]), 2)
