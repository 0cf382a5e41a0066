"""gdl_teach.epidemics.experiments: training the GNN, predictions on the CPU, the comparison table."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.epidemics import experiments


def test_training_is_seeded_and_restores_threads(splits: dict) -> None:
    threads = torch.get_num_threads()
    a, hist = experiments.train_risk_gnn(splits["train"], splits["val"], hidden_channels=8, epochs=2, seed=3,
                                         progress=False)
    b, _ = experiments.train_risk_gnn(splits["train"], splits["val"], hidden_channels=8, epochs=2, seed=3,
                                      progress=False)
    assert torch.get_num_threads() == threads
    assert hist.epochs >= 1
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    prob, y = experiments.predict_risk(a, splits["test"])
    n_sus = sum(int(d.mask.sum()) for d in splits["test"])
    assert prob.shape == y.shape == (n_sus,) and ((prob >= 0) & (prob <= 1)).all()
    snap = splits["test"][0]
    scores = experiments.risk_scores(a, snap)
    assert scores.shape == (snap.num_nodes,) and scores.device.type == "cpu"
    one_prob, one_y = experiments.predict_risk(a, snap)
    assert torch.allclose(one_prob, scores[snap.mask]) and torch.equal(one_y, snap.y[snap.mask])


def test_training_refuses_empty_splits(splits: dict) -> None:
    with pytest.raises(ValueError, match="at least one snapshot"):
        experiments.train_risk_gnn([], splits["val"], progress=False)


def test_risk_step_scores_only_the_susceptible(splits: dict) -> None:
    model, _ = experiments.train_risk_gnn(splits["train"], splits["val"], hidden_channels=4, epochs=1,
                                          progress=False)
    batch = experiments.batches(splits["val"], 2)[0]
    logit, y = experiments.risk_step(model, batch, "val")
    assert logit.shape == y.shape == (int(batch.mask.sum()),)


def test_score_table() -> None:
    y = torch.tensor([0.0, 1.0, 0.0, 1.0])
    table = experiments.score_table({"a": (torch.tensor([0.1, 0.9, 0.4, 0.3]), y), "perfect": (y.double(), y)})
    assert list(table.columns) == ["ROC-AUC", "Brier"]
    assert table.loc["perfect", "ROC-AUC"] == 1.0 and table.loc["perfect", "Brier"] == 0.0
    assert table.loc["a", "ROC-AUC"] == 0.75
    with pytest.raises(ValueError, match="predictions"):
        experiments.score_table({})


def test_training_starts_from_the_base_rate(splits: dict) -> None:
    """The head's bias starts at the logit of the training infection rate (a tiny lr keeps it there)."""
    import math

    rate = float(torch.cat([d.y[d.mask] for d in splits["train"]]).mean())
    model, _ = experiments.train_risk_gnn(splits["train"], splits["val"], hidden_channels=4, epochs=1, lr=1e-12,
                                          progress=False)
    assert model.conv == "graph"
    assert abs(float(model.head.bias.detach()) - math.log(rate / (1 - rate))) < 1e-6
    nobody = [d.clone() for d in splits["train"]]
    for d in nobody:
        d.y = torch.zeros_like(d.y)
    with pytest.raises(ValueError, match="both infected and not-infected"):
        experiments.train_risk_gnn(nobody, splits["val"], epochs=1, progress=False)
