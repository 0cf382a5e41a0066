"""gdl_teach.molecules.model_io: dtype checks, value checks skipped only on meta, label scaling."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from gdl_teach.molecules import model_io


def test_values_known_only_off_meta() -> None:
    assert model_io.values_known(torch.zeros(2))
    assert not model_io.values_known(torch.zeros(2, device="meta"))


def test_check_model_dtype_names_the_fix() -> None:
    lin = nn.Linear(2, 1)
    x = torch.zeros(3, 2)
    assert model_io.check_model_dtype("x", x, lin) is x
    with pytest.raises(TypeError, match=r"x has dtype torch.float64 but Linear's weights are torch.float32.*\.float\(\)"):
        model_io.check_model_dtype("x", x.double(), lin)


def test_batch_and_edge_checks_keep_their_value_checks_off_meta() -> None:
    batch, num_graphs = model_io.check_batch_vector("batch", None, 4, torch.device("cpu"))
    assert batch.tolist() == [0, 0, 0, 0] and num_graphs == 1
    with pytest.raises(ValueError, match="must be non-negative and sorted"):
        model_io.check_batch_vector("batch", torch.tensor([1, 0]), 2, torch.device("cpu"))
    on_meta, num_graphs = model_io.check_batch_vector("batch", torch.tensor([1, 0], device="meta"), 2,
                                                      torch.device("meta"))
    assert on_meta.is_meta and num_graphs is None  # values unknown: only shape and dtype checked
    with pytest.raises(ValueError, match="batch must have shape"):
        model_io.check_batch_vector("batch", torch.zeros(3, dtype=torch.long, device="meta"), 2, torch.device("meta"))
    with pytest.raises(ValueError, match="refers to node 5"):
        model_io.check_edges("edge_index", torch.tensor([[0], [5]]), 3)
    assert model_io.check_edges("edge_index", torch.tensor([[0], [5]], device="meta"), 3).is_meta


def test_register_target_scaling_adds_buffers() -> None:
    m = nn.Linear(1, 1)
    model_io.register_target_scaling(m, -2.0, 0.5)
    assert m.target_mean.item() == -2.0 and m.target_std.item() == 0.5
    assert {"target_mean", "target_std"} <= set(m.state_dict())
    with pytest.raises(ValueError, match="target_std must be > 0"):
        model_io.register_target_scaling(nn.Linear(1, 1), 0.0, -1.0)
