"""The comparison: five models trained at an equal budget on the same scans, scored per class on held-out scans.

Every model is trained live for the fixed number of steps of the lesson's
settings, with the same class-weighted cross-entropy and learning rate, once per
seed; then each is asked to label every point of the test scans, under the
sensor it was trained with and under changes it never saw.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from gdl_teach.core.device import get_device
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.training import fit
from gdl_teach.driving import batches as bt
from gdl_teach.driving import projections
from gdl_teach.driving.lidar import Scan, Sensor
from gdl_teach.driving.models import UNet
from gdl_teach.driving.scene import CLASSES, NUM_CLASSES
from gdl_teach.driving.settings import MODEL_NAMES, Settings
from gdl_teach.nn.mlp import MLP
from gdl_teach.nn.pointnet import PointNet
from gdl_teach.nn.pointnet2 import PointNet2


def make_model(name: str, cfg: Settings) -> nn.Module:
    """A fresh model of the comparison: one of :data:`~gdl_teach.driving.settings.MODEL_NAMES`."""
    if name == "MLP (xyz)":
        return MLP(3, (64, 64), NUM_CLASSES)
    if name == "PointNet":
        return PointNet(3, NUM_CLASSES, hidden_channels=64, global_channels=128)
    if name == "PointNet++":
        # positions only as (horizontal distance, height difference) to each centre: see the lesson
        return PointNet2(0, NUM_CLASSES, hidden_channels=32, ratios=(0.1, 0.25), radii=(1.0, 3.0),
                         offsets="cylindrical")
    if name == "range U-Net":
        return UNet(len(bt.RANGE_INPUTS), NUM_CLASSES, cfg.unet_channels, wrap_columns=True)
    if name == "BEV U-Net":
        return UNet(5, NUM_CLASSES, cfg.unet_channels)
    raise ValueError(f"name must be one of {list(MODEL_NAMES)}, got {name!r}")


def class_weights(labels: torch.Tensor, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """Inverse square-root frequency weights, scaled so that the average point keeps weight 1.

    Rare classes (poles, pedestrians: about 1% of the points each) weigh about
    ten times more than the road; without weights a model can ignore them and
    lose little loss.

    Args:
        labels: (N,) class labels of the training points.

    Returns:
        (num_classes,) float weights.
    """
    freq = torch.bincount(labels, minlength=num_classes).double() / labels.numel()
    w = 1.0 / freq.clamp_min(1e-6).sqrt()
    return (w / (freq * w).sum()).float()


def _mlp_step(model: nn.Module, batch: tuple, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    pos, y = batch
    return model(pos), y


def _turned_mlp_step(model: nn.Module, batch: tuple, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The MLP's step on a copy of the batch turned by a random angle about the vertical axis (augmentation)."""
    pos, y = batch
    if split == "train":
        angle = torch.rand((), device=pos.device) * 2 * torch.pi
        c, s = torch.cos(angle), torch.sin(angle)
        pos = torch.stack([c * pos[:, 0] - s * pos[:, 1], s * pos[:, 0] + c * pos[:, 1], pos[:, 2]], dim=1)
    return model(pos), y


def _pointnet_step(model: nn.Module, batch: bt.SectorBatch, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    return model(batch.pos, batch.batch), batch.y


def _pointnet2_step(model: nn.Module, batch: bt.SectorBatch, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    return model(None, batch.pos, batch.batch, batch.graph), batch.y


def _unet_step(model: nn.Module, batch: tuple, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    x, y = batch
    keep = y >= 0  # empty pixels and cells have no label
    return model(x).permute(0, 2, 3, 1)[keep], y[keep]


STEPS: dict[str, Callable] = {"MLP (xyz)": _mlp_step, "PointNet": _pointnet_step, "PointNet++": _pointnet2_step,
                              "range U-Net": _unet_step, "BEV U-Net": _unet_step}


@dataclass
class ScanSet:
    """A list of scans prepared once for every model: sectors with graphs, range images, BEV grids."""

    scans: list[Scan]
    y: torch.Tensor
    sector_batches: list[bt.SectorBatch]
    range: tuple
    bev: tuple

    @property
    def sizes(self) -> list[int]:
        """Points of each scan (to split concatenated predictions)."""
        return [s.num_points for s in self.scans]


def prepare(scans: Sequence[Scan], cfg: Settings, projection: Sensor, *, shuffle_seed: int = -1,
            device: torch.device | str | None = None) -> ScanSet:
    """Compute every model's input for ``scans`` once (graphs, images, grids).

    Args:
        scans: the scans.
        cfg: the lesson's settings.
        projection: the sensor whose grid the range image uses (the training sensor's, for
            every test: the model's input pipeline does not change with the car).
        shuffle_seed: >= 0 shuffles the sectors into training batches; -1 keeps one batch per scan.
        device: where the tensors go.
    """
    device = torch.device(device) if device is not None else get_device()
    template = make_model("PointNet++", cfg).to(device)
    per_batch = cfg.sectors_per_batch if shuffle_seed >= 0 else cfg.num_sectors
    sector_batches = bt.sector_batches(scans, cfg.num_sectors, per_batch, graph_model=template, device=device,
                                       seed=shuffle_seed)
    return ScanSet(list(scans), torch.cat([s.y for s in scans]), sector_batches, bt.range_inputs(scans, projection),
                   bt.bev_inputs(scans, cfg.bev_extent, cfg.bev_cell))


def training_batches(name: str, data: ScanSet, cfg: Settings, seed: int, device: torch.device) -> list:
    """The schedule of ``cfg.steps[name]`` mini-batches one training run of ``name`` steps through."""
    if name == "MLP (xyz)":
        pool = bt.point_batches(data.scans, cfg.points_per_batch, seed, device)
    elif name in ("PointNet", "PointNet++"):
        pool = data.sector_batches
    else:
        wrap = name == "range U-Net"
        images, labels, _ = data.range if wrap else data.bev
        return bt.image_schedule(images, labels, cfg.steps[name], cfg.range_batch if wrap else cfg.bev_batch,
                                 cfg.range_crop if wrap else cfg.bev_crop, seed, wrap_columns=wrap, device=device)
    return bt.schedule(pool, cfg.steps[name], seed)


def _clock(device: torch.device) -> float:
    """CPU seconds of this process on the CPU (robust on a shared machine), wall seconds on a GPU."""
    if device.type == "cuda":
        torch.cuda.synchronize()
        return time.perf_counter()
    return time.process_time()


def train(name: str, data: ScanSet, cfg: Settings, seed: int, weight: torch.Tensor | None,
          device: torch.device | None = None, turn_augment: bool = False) -> tuple[nn.Module, float, int]:
    """Train a fresh ``name`` for its fixed steps; return the model, the seconds it took and the points it saw.

    With ``turn_augment=True`` (the MLP only) every training batch is turned by a random angle about the
    vertical axis: the symmetry handed to a model that does not have it.
    """
    if turn_augment and name != "MLP (xyz)":
        raise ValueError(f"turn_augment is implemented for the MLP (xyz) only, got name={name!r}")
    device = device or get_device()
    seed_everything(seed)
    model = make_model(name, cfg)
    plan = training_batches(name, data, cfg, seed, device)
    w = None if weight is None else weight.to(device)
    start = _clock(device)
    fit(model, plan, None, loss_fn=lambda p, t: F.cross_entropy(p, t, weight=w), epochs=1, lr=cfg.lr[name],
        step=_turned_mlp_step if turn_augment else STEPS[name], device=device, progress=False)
    seconds = _clock(device) - start
    seen = sum(int((b[1] >= 0).sum()) if isinstance(b, tuple) else b.y.numel() for b in plan)
    return model.eval(), seconds, seen


@torch.no_grad()
def predict_labels(name: str, model: nn.Module, data: ScanSet) -> torch.Tensor:
    """Predicted class of every point of ``data`` (scans concatenated): (N,) long, on the CPU."""
    model.eval()
    if name == "MLP (xyz)":
        device = next(model.parameters()).device
        return torch.cat([model(s.pos.to(device)).argmax(1).cpu() for s in data.scans])
    if name in ("PointNet", "PointNet++"):
        out = torch.empty(data.y.shape[0], dtype=torch.long)
        for b in data.sector_batches:
            logits = model(b.pos, b.batch) if name == "PointNet" else model(None, b.pos, b.batch, b.graph)
            out[b.order.cpu()] = logits.argmax(1).cpu()
        return out
    images, _, where = data.range if name == "range U-Net" else data.bev
    device = next(model.parameters()).device
    preds = []
    for k in range(len(data.scans)):
        scores = model(images[k:k + 1].to(device))[0].argmax(0, keepdim=True).float()
        back = projections.image_to_points(scores, *where[k]) if name == "range U-Net" \
            else projections.grid_to_points(scores, where[k])
        preds.append(back[:, 0].long().cpu())
    return torch.cat(preds)


def confusion_matrix(pred: torch.Tensor, target: torch.Tensor, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """(C, C) counts, rows the true class, columns the predicted one."""
    return torch.bincount(target * num_classes + pred, minlength=num_classes**2).reshape(num_classes, num_classes)


def iou_per_class(confusion: torch.Tensor) -> np.ndarray:
    """Intersection over union of each class, ``TP / (TP + FP + FN)``; NaN for a class absent from both."""
    c = confusion.double()
    tp = c.diagonal()
    union = c.sum(0) + c.sum(1) - tp
    return torch.where(union > 0, tp / union.clamp_min(1), torch.full_like(tp, float("nan"))).numpy()


def per_class_iou(name: str, model: nn.Module, data: ScanSet) -> pd.Series:
    """IoU (%) of each class and their mean (mIoU) for ``model`` (one of the comparison's) on ``data``."""
    iou = 100 * iou_per_class(confusion_matrix(predict_labels(name, model, data), data.y))
    return pd.Series([*iou, np.nanmean(iou)], index=[*CLASSES, "mIoU"]).round(1)


@dataclass
class Comparison:
    """What :func:`compare` measured: one row per (model, seed, test condition), the training cost,
    and the mIoU of each test scan (for paired comparisons)."""

    runs: pd.DataFrame
    cost: pd.DataFrame
    per_scan: pd.DataFrame
    models: dict[tuple[str, int], nn.Module] = field(default_factory=dict)

    def table(self, condition: str = "as trained") -> pd.DataFrame:
        """mIoU mean and std over seeds, and the mean IoU of each class, for one test condition."""
        rows = self.runs[self.runs.condition == condition]
        agg = rows.groupby("model", sort=False)
        out = pd.DataFrame({"mIoU mean": agg["mIoU"].mean(), "mIoU std": agg["mIoU"].std(ddof=1)})
        return (pd.concat([out, agg[list(CLASSES)].mean()], axis=1) * 100).round(1)

    def robustness(self) -> pd.DataFrame:
        """Mean mIoU (%) of each model under each test condition."""
        pivot = self.runs.pivot_table(index="model", columns="condition", values="mIoU", aggfunc="mean", sort=False)
        return (pivot[list(dict.fromkeys(self.runs.condition))] * 100).round(1)

    def drops(self, reference: str = "as trained") -> pd.DataFrame:
        """mIoU points each model loses under each other condition (negative: it gains)."""
        table = self.robustness()
        return table.drop(columns=reference).rsub(table[reference], axis=0).round(1)

    def summary(self, condition: str = "as trained") -> pd.DataFrame:
        """The claim table: mIoU as mean +- std over seeds, the training cost, and points seen per CPU-second."""
        t = self.table(condition)
        out = pd.DataFrame({f"mIoU % ({len(self.runs.seed.unique())} seeds)":
                            [f"{m:.1f} ± {s:.1f}" for m, s in zip(t["mIoU mean"], t["mIoU std"])]}, index=t.index)
        cost = self.cost.loc[t.index]
        out["parameters"] = cost["parameters"]
        out["steps"] = cost["steps"]
        out["seconds per run"] = cost["seconds per run"].round(1)
        out["labelled points seen per second"] = (cost["points seen"] / cost["seconds per run"]).round(-3).astype(int)
        return out

    def paired(self, model_a: str, model_b: str, condition: str = "as trained") -> dict[str, float]:
        """Paired comparison over (seed, test scan): mean mIoU difference a - b, wins of a, Wilcoxon p-value."""
        from scipy.stats import wilcoxon

        rows = self.per_scan[self.per_scan.condition == condition]
        a = rows[rows.model == model_a].sort_values(["seed", "scan"])["mIoU"].to_numpy()
        b = rows[rows.model == model_b].sort_values(["seed", "scan"])["mIoU"].to_numpy()
        diff = a - b
        p = float(wilcoxon(a, b).pvalue) if np.any(diff != 0) else 1.0
        return {"mean difference (points)": round(float(100 * diff.mean()), 1), "wins": int((diff > 0).sum()),
                "pairs": len(diff), "Wilcoxon p": round(p, 4)}

    def miou(self, model: str, condition: str = "as trained") -> np.ndarray:
        """mIoU of ``model`` under ``condition``, one value per seed (in seed order)."""
        rows = self.runs[(self.runs.model == model) & (self.runs.condition == condition)].sort_values("seed")
        return rows["mIoU"].to_numpy()


def compare(train_data: ScanSet, test_sets: dict[str, ScanSet], cfg: Settings, *, models: Sequence[str] = MODEL_NAMES,
            weight: torch.Tensor | None = None, device: torch.device | None = None,
            log: Callable[[str], None] | None = print) -> Comparison:
    """Train each model once per seed of ``cfg`` and score it on every test set.

    Args:
        train_data: prepared training scans (see :func:`prepare`).
        test_sets: condition name -> prepared test scans; the first is the plain held-out test.
        cfg: settings (seeds, steps, sizes).
        models: which of :data:`~gdl_teach.driving.settings.MODEL_NAMES` to train.
        weight: class weights of the cross-entropy (None: unweighted).
        device: where to train.
        log: called with one line per model (None: silent).
    """
    device = device or get_device()
    rows, cost, trained, per_scan = [], [], {}, []
    for name in models:
        seconds = []
        for seed in cfg.seeds:
            model, secs, seen = train(name, train_data, cfg, seed, weight, device)
            seconds.append(secs)
            trained[(name, seed)] = model
            for condition, data in test_sets.items():
                pred = predict_labels(name, model, data)
                iou = iou_per_class(confusion_matrix(pred, data.y))
                rows.append({"model": name, "seed": seed, "condition": condition, "mIoU": float(np.nanmean(iou)),
                             **dict(zip(CLASSES, iou))})
                for k, (p, t) in enumerate(zip(pred.split(data.sizes), data.y.split(data.sizes))):
                    per_scan.append({"model": name, "seed": seed, "condition": condition, "scan": k,
                                     "mIoU": float(np.nanmean(iou_per_class(confusion_matrix(p, t))))})
        params = sum(p.numel() for p in model.parameters())
        cost.append({"model": name, "parameters": params, "steps": cfg.steps[name], "points seen": seen,
                     "seconds per run": float(np.mean(seconds))})
        if log is not None:
            miou = np.mean([r["mIoU"] for r in rows if r["model"] == name and r["condition"] == next(iter(test_sets))])
            log(f"{name:12s} {params:7d} parameters, {cfg.steps[name]:4d} steps, {np.mean(seconds):5.1f} s per run, "
                f"test mIoU {100 * miou:.1f}")
    return Comparison(pd.DataFrame(rows), pd.DataFrame(cost).set_index("model"), pd.DataFrame(per_scan), trained)
