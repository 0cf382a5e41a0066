"""gdl_teach.setup.batching: the three small graphs and the figure of a PyG mini-batch."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch
from torch_geometric.data import Batch
from torch_geometric.nn import global_add_pool
from torch_geometric.utils import to_dense_adj

from gdl_teach.setup.batching import plot_batch, small_graphs
from tests.fake_device import off_cpu


@pytest.fixture(autouse=True)
def _close_figures() -> None:
    yield
    plt.close("all")


def test_small_graphs_are_a_triangle_a_path_and_a_star() -> None:
    graphs = small_graphs()
    assert [g.num_nodes for g in graphs] == [3, 4, 5]
    assert [g.edge_index.shape[1] // 2 for g in graphs] == [3, 3, 4]
    for g in graphs:
        pairs = set(map(tuple, g.edge_index.t().tolist()))
        assert all((b, a) in pairs for a, b in pairs) and g.x.shape == (g.num_nodes, 1)
    assert int(torch.bincount(graphs[2].edge_index[0]).max()) == 4  # the star's centre


def test_a_batch_is_block_diagonal_and_its_batch_vector_says_where_each_node_came_from() -> None:
    batch = Batch.from_data_list(small_graphs())
    assert batch.batch.tolist() == [0] * 3 + [1] * 4 + [2] * 5 and batch.ptr.tolist() == [0, 3, 7, 12]
    adj = to_dense_adj(batch.edge_index, max_num_nodes=12)[0]
    for b in range(3):
        block = slice(int(batch.ptr[b]), int(batch.ptr[b + 1]))
        off_block = adj[block].clone()
        off_block[:, block] = 0
        assert off_block.sum() == 0  # no edge leaves its graph's block
    assert global_add_pool(batch.x, batch.batch).view(-1).tolist() == [3.0, 4.0, 5.0]


def test_plot_batch_draws_three_panels_and_outlines_one_block_per_graph() -> None:
    fig = plot_batch(Batch.from_data_list(small_graphs()))
    graphs_ax, adj_ax, vector_ax = fig.axes[:3]
    assert len(adj_ax.patches) == 3
    assert [t.get_text() for t in vector_ax.texts] == [str(b) for b in [0] * 3 + [1] * 4 + [2] * 5]


def test_plot_batch_copies_to_the_cpu_first() -> None:
    batch = Batch.from_data_list(small_graphs())
    moved = Batch.from_data_list(small_graphs())
    moved.edge_index, moved.batch = off_cpu(batch.edge_index), off_cpu(batch.batch)
    assert plot_batch(moved) is not None


def test_plot_batch_rejects_what_is_not_a_batch() -> None:
    with pytest.raises(TypeError, match="batch must be a torch_geometric Batch"):
        plot_batch(small_graphs()[0])
    batch = Batch.from_data_list(small_graphs())
    batch.edge_index = torch.cat([batch.edge_index, torch.tensor([[0], [11]])], dim=1)
    with pytest.raises(ValueError, match="joins nodes of two different graphs"):
        plot_batch(batch)
