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


def test_check_batch_contiguous_and_meta() -> None:
    with pytest.raises(ValueError, match=r"batch skips graph id\(s\) \[1\]"):
        check_batch("batch", torch.tensor([0, 0, 2]), 3, contiguous=True)
    assert check_batch("batch", torch.tensor([0, 0, 2]), 3).tolist() == [0, 0, 2]  # PyG's own rule allows it
    meta = torch.empty(5, dtype=torch.long, device="meta")
    assert check_batch("batch", meta, 5, contiguous=True).device.type == "meta"
    assert check_edge_index("e", torch.empty(2, 7, dtype=torch.long, device="meta"), 3).shape == (2, 7)
    assert check_tensor("x", torch.empty(3, 2, device="meta"), finite=True).shape == (3, 2)


def test_check_slider_value() -> None:
    from gdl_teach.core.validate import check_slider_value

    assert check_slider_value("angle", 35, -180, 180, 5) == 35
    with pytest.raises(ValueError, match="would show 35"):
        check_slider_value("angle", 33, -180, 180, 5)
    with pytest.raises(ValueError, match=r"within the slider's range \[1, 9\]"):
        check_slider_value("k", 12, 1, 9)
    with pytest.raises(TypeError, match="k must be an int"):
        check_slider_value("k", 2.5, 1, 9)
    assert check_slider_value("t", 0.25, 0.0, 1.0, 0.05) == 0.25
