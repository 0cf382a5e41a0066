"""The generated big graph of the scaling appendix."""
from __future__ import annotations

import pytest
import torch
from torch_geometric.utils import is_undirected

from gdl_teach.data import planted_partition


def test_planted_partition_graph() -> None:
    data = planted_partition.planted_partition_graph(num_nodes=4000, num_classes=5, avg_degree=12, homophily=0.7,
                                                     num_features=8, seed=1)
    assert data.x.shape == (4000, 8) and data.x.dtype == torch.float32 and data.y.max() == 4
    assert is_undirected(data.edge_index) and not bool((data.edge_index[0] == data.edge_index[1]).any())
    assert 11 < data.num_edges / 4000 < 12.5  # duplicates merged
    same = (data.y[data.edge_index[0]] == data.y[data.edge_index[1]]).float().mean()
    assert abs(float(same) - (0.7 + 0.3 / 5)) < 0.03  # planted edges plus random ones that land inside
    masks = data.train_mask.long() + data.val_mask.long() + data.test_mask.long()
    assert bool((masks == 1).all()) and int(data.train_mask.sum()) == 400
    again = planted_partition.planted_partition_graph(num_nodes=4000, num_classes=5, avg_degree=12, homophily=0.7,
                                                      num_features=8, seed=1)
    assert torch.equal(again.edge_index, data.edge_index) and torch.equal(again.x, data.x)


def test_planted_partition_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="homophily"):
        planted_partition.planted_partition_graph(num_nodes=100, homophily=1.5)
    with pytest.raises(ValueError, match="num_classes"):
        planted_partition.planted_partition_graph(num_nodes=10, num_classes=11)
