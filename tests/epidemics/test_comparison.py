"""gdl_teach.epidemics.comparison: every model on the same splits over seeds, the summary and the paired test."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.stats import ttest_rel

from gdl_teach.epidemics import comparison, dataset


def _made_up(seeds: int = 5) -> comparison.ModelComparison:
    """Scores where the GNN leads on ROC-AUC by 0.01 + noise and the hazard model has the best Brier score."""
    rng = np.random.default_rng(0)
    rows = []
    for s in range(seeds):
        shift = rng.normal(0, 0.02)  # a split effect shared by every model
        for i, name in enumerate(comparison.MODEL_NAMES):
            auc = 0.7 + 0.04 * i + shift + rng.normal(0, 0.002) + (0.01 if name == "GNN" else 0)
            brier = 0.02 - 0.001 * i + shift / 10 + rng.normal(0, 1e-4) - (0.003 if name == "hazard model" else 0)
            rows.append({"seed": s, "model": name, "ROC-AUC": auc, "Brier": brier})
    return comparison.ModelComparison(pd.DataFrame(rows), {s: {} for s in range(seeds)}, {})


def test_summary_per_seed_and_paired_test() -> None:
    result = _made_up()
    assert result.seeds == [0, 1, 2, 3, 4]
    auc = result.per_seed("ROC-AUC")
    assert list(auc.columns) == list(comparison.MODEL_NAMES) and auc.shape == (5, 6)
    summary = result.summary()
    assert list(summary.index) == list(comparison.MODEL_NAMES)
    assert summary.loc["GNN", "ROC-AUC"] == pytest.approx(auc["GNN"].mean(), abs=1e-4)
    assert summary.loc["GNN", "± ROC-AUC"] == pytest.approx(auc["GNN"].std(ddof=1), abs=1e-4)
    assert result.best_other("ROC-AUC") == "hazard model"  # the highest mean after the GNN
    assert result.best_other("Brier") == "hazard model"
    test = result.paired_test("ROC-AUC")
    assert test["b"] == "hazard model" and test["a_better"] == 5 and test["seeds"] == 5
    assert test["mean_diff"] == pytest.approx((auc["GNN"] - auc["hazard model"]).mean())
    assert test["p"] == pytest.approx(ttest_rel(auc["GNN"], auc["hazard model"]).pvalue)
    brier = result.paired_test("Brier", b="person features")
    assert brier["a_better"] == 5 and brier["mean_diff"] < 0  # lower is better for the Brier score
    with pytest.raises(ValueError, match="metric"):
        result.per_seed("accuracy")
    with pytest.raises(ValueError, match="b must be one of"):
        result.paired_test("Brier", b="oracle")


def test_compare_models_scores_every_model_on_the_same_test_people(splits: dict) -> None:
    whole = dataset.OutbreakDataset(list(splits["train"]) + list(splits["val"]) + list(splits["test"]), 2.0)
    result = comparison.compare_models(whole, seeds=[0, 1], tau=0.3, horizon=2.0, fractions=(0.5, 0.25, 0.25),
                                       gnn_options={"hidden_channels": 4, "epochs": 1}, progress=False)
    assert result.seeds == [0, 1]
    assert result.scores.shape == (2 * len(comparison.MODEL_NAMES), 4)
    for seed in result.seeds:
        test = result.splits[seed]["test"]
        assert torch.equal(test.runs(), dataset.split_by_run(whole, (0.5, 0.25, 0.25), seed=seed)["test"].runs())
        n_test = sum(int(d.mask.sum()) for d in test)
        for name, model in result.models[seed].items():
            prob, y = model.predict(test)
            assert prob.shape == y.shape == (n_test,), name
            assert model.scores(test[0]).shape == (test[0].num_nodes,), name
    assert result.models[0]["GNN"].history.epochs == 1
    with pytest.raises(ValueError, match="seeds"):
        comparison.compare_models(whole, seeds=[], tau=0.3, horizon=2.0, progress=False)
    with pytest.raises(ValueError, match="seeds"):
        comparison.compare_models(whole, seeds=[1, 1], tau=0.3, horizon=2.0, progress=False)
