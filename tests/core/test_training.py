"""fit / evaluate on full-batch and mini-batch data, early stopping, errors; metrics."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch_geometric.data import Data

from gdl_teach import seed_everything
from gdl_teach.core.batches import ShuffledBatches
from gdl_teach.core.metrics import accuracy
from gdl_teach.core.training import check_prediction, default_step, evaluate, fit, predict, to_device
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


def test_mlp_errors() -> None:
    with pytest.raises(TypeError, match="hidden_channels must be a sequence"):
        MLP(2, 16, 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"x must have shape \(N, 2\)"):
        MLP(2, (4,), 1)(torch.zeros(3, 5))


def test_fit_refuses_empty_training_data() -> None:
    with pytest.raises(ValueError, match="train_data holds no batch"):
        fit(NodeMLP(), [], loss_fn=F.cross_entropy, epochs=1, progress=False, device="cpu")
    empty_loader = torch.utils.data.DataLoader([], batch_size=4)
    with pytest.raises(ValueError, match="train_data holds no batch"):
        fit(NodeMLP(), empty_loader, loss_fn=F.cross_entropy, epochs=1, progress=False, device="cpu")
    data = _blobs()
    data.train_mask = torch.zeros_like(data.train_mask)
    with pytest.raises(ValueError, match="gave no example"):
        fit(NodeMLP(), data, loss_fn=F.cross_entropy, epochs=1, progress=False, device="cpu")


def test_fit_refuses_predictions_that_would_broadcast() -> None:
    class Regressor(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = torch.nn.Linear(2, 1)

        def forward(self, data: Data) -> torch.Tensor:
            return self.lin(data.x).squeeze(-1)  # (N,)

    data = Data(x=torch.randn(8, 2), y=torch.randn(8, 1))  # (N, 1): mse_loss would broadcast to (N, N)
    with pytest.raises(ValueError, match=r"pred of shape \(8,\) and target of shape \(8, 1\)"):
        fit(Regressor(), data, loss_fn=F.mse_loss, epochs=1, progress=False, device="cpu")
    check_prediction(torch.zeros(4, 3), torch.zeros(4, dtype=torch.long))  # class scores vs labels: fine
    check_prediction(torch.zeros(2, 5, 7, 9), torch.zeros(2, 7, 9, dtype=torch.long))  # per-pixel labels: fine


def test_fit_warns_once_when_the_loss_explodes() -> None:
    seed_everything(0)
    data = Data(x=torch.randn(64, 2), y=torch.randn(64, 1))
    model = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))

    class Step:
        def __call__(self, m, batch, split):  # noqa: ANN001, ANN204
            return m(batch.x), batch.y

    with pytest.warns(RuntimeWarning, match="smaller learning rate") as record:
        try:
            fit(model, data, loss_fn=F.mse_loss, epochs=30, lr=5.0, optimizer=torch.optim.SGD(model.parameters(), lr=5.0),
                step=Step(), progress=False, device="cpu")
        except FloatingPointError:
            pass  # it may go on to overflow; the warning came first
    assert sum("smaller learning rate" in str(w.message) for w in record) == 1


def test_batches_are_copied_to_the_device_not_moved_in_place() -> None:
    data = _blobs()
    moved = to_device(data, torch.device("meta"))
    assert moved.x.device.type == "meta" and data.x.device.type == "cpu", "the learner's Data must stay put"
    assert to_device(data, torch.device("cpu")) is data  # nothing to move: no copy
    pair = to_device((data.x, data.y), torch.device("meta"))
    assert pair[0].device.type == "meta" and data.x.device.type == "cpu"


def test_predict_runs_where_the_model_is() -> None:
    model = NodeMLP().to("meta")
    pred_device = []

    def step(m, batch, split):  # noqa: ANN001, ANN202
        pred_device.append(batch.x.device.type)
        return m(batch), batch.y

    with pytest.raises(NotImplementedError):  # meta tensors cannot be copied back to the CPU
        predict(model, _blobs(), step=step)
    assert pred_device == ["meta"]


def test_shuffled_batches_set_epoch_restarts_the_shuffles() -> None:
    graphs = [Data(x=torch.full((2, 1), float(i)), edge_index=torch.zeros(2, 0, dtype=torch.long)) for i in range(6)]
    loader = ShuffledBatches(graphs, batch_size=2, num_orders=3, seed=0)
    first = [b.x.view(-1).tolist() for b in loader]
    second = [b.x.view(-1).tolist() for b in loader]
    loader.set_epoch(0)
    assert [b.x.view(-1).tolist() for b in loader] == first and first != second
