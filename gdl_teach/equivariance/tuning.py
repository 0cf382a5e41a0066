"""How the learning rates of :data:`gdl_teach.equivariance.experiments.LEARNING_RATES` were chosen, rerunnable.

For each model and candidate rate: train at the setting's budget on the usual
training sets, and score on validation data that no lesson table uses: 400
digits of the training pool left out of training (turned in all four ways), and
300 particle systems simulated with seed 1 (the lesson's systems use seed 0).
"""
from __future__ import annotations

from collections.abc import Sequence

import torch

from gdl_teach.core.validate import check_choice
from gdl_teach.equivariance import experiments
from gdl_teach.equivariance.digits import DigitSplit, split_digits
from gdl_teach.equivariance.nbody import simulate_charged_systems
from gdl_teach.equivariance.settings import Setting

__all__ = ["validation_scores"]


def validation_scores(name: str, learning_rates: Sequence[float], setting: Setting,
                      seeds: Sequence[int] = (0, 1, 2)) -> dict[float, float]:
    """Mean validation score of model ``name`` for each learning rate (rotated accuracy for digits, else MSE).

    Args:
        name: a model of :data:`~gdl_teach.equivariance.experiments.DIGIT_MODELS` or ``NBODY_MODELS``.
        learning_rates: the candidates.
        setting: the budget (steps, sizes).
        seeds: training seeds to average over.
    """
    check_choice("name", name, experiments.DIGIT_MODELS + experiments.NBODY_MODELS)
    before = experiments.LEARNING_RATES[name]
    scores = {}
    try:
        for lr in learning_rates:
            experiments.LEARNING_RATES[name] = float(lr)
            scores[float(lr)] = sum(_score(name, setting, seed) for seed in seeds) / len(seeds)
    finally:
        experiments.LEARNING_RATES[name] = before
    return scores


def _score(name: str, setting: Setting, seed: int) -> float:
    if name in experiments.DIGIT_MODELS:
        split = split_digits()
        held = torch.isin(split.pool, split.pool[torch.randperm(len(split.pool),
                                                                generator=torch.Generator().manual_seed(99))[:400]])
        tuning = DigitSplit(split.images, split.labels, split.pool[~held], split.pool[held])
        model, _ = experiments.train_digit_model(name, tuning, setting.digit_train_size, seed, setting)
        return experiments.evaluate_digits(model, split.images[tuning.test], split.labels[tuning.test])[
            "rotated accuracy"]
    systems = simulate_charged_systems(setting.num_systems)
    validation = simulate_charged_systems(300, seed=1)
    pool = torch.arange(len(systems) - setting.num_test_systems)
    model, _ = experiments.train_nbody_model(name, systems, experiments.train_indices(pool, setting.nbody_train_size,
                                                                                      seed), seed, setting)
    return experiments.evaluate_nbody(model, validation, torch.arange(300))["MSE"]
