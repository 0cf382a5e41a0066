"""gdl_teach.message_passing.baselines: logistic regression tuned on validation, label propagation."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from gdl_teach.data.convert import edge_index_from_networkx
from gdl_teach.message_passing import baselines


def test_logistic_regression_chooses_c_on_validation() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((80, 5))
    y = (x[:, 0] + 0.5 * rng.standard_normal(80) > 0).astype(int)
    model = baselines.logistic_regression(x[:40], y[:40], x[40:60], y[40:60], cs=(1e-4, 1.0))
    assert model.chosen_c == 1.0 and model.score(x[60:], y[60:]) >= 0.65
    assert baselines.logistic_regression(torch.as_tensor(x[:40]), torch.as_tensor(y[:40])).chosen_c == 1.0
    with pytest.raises(ValueError, match="x_train has 40 rows but y_train 39 labels"):
        baselines.logistic_regression(x[:40], y[:39])
    with pytest.raises(ValueError, match="cs must be a non-empty list of positive numbers"):
        baselines.logistic_regression(x[:40], y[:40], x[40:60], y[40:60], cs=(0.0,))


def test_label_propagation_follows_the_edges() -> None:
    edge_index = edge_index_from_networkx(nx.path_graph(6))
    y = torch.tensor([0, 0, 0, 1, 1, 1])
    train = torch.tensor([True, False, False, False, False, True])
    pred = baselines.label_propagation(edge_index, 6, y, train)
    assert pred.tolist() == [0, 0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match="train_mask must be a bool tensor"):
        baselines.label_propagation(edge_index, 6, y, train.long())
