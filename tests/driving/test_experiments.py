"""gdl_teach.driving.experiments: weights, IoU, every model trains and predicts, the comparison's tables."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from gdl_teach.driving import experiments, settings
from gdl_teach.driving.scene import NUM_CLASSES


def test_class_weights_favour_rare_classes_and_keep_the_average() -> None:
    labels = torch.tensor([0] * 90 + [1] * 9 + [2])
    w = experiments.class_weights(labels, 4)
    assert w[2] > w[1] > w[0]
    freq = torch.tensor([0.9, 0.09, 0.01, 0.0])
    assert float((freq * w).sum()) == pytest.approx(1.0, abs=1e-5)


def test_confusion_and_iou() -> None:
    target = torch.tensor([0, 0, 1, 1, 2])
    pred = torch.tensor([0, 1, 1, 1, 0])
    conf = experiments.confusion_matrix(pred, target, 4)
    assert conf.sum() == 5 and conf[0, 1] == 1 and conf[2, 0] == 1
    iou = experiments.iou_per_class(conf)
    assert iou[:3].tolist() == pytest.approx([1 / 3, 2 / 3, 0.0]) and np.isnan(iou[3])


@pytest.mark.parametrize("name", settings.MODEL_NAMES)
def test_every_model_trains_for_its_steps_and_labels_every_point(name, tiny, tiny_data) -> None:  # noqa: ANN001
    train, test = tiny_data
    model, seconds, seen = experiments.train(name, train, tiny, seed=0, weight=None, device=torch.device("cpu"))
    assert seconds > 0 and seen > 0 and not model.training
    pred = experiments.predict_labels(name, model, test)
    assert pred.shape == test.y.shape and int(pred.min()) >= 0 and int(pred.max()) < NUM_CLASSES
    again, _, _ = experiments.train(name, train, tiny, seed=0, weight=None, device=torch.device("cpu"))
    assert torch.equal(experiments.predict_labels(name, again, test), pred), "a seed repeats its run"


def test_compare_tables(tiny, tiny_data) -> None:  # noqa: ANN001
    train, test = tiny_data
    turned = experiments.prepare([s.rotated(90.0) for s in test.scans], tiny, test.scans[0].sensor, device="cpu")
    lines = []
    result = experiments.compare(train, {"as trained": test, "turned": turned}, tiny,
                                 models=("PointNet++", "MLP (xyz)"), device=torch.device("cpu"), log=lines.append)
    assert len(lines) == 2 and "parameters" in lines[0]
    assert list(result.table().index) == ["PointNet++", "MLP (xyz)"]
    assert list(result.robustness().columns) == ["as trained", "turned"]
    assert result.drops().loc["PointNet++", "turned"] == pytest.approx(0.0, abs=0.05), "invariant by design"
    summary = result.summary()
    assert "±" in summary.iloc[0, 0] and "labelled points seen per second" in summary.columns
    assert result.miou("MLP (xyz)").shape == (1,)
    paired = result.paired("PointNet++", "MLP (xyz)")
    assert paired["pairs"] == 1 and set(paired) == {"mean difference (points)", "wins", "pairs", "Wilcoxon p"}
    assert ("PointNet++", 0) in result.models


def test_errors_name_the_argument(tiny) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="name must be one of"):
        experiments.make_model("KPConv", tiny)


def test_turn_augmentation_and_per_class_iou(tiny, tiny_data) -> None:  # noqa: ANN001
    train, test = tiny_data
    model, _, _ = experiments.train("MLP (xyz)", train, tiny, seed=0, weight=None, device=torch.device("cpu"),
                                    turn_augment=True)
    table = experiments.per_class_iou("MLP (xyz)", model, test)
    assert list(table.index)[-1] == "mIoU" and len(table) == NUM_CLASSES + 1
    with pytest.raises(ValueError, match="turn_augment is implemented for the MLP"):
        experiments.train("PointNet", train, tiny, seed=0, weight=None, turn_augment=True)
