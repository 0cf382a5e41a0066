"""gdl_teach.message_passing.results: means over splits, paired tests, best GNN against best baseline."""
from __future__ import annotations

import pandas as pd
import pytest

from gdl_teach.message_passing import results


def _runs() -> pd.DataFrame:
    acc = {"MLP": [0.5, 0.5, 0.5, 0.5], "GCN": [0.8, 0.9, 0.85, 0.8], "LogReg": [0.82, 0.88, 0.9, 0.78],
           "GIN": [0.6, 0.7, 0.65, 0.6]}
    return pd.DataFrame([{"dataset": "d", "model": m, "seed": s, "test_acc": a}
                         for m, values in acc.items() for s, a in enumerate(values)])


def test_summarize_and_text_table() -> None:
    table = results.summarize(_runs())
    assert list(table.columns) == ["mean", "std", "splits"]
    assert table.loc[("d", "GCN"), "mean"] == pytest.approx(0.8375, abs=1e-3)
    assert table.loc[("d", "MLP"), "std"] == 0
    text = results.mean_std_table(table)
    assert list(text.index) == ["MLP", "GCN", "LogReg", "GIN"] and text.loc["GCN", "d"].endswith(" ± 0.048 (4)")
    assert results.mean_std_table(results.summarize(_runs(), by=("model",))).shape == (4, 1)
    with pytest.raises(ValueError, match="by must name columns"):
        results.summarize(_runs(), by=("fold",))
    with pytest.raises(TypeError, match="runs must be a DataFrame"):
        results.summarize([0.5])


def test_paired_test_and_best_against_best() -> None:
    runs = _runs()
    test = results.paired_test(runs, "GCN", "MLP")
    assert test["wins"] == 4 and test["losses"] == 0 and test["p"] < 0.01 and test["gap"] == pytest.approx(0.3375)
    assert results.paired_test(runs, "MLP", "MLP")["p"] == 1.0
    best = results.best_against_best(runs, ["GCN", "GIN"], ["MLP", "LogReg"])
    row = best.loc["d"]
    assert row["best GNN"] == "GCN" and row["best baseline"] == "LogReg" and row["wins"] + row["losses"] == 4
    with pytest.raises(ValueError, match="no rows for model 'GAT'"):
        results.paired_test(runs, "GAT", "MLP")
    with pytest.raises(ValueError, match="at least two splits"):
        results.paired_test(runs[runs["seed"] == 0], "GCN", "MLP")
