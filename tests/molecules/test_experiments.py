"""gdl_teach.molecules.experiments: the comparison harness, its table and tests, and the Huuskonen run."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from gdl_teach.core.splits import random_split
from gdl_teach.molecules import datasets, experiments, training


@pytest.mark.parametrize("seed", range(5))
def test_kit_splitter_gives_the_splits_the_lesson_used_to_draw(seed: int) -> None:
    """The lesson's own random_split was merged into core.splits.random_split: same molecules in each split."""
    perm = torch.randperm(642, generator=torch.Generator().manual_seed(seed))
    old = perm[:514], perm[514:578], perm[578:]  # the old code: round(0.8 n), round(0.1 n), the rest
    assert all(torch.equal(a, b) for a, b in zip(random_split(642, experiments.SPLIT_FRACTIONS, seed), old))
    perm = torch.randperm(1025, generator=torch.Generator().manual_seed(seed))
    val, fit, rest = random_split(1025, (0.1, 0.9, 0.0), seed)  # the Huuskonen hold-out
    assert torch.equal(val, perm[:102]) and torch.equal(torch.cat([fit, rest]), perm[102:])


TINY = {"smiles": {"hidden_channels": 8, "epochs": 2}, "gnn": {"hidden_channels": 8, "epochs": 2},
        "descriptor_gnn": {"hidden_channels": 8, "epochs": 2}}


@pytest.fixture(scope="module")
def small_features(small_dataset: datasets.MoleculeDataset) -> experiments.MoleculeFeatures:
    return experiments.molecule_features(small_dataset.smiles)


def test_compare_on_split_runs_five_models(small_dataset: datasets.MoleculeDataset,
                                           small_features: experiments.MoleculeFeatures) -> None:
    kw = dict(network_kwargs=TINY, num_trees=5, progress=False)
    run = experiments.compare_on_split(small_dataset, seed=0, features=small_features, **kw)
    again = experiments.compare_on_split(small_dataset, seed=0, **kw)  # features computed inside
    assert tuple(run.test_rmse) == experiments.MODEL_NAMES
    assert run.test_rmse == again.test_rmse
    assert [len(i) for i in run.split] == [48, 6, 6]
    assert all(np.isfinite(v) and v > 0 for v in run.test_rmse.values())
    assert set(run.parameters) == {"SMILES CNN", "GNN", "GNN + descriptors"}
    assert set(run.histories) == set(run.parameters) and all(v > 0 for v in run.parameters.values())
    target = small_dataset.y[run.split[2]]
    assert torch.equal(run.target, target)
    for name, p in run.predictions.items():
        assert p.device.type == "cpu" and p.shape == target.shape
        assert float(torch.sqrt(((p - target) ** 2).mean())) == pytest.approx(run.test_rmse[name], rel=1e-4)
    forest = run.models["descriptors + RF"][-1]
    assert forest.n_estimators == 5 and forest.random_state == 0


def test_compare_on_split_takes_a_given_split_and_checks_features(small_dataset: datasets.MoleculeDataset,
                                                                  small_features: experiments.MoleculeFeatures
                                                                  ) -> None:
    split = experiments.holdout_split(50, 10, seed=1)
    run = experiments.compare_on_split(small_dataset, seed=1, split=split, features=small_features,
                                       network_kwargs=TINY, num_trees=3, progress=False)
    assert torch.equal(run.split[2], torch.arange(50, 60)) and len(run.split[1]) == 5
    short = experiments.MoleculeFeatures(small_features.fingerprints[:10], small_features.descriptors[:10])
    with pytest.raises(ValueError, match="features must have one row per molecule"):
        experiments.compare_on_split(small_dataset, features=short, network_kwargs=TINY, progress=False)
    with pytest.raises(ValueError, match="split must be"):
        experiments.compare_on_split(small_dataset, split=split[:2], features=small_features, progress=False)


def test_compare_on_split_trains_only_the_models_asked_for(small_dataset: datasets.MoleculeDataset,
                                                           small_features: experiments.MoleculeFeatures) -> None:
    run = experiments.compare_on_split(small_dataset, models=("GNN", "ECFP + ridge"), features=small_features,
                                       network_kwargs=TINY, progress=False)
    assert list(run.test_rmse) == ["ECFP + ridge", "GNN"]  # always in the order of MODEL_NAMES
    with pytest.raises(ValueError, match="models must name some of"):
        experiments.compare_on_split(small_dataset, models=("GAT",), features=small_features, progress=False)


def test_holdout_split_keeps_the_test_set_fixed() -> None:
    tr, va, te = experiments.holdout_split(1025, 257, seed=0)
    assert torch.equal(te, torch.arange(1025, 1282))
    assert len(va) == 102 and len(tr) == 923
    assert sorted(torch.cat([tr, va]).tolist()) == list(range(1025))
    val, fit, rest = random_split(1025, (0.1, 0.9, 0.0), 0)  # the hold-out the lesson always drew
    assert torch.equal(va, val) and torch.equal(tr, torch.cat([fit, rest]))
    with pytest.raises(ValueError, match="val_fraction must be <= 0.5"):
        experiments.holdout_split(100, 10, val_fraction=0.9)


def test_compare_on_split_sends_the_networks_to_the_device(small_dataset: datasets.MoleculeDataset,
                                                           small_features: experiments.MoleculeFeatures,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    devices = []
    for name in ("train_molecule_gnn", "train_smiles_model", "train_descriptor_gnn"):
        real = getattr(training, name)

        def spy(*args, _real=real, **kwargs):
            devices.append(kwargs["device"])
            return _real(*args, **kwargs)
        monkeypatch.setattr(experiments, name, spy)
    experiments.compare_on_split(small_dataset, seed=0, features=small_features, network_kwargs=TINY, num_trees=2,
                                 device="cpu", progress=False)
    assert devices == ["cpu", "cpu", "cpu"]


def test_summarise_runs_table_and_paired_comparison() -> None:
    runs = [experiments.ComparisonRun(seed=s, test_rmse={"A": a, "B": b}, seconds={"A": 1.0, "B": 2.0})
            for s, a, b in [(0, 1.0, 2.0), (1, 3.0, 2.0)]]
    table = experiments.summarise_runs(runs)
    assert list(table.columns) == ["split 0", "split 1", "mean", "std", "train s (total)", "mean ± std"]
    assert table.loc["A", "mean ± std"] == "2.000 ± 1.414"  # the sample std over splits (ddof=1)
    assert table.loc["A", "mean"] == 2.0 and table.loc["A", "std"] == pytest.approx(2 ** 0.5)
    assert table.loc["B", "std"] == 0.0
    assert table.loc["B", "train s (total)"] == 4.0
    single = experiments.summarise_runs(runs[:1])
    assert np.isnan(single.loc["A", "std"]) and single.loc["A", "mean ± std"] == "1.000 (one split)"
    with pytest.raises(ValueError, match="runs must not be empty"):
        experiments.summarise_runs([])
    with pytest.raises(ValueError, match="runs must have different seeds"):
        experiments.summarise_runs([runs[0], runs[0]])
    more = runs + [experiments.ComparisonRun(seed=2, test_rmse={"A": 1.5, "B": 2.5})]
    vs = experiments.paired_comparison(more, "A", "B")
    assert vs["wins"] == 2 and vs["splits"] == 3 and vs["mean_gap"] == pytest.approx(1 / 3)
    from scipy.stats import ttest_rel

    assert vs["p"] == pytest.approx(ttest_rel([2.0, 2.0, 2.5], [1.0, 3.0, 1.5]).pvalue)
    with pytest.raises(ValueError, match="'C' is not a model of these runs"):
        experiments.paired_comparison(more, "A", "C")


def test_regression_report_matches_scikit_learn() -> None:
    from sklearn.metrics import r2_score

    pred, target = torch.tensor([1.0, 2.5, 2.0]), torch.tensor([1.0, 3.0, 1.5])
    report = experiments.regression_report(pred, target)
    assert report["R2"] == pytest.approx(r2_score(target.numpy(), pred.numpy()))
    assert report["RMSE"] == pytest.approx(float(np.sqrt(np.mean((pred - target).numpy() ** 2))))


def test_paired_bootstrap_measures_a_fixed_test_set() -> None:
    target = torch.linspace(-2, 2, 200)
    noise = torch.randn(200, generator=torch.Generator().manual_seed(0))
    run = experiments.ComparisonRun(seed=0, target=target,
                                    predictions={"good": target + 0.3 * noise, "bad": target + 0.6 * noise})
    run.test_rmse = {k: float(torch.sqrt(((v - target) ** 2).mean())) for k, v in run.predictions.items()}
    out = experiments.paired_bootstrap(run, "good", "bad", num_samples=500)
    assert out["gap"] == pytest.approx(run.test_rmse["bad"] - run.test_rmse["good"])
    assert 0 < out["low"] < out["gap"] < out["high"] and out["share"] == 1.0
    assert experiments.paired_bootstrap(run, "good", "bad", num_samples=500) == out  # seeded
    with pytest.raises(ValueError, match="'ugly' is not a model of this run"):
        experiments.paired_bootstrap(run, "good", "ugly")


def test_count_parameters() -> None:
    assert experiments.count_parameters(torch.nn.Linear(3, 2)) == 8
