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


def test_compare_on_split_runs_three_models(small_dataset: datasets.MoleculeDataset) -> None:
    kw = dict(gnn_kwargs={"hidden_channels": 8, "epochs": 2}, smiles_kwargs={"hidden_channels": 8, "epochs": 2},
              progress=False)
    run = experiments.compare_on_split(small_dataset, seed=0, **kw)
    again = experiments.compare_on_split(small_dataset, seed=0, **kw)
    assert list(run.test_rmse) == ["ECFP + ridge", "SMILES CNN", "GNN (GINE)"]
    assert run.test_rmse == again.test_rmse
    assert [len(i) for i in run.split] == [48, 6, 6]
    assert all(np.isfinite(v) and v > 0 for v in run.test_rmse.values())
    preds = experiments.predict_all(run, small_dataset, run.split[2])
    assert set(preds) == set(run.test_rmse)
    target = small_dataset.y[run.split[2]]
    for name, p in preds.items():
        assert p.device.type == "cpu"
        assert float(torch.sqrt(((p - target) ** 2).mean())) == pytest.approx(run.test_rmse[name], rel=1e-4)


def test_compare_on_split_sends_both_networks_to_the_device(small_dataset: datasets.MoleculeDataset,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    devices = []
    for name in ("train_molecule_gnn", "train_smiles_model"):
        real = getattr(training, name)

        def spy(*args, _real=real, **kwargs):
            devices.append(kwargs["device"])
            return _real(*args, **kwargs)
        monkeypatch.setattr(experiments, name, spy)
    kw = {"hidden_channels": 8, "epochs": 1}
    experiments.compare_on_split(small_dataset, seed=0, gnn_kwargs=kw, smiles_kwargs=kw, device="cpu", progress=False)
    assert devices == ["cpu", "cpu"]


def test_summarise_runs_table_and_paired_comparison() -> None:
    runs = [experiments.ComparisonRun(seed=s, test_rmse={"A": a, "B": b}, seconds={"A": 1.0, "B": 2.0})
            for s, a, b in [(0, 1.0, 2.0), (1, 3.0, 2.0)]]
    table = experiments.summarise_runs(runs)
    assert list(table.columns) == ["seed 0", "seed 1", "mean", "std", "train s (total)", "mean ± std"]
    assert table.loc["A", "mean ± std"] == "2.000 ± 1.000"
    assert table.loc["A", "mean"] == 2.0 and table.loc["A", "std"] == 1.0 and table.loc["B", "std"] == 0.0
    assert table.loc["B", "train s (total)"] == 4.0
    with pytest.raises(ValueError, match="runs must not be empty"):
        experiments.summarise_runs([])
    with pytest.raises(ValueError, match="runs must have different seeds"):
        experiments.summarise_runs([runs[0], runs[0]])
    more = runs + [experiments.ComparisonRun(seed=2, test_rmse={"A": 1.5, "B": 2.5})]
    vs = experiments.paired_comparison(more, "A", "B")
    assert vs["wins"] == 2 and vs["seeds"] == 3 and vs["mean_gap"] == pytest.approx(1 / 3)
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


def test_train_and_test_gnn_reports_rmse_and_r2(small_dataset: datasets.MoleculeDataset) -> None:
    items = small_dataset.to_list()
    _, hist, report = experiments.train_and_test_gnn(items[:50], items[50:], seed=0, hidden_channels=8, epochs=2,
                                                     progress=False)
    assert set(report) == {"RMSE", "R2"} and hist.epochs == 2
    with pytest.raises(ValueError, match="test must contain at least one molecule"):
        experiments.train_and_test_gnn(items, [], hidden_channels=8, epochs=1, progress=False)
    with pytest.raises(ValueError, match="val_fraction must be <= 0.5"):
        experiments.train_and_test_gnn(items[:50], items[50:], val_fraction=0.9, progress=False)
