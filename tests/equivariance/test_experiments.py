"""Experiments of lesson 08 on tiny budgets: tables, paired tests, seeds."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
import torch

from gdl_teach.equivariance import digits, experiments, nbody, settings

TINY = dataclasses.replace(settings.CPU, digit_steps=20, nbody_steps=20, num_systems=40, num_test_systems=10,
                           hidden_channels=8, num_layers=1)


def test_digit_runs_are_reproducible_and_p4_is_exactly_invariant() -> None:
    split = digits.split_digits()
    runs, kept = experiments.run_digits(split, TINY, [30], [0, 1])
    again, _ = experiments.run_digits(split, TINY, [30], [0, 1])
    pd.testing.assert_frame_equal(runs.drop(columns="train CPU s"), again.drop(columns="train CPU s"))
    assert set(kept) == set(experiments.DIGIT_MODELS) and len(runs) == 6
    p4 = runs[runs.model == "p4 CNN"]
    assert (p4["consistent"] == 1.0).all() and (p4["equivariance error"] < 1e-4).all()
    assert (p4["accuracy"] == p4["rotated accuracy"]).all()
    table = experiments.summarise(runs, ["accuracy"])
    assert list(table.index) == list(experiments.DIGIT_MODELS) and "±" in table.iloc[0, 0]
    test = experiments.paired_test(runs, "rotated accuracy", "p4 CNN", "CNN")
    assert test["seeds"] == 2 and 0 <= test["wins"] <= 2
    per_class = experiments.per_class_accuracy(kept, split.images[split.test], split.labels[split.test])
    assert per_class.shape == (10, 3)


def test_train_indices_nest_and_depend_on_the_seed() -> None:
    pool = torch.arange(100)
    small, big = experiments.train_indices(pool, 10, 0), experiments.train_indices(pool, 50, 0)
    assert set(small.tolist()) <= set(big.tolist())
    assert not torch.equal(small, experiments.train_indices(pool, 10, 1))
    with pytest.raises(ValueError, match="num_train must be <= 100"):
        experiments.train_indices(pool, 101, 0)


def test_nbody_runs(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    systems = nbody.simulate_charged_systems(TINY.num_systems, num_steps=100, burn_in=100)
    runs, kept = experiments.run_nbody(systems, TINY, [20], [0, 1])
    assert len(runs) == 10 and set(kept) == set(experiments.NBODY_MODELS)
    by_model = runs.groupby("model").mean(numeric_only=True)
    for name in ("EGNN", "radial field", "linear dynamics"):
        assert by_model.loc[name, "equivariance error"] < 1e-4
        assert by_model.loc[name, "rotated MSE"] == pytest.approx(by_model.loc[name, "MSE"], rel=1e-3)
    assert by_model.loc["GNN", "equivariance error"] > 1e-4
    pool, test = experiments.split_systems(systems, TINY)
    assert len(pool) == 30 and test.tolist() == list(range(30, 40))


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="name must be one of"):
        experiments.train_digit_model("ResNet", digits.split_digits(), 10, 0, TINY)
    runs = pd.DataFrame({"model": ["a", "b"], "train size": [1, 1], "seed": [0, 0], "x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="at least two common seeds"):
        experiments.paired_test(runs, "x", "a", "b")


def test_settings_choose_by_kind() -> None:
    assert settings.settings("cpu").name == "cpu" and settings.settings("gpu").name == "gpu"
    assert "seeds" in settings.CPU.describe()
    assert settings.CPU.digit_train_size in settings.CPU.digit_train_sizes
    assert settings.CPU.nbody_train_size in settings.CPU.nbody_train_sizes
    with pytest.raises(ValueError, match="kind must be one of"):
        settings.settings("tpu")
