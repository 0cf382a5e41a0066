"""Metrics: known values, scikit-learn agreement, errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from gdl_teach.core.metrics import accuracy, brier, mae, r2, rmse, roc_auc


def test_metrics_against_known_values() -> None:
    assert accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1])) == 0.5
    assert rmse(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0])) == pytest.approx(5 ** 0.5)
    assert mae(torch.tensor([1.0, -3.0]), torch.tensor([0.0, 0.0])) == 2.0
    assert r2(torch.tensor([1.0, 2, 3]), torch.tensor([1.0, 2, 3])) == 1.0
    assert roc_auc(torch.tensor([0.1, 0.4, 0.35, 0.8]), torch.tensor([0, 0, 1, 1])) == 0.75
    assert roc_auc(torch.tensor([0.5, 0.5]), torch.tensor([0, 1])) == 0.5
    assert brier(torch.tensor([1.0, 0.0]), torch.tensor([1, 1])) == 0.5
    with pytest.raises(ValueError, match="both classes"):
        roc_auc(torch.tensor([0.1, 0.2]), torch.tensor([1, 1]))
    with pytest.raises(ValueError, match="same length"):
        rmse(torch.zeros(3), torch.zeros(2))
    with pytest.raises(ValueError, match="prob must be probabilities"):
        brier(torch.tensor([1.5]), torch.tensor([1]))


def test_metrics_agree_with_scikit_learn_in_its_argument_order() -> None:
    g = torch.Generator().manual_seed(0)
    target = torch.randint(0, 2, (200,), generator=g)
    score = torch.rand(200, generator=g)
    assert roc_auc(score, target) == pytest.approx(skm.roc_auc_score(target.numpy(), score.numpy()))
    assert brier(score, target) == pytest.approx(skm.brier_score_loss(target.numpy(), score.numpy()))
    y, p = torch.randn(50, generator=g), torch.randn(50, generator=g)
    assert r2(p, y) == pytest.approx(skm.r2_score(y.numpy(), p.numpy()))
    assert r2(p, y) != pytest.approx(r2(y, p)), "the order matters, and it is (pred, target)"
    assert rmse(p.view(-1, 1), y) == pytest.approx(float(np.sqrt(np.mean((p.numpy() - y.numpy()) ** 2))))


def test_metrics_refuse_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="one value per example"):
        rmse(torch.zeros(4, 2), torch.zeros(4))
    with pytest.raises(ValueError, match="binary labels"):
        roc_auc(torch.rand(3), torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"\(N, C\) scores"):
        accuracy(torch.zeros(4, 2, 3), torch.zeros(4, dtype=torch.long))
