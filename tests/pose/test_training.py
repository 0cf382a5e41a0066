"""Training at a fixed number of steps: the loss falls, runs repeat, predictions come back on the CPU."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.pose import datasets, lifters, motions, training


@pytest.fixture(scope="module")
def data() -> datasets.LiftingSet:
    poses = motions.make_poses(300, seed=0)
    return datasets.make_lifting_set(poses.pos, poses.motion, seed=0)


def test_loss_falls_and_runs_repeat(data: datasets.LiftingSet) -> None:
    def run() -> tuple[list[float], torch.Tensor]:
        torch.manual_seed(0)
        model = lifters.MLPLifter(32)
        losses = training.train_lifter(model, data, num_steps=60, batch_size=64, seed=0, progress=False,
                                       device="cpu")
        return losses, training.predict(model, data, batch_size=100)

    losses, pred = run()
    assert sum(losses[-10:]) < sum(losses[:10])
    again, pred_again = run()
    assert losses == again and torch.equal(pred, pred_again)
    assert pred.shape == (300, 17, 3) and pred.device.type == "cpu"


def test_mpjpe_loss_is_in_metres() -> None:
    a = torch.zeros(2, 17, 3)
    assert float(training.mpjpe_loss(a + torch.tensor([0.0, 0.0, 500.0]), a)) == pytest.approx(0.5)


def test_errors_name_the_argument(data: datasets.LiftingSet) -> None:
    with pytest.raises(ValueError, match="num_steps must be >= 1"):
        training.train_lifter(lifters.MLPLifter(8), data, num_steps=0)
    with pytest.raises(ValueError, match="batch_size must be <= 300"):
        training.train_lifter(lifters.MLPLifter(8), data, batch_size=1000)
