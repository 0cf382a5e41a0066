"""gdl_teach.message_passing.wl: colour refinement, the 1-WL test, shared palettes."""
from __future__ import annotations

import networkx as nx
import pytest
import torch
from torch_geometric.data import Data

from gdl_teach.data.convert import edge_index_from_networkx
from gdl_teach.message_passing.datasets import make_wl_pair
from gdl_teach.message_passing.wl import num_colors, same_partition, wl_colors, wl_refine, wl_step, wl_test


def test_wl_cannot_separate_the_lesson_pairs_but_separates_others() -> None:
    for name in ("triangles_vs_hexagon", "decalin_vs_bicyclopentyl"):
        assert not wl_test(*make_wl_pair(name)).distinguishable
    _, hexagon = make_wl_pair()
    path = Data(edge_index=edge_index_from_networkx(nx.path_graph(6)), num_nodes=6)
    result = wl_test(hexagon, path)
    assert result.distinguishable and "different" in repr(result)
    colors = wl_colors([hexagon, path])
    assert num_colors(colors[1]) == 3 and set(colors[0].tolist()).isdisjoint(colors[1].tolist())


def test_wl_step_and_refine() -> None:
    path = edge_index_from_networkx(nx.path_graph(5))
    first = wl_step(torch.zeros(5, dtype=torch.long), path)
    assert same_partition(first, torch.tensor([0, 1, 1, 1, 0]))
    history = wl_refine(path, 5)
    assert same_partition(history[-1], torch.tensor([0, 1, 2, 1, 0]))
    with pytest.raises(TypeError, match="colors must be an integer tensor"):
        wl_step(torch.zeros(5), path)
    with pytest.raises(ValueError, match="colors must have one entry per node"):
        wl_refine(path, 5, colors=torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="colors_a and colors_b must have the same shape"):
        same_partition(torch.zeros(3, dtype=torch.long), torch.zeros(4, dtype=torch.long))
    with pytest.raises(TypeError, match="data_b must be a PyG Data"):
        wl_test(Data(edge_index=path, num_nodes=5), "graph")
    with pytest.raises(TypeError, match="graphs must be a non-empty list"):
        wl_colors([])


def test_refinement_creates_no_tensor_off_the_input_device() -> None:
    path = edge_index_from_networkx(nx.path_graph(5))
    with torch.device("meta"):  # a tensor made without device= would land on meta, away from edge_index
        history = wl_refine(path, 5)
    assert all(c.device == path.device for c in history)
