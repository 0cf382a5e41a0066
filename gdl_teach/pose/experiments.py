"""The lesson's comparisons: lifters trained at equal budgets, scored over seeds and test conditions.

Every model of a comparison gets the same training examples, the same number
of optimiser steps, batch size and learning rate, and (up to rounding) the
same number of parameters; every seed re-draws the initial weights and the
batch order. The test conditions are fixed sets of examples that no model
trained on (:func:`make_conditions`).
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import torch
from scipy import stats
from torch import nn

from gdl_teach.core.seed import seed_everything
from gdl_teach.core.validate import check_int
from gdl_teach.pose.camera import CameraRanges
from gdl_teach.pose.datasets import LiftingSet, make_lifting_set, view_bins
from gdl_teach.pose.lifters import count_parameters, make_lifter
from gdl_teach.pose.metrics import bone_length_error, mpjpe, p_mpjpe
from gdl_teach.pose.motions import make_poses
from gdl_teach.pose.skeleton import BONES
from gdl_teach.pose.training import predict, train_lifter

#: cameras of the "unseen views" test: high up, looking down (training stays below 30 degrees).
HIGH_VIEWS = CameraRanges(elevation=(45.0, 70.0))


@dataclass(frozen=True)
class LifterSpec:
    """One model of a comparison: ``kind`` (mlp, gcn, sem), parameter ``budget``, ``output`` space, learning rate.

    The learning rate is the model's own, chosen beforehand on a validation set
    (other poses, other cameras) from the same grid for every model.
    """

    kind: str
    budget: int
    output: str = "joints"
    lr: float = 1e-2


#: learning rates chosen on a validation set (other poses and cameras, 400 steps of 128, seed 0) from the grid
#: 0.003, 0.01, 0.03, 0.1, the same grid for every model; the CPU setting trains 300 steps with these rates.
LEARNING_RATES = {"mlp": 3e-2, "mlp-bones": 3e-2, "mlp-5x": 1e-2, "gcn": 3e-2, "sem": 3e-2}


def lesson_specs(budget: int) -> dict[str, LifterSpec]:
    """The models of the lesson's claim, at ``budget`` parameters (the last one at 5 times that)."""
    lr = LEARNING_RATES
    return {
        "MLP": LifterSpec("mlp", budget, lr=lr["mlp"]),
        "MLP, bones + FK": LifterSpec("mlp", budget, "bones", lr=lr["mlp-bones"]),
        "GCN": LifterSpec("gcn", budget, lr=lr["gcn"]),
        "SemGCN": LifterSpec("sem", budget, lr=lr["sem"]),
        "MLP, 5x parameters": LifterSpec("mlp", 5 * budget, lr=lr["mlp-5x"]),
    }


def make_conditions(num_poses: int = 2000, clips: dict[str, torch.Tensor] | None = None,
                    seed: int = 1) -> dict[str, LiftingSet]:
    """The test sets: held-out poses, unseen (high) views, 3 occluded joints, 10 px noise, real mocap.

    Args:
        num_poses: synthetic test poses (new people, new poses; drawn with another seed than training).
        clips: real clips, name -> (F, 17, 3) mm (:func:`~gdl_teach.pose.mocap.load_clips`); the
            ``"real mocap"`` condition is left out when ``None`` or empty.
        seed: seed of the poses and cameras.
    """
    num_poses = check_int("num_poses", num_poses, min_value=16)
    poses = make_poses(num_poses, seed=seed + 1000)
    conditions = {
        "held-out": make_lifting_set(poses.pos, poses.motion, seed=seed),
        "unseen views": make_lifting_set(poses.pos, poses.motion, ranges=HIGH_VIEWS, seed=seed + 1),
        "3 occluded": make_lifting_set(poses.pos, poses.motion, num_occluded=3, seed=seed + 2),
        "10 px noise": make_lifting_set(poses.pos, poses.motion, pixel_noise=10.0, seed=seed + 3),
    }
    if clips:
        real = torch.cat(list(clips.values()))
        conditions["real mocap"] = make_lifting_set(real, seed=seed + 4)
    return conditions


def zero_depth(data: LiftingSet) -> torch.Tensor:
    """The "depth-blind" reference: the true x and y of every joint, depth equal to the pelvis's: (N, 17, 3).

    It knows more than any lifter (the metric x and y) and only lacks depth;
    its error is the part of MPJPE that the missing depth alone causes.
    """
    return data.target * torch.tensor([1.0, 1.0, 0.0])


def zero_depth_scores(conditions: dict[str, LiftingSet]) -> pd.DataFrame:
    """MPJPE and P-MPJPE of :func:`zero_depth` on every condition: the error that missing depth alone causes."""
    rows = {name: score(zero_depth(data), data) for name, data in conditions.items()}
    return pd.DataFrame(rows).loc[["MPJPE", "P-MPJPE"]].round(1)


def score(pred: torch.Tensor, data: LiftingSet) -> dict[str, float]:
    """MPJPE, P-MPJPE and bone-length error (mm) of predictions on a test set."""
    return {"MPJPE": mpjpe(pred, data.target), "P-MPJPE": p_mpjpe(pred, data.target),
            "bone error": bone_length_error(pred, data.target, list(BONES))}


def train_and_score(spec: LifterSpec, train: LiftingSet, conditions: dict[str, LiftingSet], seed: int,
                    num_steps: int, batch_size: int) -> tuple[list[dict[str, object]], nn.Module]:
    """Train one model with one seed: one row per test condition (plus parameters and CPU seconds), and the model."""
    seed_everything(seed)
    model = make_lifter(spec.kind, spec.budget, spec.output)
    start = time.process_time()
    train_lifter(model, train, num_steps=num_steps, batch_size=batch_size, lr=spec.lr, seed=seed, progress=False)
    seconds = time.process_time() - start
    model.cpu()
    rows = []
    for name, data in conditions.items():
        rows.append({"seed": seed, "condition": name, "parameters": count_parameters(model),
                     "train CPU s": seconds, **score(predict(model, data), data)})
    return rows, model


@dataclass
class Comparison:
    """What :func:`compare` returns: the long table of scores and every trained model by (name, seed)."""

    results: pd.DataFrame
    models: dict[tuple[str, int], nn.Module]


def compare(specs: dict[str, LifterSpec], train: LiftingSet, conditions: dict[str, LiftingSet],
            seeds: Sequence[int] = (0, 1, 2, 3, 4), num_steps: int = 400, batch_size: int = 128) -> Comparison:
    """Train every model with every seed at the same budget; a long table of scores and the models.

    Args:
        specs: model name -> :class:`LifterSpec`.
        train: training examples (shared by all models).
        conditions: test sets (:func:`make_conditions`).
        seeds: one training run per seed and model.
        num_steps, batch_size: the budget, equal for every model (each trains at its own ``spec.lr``).

    Returns:
        A :class:`Comparison`; its ``results`` has columns model, seed, condition, parameters,
        train CPU s, MPJPE, P-MPJPE, bone error.
    """
    from tqdm.auto import tqdm

    rows, models = [], {}
    runs = [(name, spec, seed) for name, spec in specs.items() for seed in seeds]
    for name, spec, seed in tqdm(runs, desc="training lifters", leave=False):
        scored, models[(name, seed)] = train_and_score(spec, train, conditions, seed, num_steps, batch_size)
        rows += [{"model": name, **r} for r in scored]
    return Comparison(pd.DataFrame(rows), models)


def per_view(model: nn.Module, data: LiftingSet) -> dict[str, float]:
    """MPJPE of a model on the front, side and back views of a test set (see :func:`~gdl_teach.pose.datasets.view_bins`)."""
    pred = predict(model, data)
    return {name: mpjpe(pred[mask], data.target[mask]) for name, mask in view_bins(data.azimuth).items()}


def summary(results: pd.DataFrame, metric: str = "MPJPE") -> pd.DataFrame:
    """Mean ± std over seeds: one row per model, one column per condition (strings), plus parameters."""
    grouped = results.groupby(["model", "condition"], sort=False)[metric].agg(["mean", "std", "count"])
    table = grouped.apply(lambda r: f"{r['mean']:.1f} ± {r['std']:.1f}", axis=1).unstack("condition")
    order = list(dict.fromkeys(results["condition"]))
    table = table[order]
    table.insert(0, "parameters", results.groupby("model", sort=False)["parameters"].first())
    table.insert(1, "seeds", grouped["count"].groupby("model", sort=False).first())
    return table.loc[list(dict.fromkeys(results["model"]))]


def means(results: pd.DataFrame, metric: str = "MPJPE") -> pd.DataFrame:
    """Mean over seeds as numbers: model x condition."""
    return results.pivot_table(index="model", columns="condition", values=metric, aggfunc="mean", sort=False)


def paired_test(results: pd.DataFrame, a: str, b: str, condition: str, metric: str = "MPJPE") -> dict[str, float]:
    """Paired t-test of model ``a`` against ``b`` over the shared seeds on one condition.

    Returns:
        ``{"mean difference": mean(a - b), "p": two-sided p-value, "a better in": seeds where a < b,
        "seeds": how many}``.
    """
    sub = results[results["condition"] == condition].pivot_table(index="seed", columns="model", values=metric)
    if a not in sub or b not in sub:
        raise ValueError(f"a and b must be models of results, got {a!r}, {b!r}; there are {list(sub.columns)}")
    diff = sub[a] - sub[b]
    p = float(stats.ttest_rel(sub[a], sub[b]).pvalue) if len(diff) > 1 else float("nan")
    return {"mean difference": float(diff.mean()), "p": p, "a better in": int((diff < 0).sum()),
            "seeds": int(len(diff))}
