"""The claim check of lesson 04: every risk model on the same splits, over several seeds, with a paired test.

:func:`compare_models` does, for each seed, a new split by run
(:func:`gdl_teach.epidemics.dataset.split_by_run`), fits every model of
:data:`MODEL_NAMES` on its training snapshots and scores them all on the
same test people (ROC-AUC, Brier score). The seed picks both the split and
the GNN's initial weights and batch order. :class:`ModelComparison` holds the
scores and the fitted models, and summarises them: mean and standard
deviation per model, the scores per seed, and a paired t-test between two
models (``scipy.stats.ttest_rel``: the same test people for both, so the
split-to-split spread cancels out).
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch_geometric.data import Data
from tqdm.auto import tqdm

from gdl_teach.core.metrics import brier, roc_auc
from gdl_teach.core.training import History
from gdl_teach.core.validate import check_choice, check_float, check_int
from gdl_teach.epidemics.baselines import fit_logistic
from gdl_teach.epidemics.contacts import HazardModel
from gdl_teach.epidemics.dataset import FEATURE_NAMES, GLOBAL_FEATURES, OutbreakDataset, split_by_run
from gdl_teach.epidemics.experiments import predict_risk, risk_scores, train_risk_gnn
from gdl_teach.epidemics.town import PERSON_FEATURES

#: The models compared, blind ones first: (name, what it sees).
MODELS = (
    ("global rate", "town-wide fractions infectious and recovered; logistic regression"),
    ("person features", "+ own age, household size, degree; logistic regression"),
    ("contact counts, 1 hop", "+ infectious contacts (plain and weighted); logistic regression"),
    ("contact counts, 2 hops", "+ infectious contacts of susceptible contacts; logistic regression"),
    ("hazard model", "1 - exp(-tau * weighted infectious contacts * h); no parameter fitted"),
    ("GNN", "person features + states, 2 rounds of weighted message passing (GraphConv)"),
)
MODEL_NAMES = tuple(name for name, _ in MODELS)
METRICS = ("ROC-AUC", "Brier")


class GNNRisk:
    """A trained :class:`~gdl_teach.epidemics.models.EpidemicGNN` with the baselines' interface.

    Args:
        model: the trained GNN (on any device).
        history: its training history.
        name: label for tables.
    """

    def __init__(self, model: torch.nn.Module, history: History, name: str = "GNN") -> None:
        self.model, self.history, self.name = model, history, name

    def scores(self, data: Data) -> torch.Tensor:
        """(N,) predicted probabilities for everyone in one snapshot, on the CPU."""
        return risk_scores(self.model, data)

    def predict(self, data: Any) -> tuple[torch.Tensor, torch.Tensor]:
        """``(prob, y)`` over the susceptible people of ``data``, on the CPU."""
        return predict_risk(self.model, data)


def fit_models(train: Any, val: Any, *, tau: float, horizon: float, seed: int = 0,
               gnn_options: dict[str, Any] | None = None, progress: bool = False) -> dict[str, Any]:
    """Every model of :data:`MODEL_NAMES`, fitted on one training split (the GNN also early-stops on ``val``).

    Args:
        train: training snapshots.
        val: validation snapshots (used by the GNN only).
        tau: transmission rate the hazard model is given.
        horizon: h, the prediction window of the hazard model.
        seed: seeds the GNN.
        gnn_options: keyword arguments for :func:`~gdl_teach.epidemics.experiments.train_risk_gnn`.
        progress: show the GNN's progress bar.

    Returns:
        ``{name: model}``; each model has ``.scores(snapshot) -> (N,)`` and ``.predict(data) -> (prob, y)``.
    """
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    global_cols = [col[c] for c in GLOBAL_FEATURES]
    person_cols = [col[c] for c in PERSON_FEATURES + GLOBAL_FEATURES]
    gnn, history = train_risk_gnn(train, val, seed=seed, progress=progress, **(gnn_options or {}))
    return {
        "global rate": fit_logistic(train, global_cols, "global rate"),
        "person features": fit_logistic(train, person_cols, "person features"),
        "contact counts, 1 hop": fit_logistic(train, person_cols, "contact counts, 1 hop", contact_hops=1),
        "contact counts, 2 hops": fit_logistic(train, person_cols, "contact counts, 2 hops", contact_hops=2),
        "hazard model": HazardModel(tau, horizon),
        "GNN": GNNRisk(gnn, history),
    }


@dataclass
class ModelComparison:
    """Scores of every model on every seed's test split, and the fitted models.

    Attributes:
        scores: a pandas DataFrame with columns ``seed``, ``model``, ``ROC-AUC``, ``Brier``.
        models: ``{seed: {name: fitted model}}``.
        splits: ``{seed: {"train": ..., "val": ..., "test": ...}}``.
    """

    scores: Any
    models: dict[int, dict[str, Any]]
    splits: dict[int, dict[str, OutbreakDataset]]

    @property
    def seeds(self) -> list[int]:
        """The seeds, in order."""
        return list(self.models)

    def per_seed(self, metric: str) -> Any:
        """A DataFrame seeds x models of one metric (``"ROC-AUC"`` or ``"Brier"``)."""
        check_choice("metric", metric, METRICS)
        return self.scores.pivot(index="seed", columns="model", values=metric)[list(MODEL_NAMES)]

    def summary(self) -> Any:
        """A DataFrame per model: mean and standard deviation over seeds of ROC-AUC and Brier score."""
        import pandas as pd

        rows = []
        for name in MODEL_NAMES:
            part = self.scores[self.scores["model"] == name]
            rows.append({"model": name, "ROC-AUC": part["ROC-AUC"].mean(), "± ROC-AUC": part["ROC-AUC"].std(ddof=1),
                         "Brier": part["Brier"].mean(), "± Brier": part["Brier"].std(ddof=1)})
        return pd.DataFrame(rows).set_index("model").round({"ROC-AUC": 4, "± ROC-AUC": 4, "Brier": 5, "± Brier": 5})

    def best_other(self, metric: str, model: str = "GNN") -> str:
        """The model other than ``model`` with the best mean ``metric`` (highest ROC-AUC, lowest Brier)."""
        means = self.per_seed(metric).mean().drop(check_choice("model", model, MODEL_NAMES))
        return str(means.idxmax() if metric == "ROC-AUC" else means.idxmin())

    def paired_test(self, metric: str, a: str = "GNN", b: str | None = None) -> dict[str, Any]:
        """Paired t-test of ``a`` against ``b`` (default: the best other model) over the seeds.

        Args:
            metric: ``"ROC-AUC"`` or ``"Brier"``.
            a: a model name.
            b: another model name; default :meth:`best_other`.

        Returns:
            ``{"a", "b", "metric", "mean_diff", "std_diff", "a_better", "seeds", "p"}``: the mean and
            standard deviation of ``a - b`` over seeds, on how many seeds ``a`` is better, and the
            two-sided p-value of ``scipy.stats.ttest_rel`` (NaN when every difference is equal).
        """
        from scipy.stats import ttest_rel

        table = self.per_seed(metric)
        b = self.best_other(metric, a) if b is None else check_choice("b", b, MODEL_NAMES)
        diff = (table[check_choice("a", a, MODEL_NAMES)] - table[b]).to_numpy()
        better = diff > 0 if metric == "ROC-AUC" else diff < 0
        with warnings.catch_warnings():  # equal differences on every seed: p is NaN, say nothing more
            warnings.simplefilter("ignore", RuntimeWarning)
            p = float(ttest_rel(table[a], table[b]).pvalue) if diff.size > 1 else float("nan")
        return {"a": a, "b": b, "metric": metric, "mean_diff": float(diff.mean()),
                "std_diff": float(diff.std(ddof=1)) if diff.size > 1 else float("nan"),
                "a_better": int(better.sum()), "seeds": int(diff.size), "p": p}


def compare_models(snapshots: OutbreakDataset, *, seeds: Sequence[int], tau: float, horizon: float,
                   fractions: Sequence[float] = (0.6, 0.2, 0.2), gnn_options: dict[str, Any] | None = None,
                   progress: bool = True) -> ModelComparison:
    """Split, fit and score every model once per seed: the lesson's claim table.

    Args:
        snapshots: from :func:`~gdl_teach.epidemics.dataset.make_outbreak_dataset`.
        seeds: one split (and GNN initialisation) per seed, e.g. ``range(5)``.
        tau: transmission rate given to the hazard model.
        horizon: h, the prediction window.
        fractions: shares of runs for train, val and test.
        gnn_options: keyword arguments for :func:`~gdl_teach.epidemics.experiments.train_risk_gnn`.
        progress: show a progress bar over seeds.

    Returns:
        A :class:`ModelComparison`.
    """
    import pandas as pd

    seeds = [check_int("seeds[i]", s, min_value=0) for s in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must list at least one seed, each once, got {seeds}")
    tau = check_float("tau", tau, min_value=0.0)
    rows, models, splits = [], {}, {}
    for seed in tqdm(seeds, desc="seeds", disable=not progress, leave=False):
        splits[seed] = split_by_run(snapshots, fractions, seed=seed)
        models[seed] = fit_models(splits[seed]["train"], splits[seed]["val"], tau=tau, horizon=horizon, seed=seed,
                                  gnn_options=gnn_options)
        for name, model in models[seed].items():
            prob, y = model.predict(splits[seed]["test"])
            rows.append({"seed": seed, "model": name, "ROC-AUC": roc_auc(prob, y), "Brier": brier(prob, y)})
    return ModelComparison(pd.DataFrame(rows), models, splits)
