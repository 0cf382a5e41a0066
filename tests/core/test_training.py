"""fit / evaluate on full-batch and mini-batch data, early stopping, errors; metrics."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch_geometric.data import Data

from gdl_teach import seed_everything
from gdl_teach.core.metrics import accuracy, brier, mae, r2_score, rmse, roc_auc
from gdl_teach.core.training import default_step, evaluate, fit
from gdl_teach.nn.mlp import MLP


class NodeMLP(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.mlp = MLP(2, (16,), 2)

    def forward(self, data: Data) -> torch.Tensor:
        return self.mlp(data.x)


def _blobs(n: int = 200) -> Data:
    g = torch.Generator().manual_seed(0)
    y = torch.randint(0, 2, (n,), generator=g)
    x = torch.randn(n, 2, generator=g) * 0.5 + y.unsqueeze(1).float() * 2
    mask = torch.rand(n, generator=g)
    return Data(x=x, y=y, train_mask=mask < 0.6, val_mask=(mask >= 0.6) & (mask < 0.8), test_mask=mask >= 0.8)


def test_fit_learns_a_separable_task_full_batch() -> None:
    seed_everything(0)
    data, model = _blobs(), NodeMLP()
    hist = fit(model, data, data, loss_fn=F.cross_entropy, epochs=60, lr=0.05, metric=accuracy,
               higher_is_better=True, progress=False, device="cpu")
    assert hist.epochs == 60 and len(hist.val_metric) == 60
    assert hist.train_loss[-1] < hist.train_loss[0] / 3
    assert evaluate(model, data, accuracy, split="test") > 0.95


def test_fit_is_deterministic_with_seed() -> None:
    losses = []
    for _ in range(2):
        seed_everything(1)
        hist = fit(NodeMLP(), _blobs(), loss_fn=F.cross_entropy, epochs=5, progress=False, device="cpu")
        losses.append(hist.train_loss)
    assert losses[0] == losses[1]


def test_early_stopping_restores_best_weights() -> None:
    seed_everything(0)
    data, model = _blobs(), NodeMLP()
    hist = fit(model, data, data, loss_fn=F.cross_entropy, epochs=500, lr=0.5, patience=5, progress=False, device="cpu")
    assert hist.stopped_early and hist.epochs < 500
    best = min(hist.val_loss)
    assert abs(evaluate(model, data, loss_fn=F.cross_entropy, split="val") - best) < 1e-5


def test_fit_on_a_list_of_minibatches() -> None:
    seed_everything(0)
    full = _blobs()
    batches = [Data(x=full.x[i:i + 50], y=full.y[i:i + 50]) for i in range(0, 200, 50)]
    model = NodeMLP()
    hist = fit(model, batches[:3], batches[3:], loss_fn=F.cross_entropy, epochs=30, lr=0.05, progress=False, device="cpu")
    assert hist.val_loss[-1] < hist.val_loss[0]
    assert evaluate(model, batches[3:], accuracy) > 0.9


def test_fit_rejects_bad_arguments() -> None:
    data = _blobs()
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        fit(lambda d: d, data, loss_fn=F.cross_entropy)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        fit(NodeMLP(), data, loss_fn=F.cross_entropy, epochs=0)
    with pytest.raises(ValueError, match="lr must be > 0"):
        fit(NodeMLP(), data, loss_fn=F.cross_entropy, lr=0)
    with pytest.raises(ValueError, match="patience needs val_data"):
        fit(NodeMLP(), data, loss_fn=F.cross_entropy, patience=3)
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        fit(NodeMLP(), data, loss_fn="mse")  # type: ignore[arg-type]
    with pytest.raises(FloatingPointError, match="smaller lr"):
        fit(NodeMLP(), data, loss_fn=lambda p, t: (p.sum() * float("inf")), epochs=1, progress=False, device="cpu")
    with pytest.raises(ValueError, match="give metric or loss_fn"):
        evaluate(NodeMLP(), data)


def test_default_step_uses_masks() -> None:
    data = _blobs()
    pred, target = default_step(NodeMLP(), data, "val")
    assert pred.shape[0] == int(data.val_mask.sum()) == target.shape[0]


def test_metrics_against_known_values() -> None:
    assert accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1])) == 0.5
    assert rmse(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0])) == pytest.approx(5 ** 0.5)
    assert mae(torch.tensor([1.0, -3.0]), torch.tensor([0.0, 0.0])) == 2.0
    assert r2_score(torch.tensor([1.0, 2, 3]), torch.tensor([1.0, 2, 3])) == 1.0
    assert roc_auc(torch.tensor([0.1, 0.4, 0.35, 0.8]), torch.tensor([0, 0, 1, 1])) == 0.75
    assert roc_auc(torch.tensor([0.5, 0.5]), torch.tensor([0, 1])) == 0.5
    assert brier(torch.tensor([1.0, 0.0]), torch.tensor([1, 1])) == 0.5
    with pytest.raises(ValueError, match="both classes"):
        roc_auc(torch.tensor([0.1, 0.2]), torch.tensor([1, 1]))
    with pytest.raises(ValueError, match="same length"):
        rmse(torch.zeros(3), torch.zeros(2))
    with pytest.raises(ValueError, match="prob must be probabilities"):
        brier(torch.tensor([1.5]), torch.tensor([1]))


def test_mlp_errors() -> None:
    with pytest.raises(TypeError, match="hidden_channels must be a sequence"):
        MLP(2, 16, 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"x must have shape \(N, 2\)"):
        MLP(2, (4,), 1)(torch.zeros(3, 5))
