"""gdl_teach.epidemics.eon_adapter: node ids given to EoN, its seeded generator, its histories read back."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from gdl_teach.epidemics import eon_adapter


def test_node_ids_sorts_and_drops_repeats() -> None:
    assert eon_adapter.node_ids("ids", None, 5) == []
    assert eon_adapter.node_ids("ids", [3, 1, 3], 5) == [1, 3]
    assert eon_adapter.node_ids("ids", np.uint8(4), 5) == [4]
    assert eon_adapter.node_ids("ids", torch.tensor([[0], [2]]), 5) == [0, 2]


@pytest.mark.parametrize("nodes", ["12", b"1", 1.0, [1, 2.0], np.float32(1), np.array([1.0]),
                                   torch.tensor([1.0]), False, [np.bool_(True)], torch.tensor([True]), 3 + 0j])
def test_node_ids_refuse_what_is_not_an_id(nodes: object) -> None:
    with pytest.raises(TypeError, match="ids must be node ids"):
        eon_adapter.node_ids("ids", nodes, 5)


def test_node_ids_must_exist() -> None:
    with pytest.raises(ValueError, match=r"outside \[0, 4\]: \[5, -1\]"):
        eon_adapter.node_ids("ids", [5, -1, 2], 5)


def test_tuple_safe_generator_keeps_pairs_and_the_stream() -> None:
    pairs = [(0, 1), (1, 2), (2, 3)]
    a, b = eon_adapter.TupleSafeGenerator(np.random.default_rng(3)), np.random.default_rng(3)
    picks = [a.choice(pairs) for _ in range(5)]
    assert all(isinstance(p, tuple) for p in picks)
    assert picks == [pairs[int(b.integers(3))] for _ in range(5)]
    assert a.random() == b.random(), "other draws pass through to the same seeded stream"


def test_parse_history_refuses_a_broken_order() -> None:
    class Sim:
        def node_history(self, v: int) -> tuple[list[float], list[str]]:
            return ([0.0, 1.0], ["R", "I"]) if v == 1 else ([0.0], ["S"])

    with pytest.raises(RuntimeError, match="order for node 1"):
        eon_adapter.parse_history(Sim(), 2, 0.0, [], "SIR")
    t_exp, t_inf, t_rec = eon_adapter.parse_history(Sim(), 1, 0.0, [], "SIR")
    assert t_inf.tolist() == [np.inf] and t_rec.tolist() == [np.inf]
