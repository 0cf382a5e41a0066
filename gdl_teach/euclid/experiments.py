"""Lesson 01's claim: what flattening a graph costs, measured against a GNN and the baselines a practitioner would use.

The task (:func:`make_task`) is the hub-graph set of
:mod:`gdl_teach.euclid.hub_graphs`, every graph stored in a random node order
so that no numbering gives the class away. :func:`run_seed` trains, on the
same graphs and at the same budget (:class:`Budget`: Adam steps, batch size,
learning rate), an MLP on the flattened adjacency (blind), the same MLP with
permutation augmentation, the same MLP on a canonical ordering, and the
permutation-invariant GNN; it fits a degree rule and a logistic regression on
the degree histogram; and it measures what the cheaper models need to catch
up (``cost_factor`` times the steps, or the training graphs). Every model is
scored on held-out graphs and on the same graphs renumbered again
("flips": how many predictions the renumbering changes). :func:`compare`
repeats this over seeds, :func:`summary_table` and :func:`paired_test` read
the result. :func:`numbering_shortcut` is the demonstration the lesson starts
from: an MLP trained on graphs whose numbering leaks the class.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from scipy import stats
from sklearn.linear_model import LogisticRegression
from torch import nn
from torch_geometric.data import Batch, Data
from tqdm.auto import tqdm

from gdl_teach.core.batches import ShuffledBatches
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.training import fit, graph_step, predict
from gdl_teach.core.validate import check_float, check_int, check_tensor
from gdl_teach.euclid.baselines import (
    DegreeRule,
    canonical_adjacency,
    degree_histogram,
    dense_adjacency,
    relabel_adjacency,
)
from gdl_teach.euclid.hub_graphs import make_hub_graphs, relabel_graphs
from gdl_teach.euclid.models import GNNClassifier
from gdl_teach.nn.mlp import MLP

NUM_NODES = 12  #: nodes per hub graph
BLIND, AUGMENTED, CANONICAL = ("MLP, flattened adjacency", "MLP + permutation augmentation",
                               "MLP, canonical order (degree sort)")
RULE, LOGISTIC = "degree rule (max degree >= t)", "logistic regression, degree histogram"
GNN = "GNN (sum aggregation + sum pooling)"
#: the contenders in the order the table lists them
MODELS = (BLIND, AUGMENTED, CANONICAL, RULE, LOGISTIC, GNN)
EQUAL = "equal budget"


@dataclass(frozen=True)
class Budget:
    """What every neural model gets: ``num_steps`` Adam steps on mini-batches of ``batch_size`` graphs at ``lr``."""

    num_steps: int = 200
    batch_size: int = 50
    lr: float = 1e-2

    def __post_init__(self) -> None:
        check_int("num_steps", self.num_steps, min_value=1)
        check_int("batch_size", self.batch_size, min_value=1)
        check_float("lr", self.lr, min_value=0.0, strict_min=True)


def make_task(seed: int, num_train: int, num_test: int = 200) -> tuple[list[Data], list[Data], list[Data]]:
    """Hub graphs stored in random node orders: training graphs, test graphs, and the test graphs renumbered again.

    Args:
        seed: seed of the graphs and of their numberings.
        num_train: training graphs (classes alternate, so half are class 1), >= 2.
        num_test: test graphs, >= 2.

    Returns:
        ``(train, test, test_renumbered)``, lists of ``Data`` with ``x`` (12, 1), ``edge_index``, ``y`` (1,).
    """
    seed = check_int("seed", seed, min_value=0)
    num_train = check_int("num_train", num_train, min_value=2)
    num_test = check_int("num_test", num_test, min_value=2)
    graphs = relabel_graphs(make_hub_graphs(num_train + num_test, num_nodes=NUM_NODES, seed=seed), seed=seed)
    test = graphs[num_train:]
    return graphs[:num_train], test, relabel_graphs(test, seed=seed + 10_000)


class TensorBatches:
    """Mini-batches ``(adj (B, N * N), y (B,))`` of flattened graphs, reshuffled at every pass (every epoch).

    The MLPs' counterpart of :class:`~gdl_teach.core.batches.ShuffledBatches`:
    the vectors are flattened once, so an epoch only slices tensors.

    Args:
        adj: (G, N * N) flattened adjacency matrices.
        y: (G,) labels.
        batch_size: graphs per batch.
        seed: seed of the shuffles.
    """

    def __init__(self, adj: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> None:
        self.adj = check_tensor("adj", adj, ndim=2, floating=True, nonempty=True)
        self.y = check_tensor("y", y, shape=(adj.shape[0],), integer=True)
        self.batch_size = check_int("batch_size", batch_size, min_value=1)
        self.generator = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        order = torch.randperm(self.adj.shape[0], generator=self.generator, device="cpu").to(self.adj.device)
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            yield self.adj[rows], self.y[rows]

    def __len__(self) -> int:
        return -(-self.adj.shape[0] // self.batch_size)  # ceil


def flat_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The :func:`~gdl_teach.core.training.fit` step of the MLPs: logits (B, 2) from ``(adj (B, N * N), y (B,))``."""
    adj, y = batch
    return model(adj), y


class AugmentedStep:
    """A :func:`~gdl_teach.core.training.fit` step that renumbers every training graph at random first.

    Augmentation by ``P A P^T`` (:func:`gdl_teach.euclid.baselines.relabel_adjacency`),
    a fresh permutation per graph and per step; validation and test graphs are read as given.

    Args:
        seed: seed of the permutations (drawn on the CPU, so the same on every device).
    """

    def __init__(self, seed: int) -> None:
        self.generator = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))

    def __call__(self, model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
        adj, y = batch
        if split == "train":
            adj = relabel_adjacency(adj.view(-1, NUM_NODES, NUM_NODES), self.generator).reshape(adj.shape)
        return model(adj), y


def train_for_budget(model: nn.Module, batches: Any, step: Callable[..., Any], budget: Budget,
                     device: torch.device | str | None = None) -> nn.Module:
    """Train ``model`` for exactly ``budget.num_steps`` Adam steps with :func:`~gdl_teach.core.training.fit`.

    Args:
        model: the model (trained in place, on ``device``).
        batches: a :class:`TensorBatches` or :class:`~gdl_teach.core.batches.ShuffledBatches` of
            ``budget.batch_size``; its batches per epoch must divide ``budget.num_steps``.
        step: how a batch becomes ``(logits, labels)``.
        budget: steps and learning rate.
        device: where to train; default :func:`gdl_teach.get_device`.
    """
    if budget.num_steps % len(batches):
        raise ValueError(f"budget.num_steps={budget.num_steps} must be a multiple of the {len(batches)} batches "
                         "per epoch, so that every model gets exactly the same number of steps")
    fit(model, batches, loss_fn=F.cross_entropy, epochs=budget.num_steps // len(batches), lr=budget.lr,
        step=step, progress=False, device=device)
    return model


@dataclass(frozen=True)
class Views:
    """The same graphs three ways: as graphs, as flattened adjacency vectors, and flattened in canonical order."""

    graphs: list[Data]
    flat: torch.Tensor  #: (G, N * N)
    canonical: torch.Tensor  #: (G, N * N), rows and columns in :func:`~gdl_teach.euclid.baselines.canonical_order`
    y: torch.Tensor  #: (G,)

    @classmethod
    def of(cls, graphs: list[Data]) -> Views:
        """Flatten ``graphs`` (each of :data:`NUM_NODES` nodes) once."""
        adj = dense_adjacency(graphs, NUM_NODES)  # (G, N, N)
        return cls(graphs, adj.flatten(1), canonical_adjacency(adj).flatten(1), torch.cat([g.y for g in graphs]))

    def head(self, count: int) -> Views:
        """The first ``count`` graphs."""
        return Views(self.graphs[:count], self.flat[:count], self.canonical[:count], self.y[:count])


def _labels(model: nn.Module, views: Views, kind: str) -> torch.Tensor:
    """(G,) predicted classes on the CPU; ``kind`` is ``"graph"``, ``"flat"`` or ``"canonical"``."""
    if kind == "graph":
        logits, _ = predict(model, [Batch.from_data_list(views.graphs)], step=graph_step)
    else:
        logits, _ = predict(model, [(getattr(views, kind), views.y)], step=flat_step)
    return logits.argmax(dim=1)


def _row(seed: int, model: str, setting: str, pred: torch.Tensor, pred_again: torch.Tensor, y: torch.Tensor,
         parameters: int) -> dict[str, Any]:
    y = y.cpu()
    return {"seed": seed, "model": model, "setting": setting, "accuracy": float((pred == y).float().mean()),
            "flips": float((pred != pred_again).float().mean()), "parameters": parameters}


def _neural_runs(budget: Budget, cost_factor: int) -> list[tuple[str, str, str, bool, Budget]]:
    """(model, setting, input kind, trained on the bigger set?, budget) of every neural run."""
    longer = replace(budget, num_steps=cost_factor * budget.num_steps)
    return [(BLIND, EQUAL, "flat", False, budget), (AUGMENTED, EQUAL, "flat", False, budget),
            (CANONICAL, EQUAL, "canonical", False, budget), (GNN, EQUAL, "graph", False, budget),
            (AUGMENTED, f"{cost_factor}x steps", "flat", False, longer),
            (CANONICAL, f"{cost_factor}x training graphs", "canonical", True, budget)]


def _train_neural(name: str, kind: str, train: Views, budget: Budget, seed: int,
                  device: torch.device | str | None) -> nn.Module:
    seed_everything(seed)
    if kind == "graph":
        model: nn.Module = GNNClassifier(in_channels=1, hidden_channels=32, out_channels=2)
        batches: Any = ShuffledBatches(train.graphs, batch_size=budget.batch_size, num_orders=4, seed=seed)
        step: Callable[..., Any] = graph_step
    else:
        model = MLP(NUM_NODES * NUM_NODES, (64,), 2)
        batches = TensorBatches(getattr(train, kind), train.y, budget.batch_size, seed)
        step = AugmentedStep(seed) if name == AUGMENTED else flat_step
    return train_for_budget(model, batches, step, budget, device)


def run_seed(seed: int, num_train: int = 100, budget: Budget | None = None, cost_factor: int = 4,
             device: torch.device | str | None = None) -> list[dict[str, Any]]:
    """Train and score every contender once, on one seed's graphs.

    Args:
        seed: seed of the graphs, their numberings, the initial weights and the shuffles.
        num_train: training graphs of the equal-budget runs.
        budget: the neural models' budget (default :class:`Budget`).
        cost_factor: the catch-up runs get this many times the steps (augmentation) or the graphs (canonical).
        device: where the neural models train; default :func:`gdl_teach.get_device`.

    Returns:
        One dict per run: ``seed, model, setting, accuracy, flips, parameters``.
    """
    budget = budget or Budget()
    cost_factor = check_int("cost_factor", cost_factor, min_value=1)
    big_train, test, test_again = (Views.of(g) for g in make_task(seed, cost_factor * num_train))
    train = big_train.head(num_train)
    rows = _feature_runs(seed, train, test, test_again)
    for name, setting, kind, big, run_budget in _neural_runs(budget, cost_factor):
        model = _train_neural(name, kind, big_train if big else train, run_budget, seed, device)
        rows.append(_row(seed, name, setting, _labels(model, test, kind), _labels(model, test_again, kind), test.y,
                         sum(p.numel() for p in model.parameters())))
    return rows


def _feature_runs(seed: int, train: Views, test: Views, test_again: Views) -> list[dict[str, Any]]:
    """The degree rule and a logistic regression (scikit-learn) on the degree histogram."""
    def adjacency(views: Views) -> torch.Tensor:
        return views.flat.view(-1, NUM_NODES, NUM_NODES).cpu()

    rule = DegreeRule().fit(adjacency(train), train.y.cpu())
    logistic = LogisticRegression(max_iter=1000).fit(degree_histogram(adjacency(train)).numpy(), train.y.cpu().numpy())

    def logistic_labels(views: Views) -> torch.Tensor:
        return torch.as_tensor(logistic.predict(degree_histogram(adjacency(views)).numpy()))

    return [_row(seed, RULE, EQUAL, rule.predict(adjacency(test)), rule.predict(adjacency(test_again)), test.y, 1),
            _row(seed, LOGISTIC, EQUAL, logistic_labels(test), logistic_labels(test_again), test.y, NUM_NODES + 1)]


def compare(seeds: Sequence[int] = tuple(range(10)), num_train: int = 100, budget: Budget | None = None,
            cost_factor: int = 4, device: torch.device | str | None = None, progress: bool = True) -> pd.DataFrame:
    """:func:`run_seed` over ``seeds``: one row per seed and run (a progress bar counts the seeds)."""
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    rows = [row for seed in tqdm(list(seeds), desc="seeds", disable=not progress, leave=False)
            for row in run_seed(seed, num_train, budget, cost_factor, device)]
    return pd.DataFrame(rows)


def summary_table(results: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds of each run's accuracy, its flips and its learned parameters.

    Args:
        results: the output of :func:`compare`.

    Returns:
        One row per (model, setting), equal-budget runs first, in the order of :data:`MODELS`.
    """
    grouped = results.groupby(["model", "setting"], sort=False)
    table = pd.DataFrame({
        "accuracy": grouped["accuracy"].mean(),
        "std": grouped["accuracy"].std(ddof=1),
        "flips": grouped["flips"].mean(),
        "parameters": grouped["parameters"].first(),
        "seeds": grouped["seed"].nunique(),
    })
    order = sorted(table.index, key=lambda key: (key[1] != EQUAL, MODELS.index(key[0])))
    return table.loc[order]


def format_table(table: pd.DataFrame) -> str:
    """:func:`summary_table` as text: accuracy as mean ± std, flips in percent, learned parameters, seeds.

    Equal-budget rows are named by their model alone, the catch-up rows by model and setting.
    """
    shown = pd.DataFrame({
        "test accuracy": [f"{a:.3f} ± {s:.3f}" for a, s in zip(table["accuracy"], table["std"])],
        "flips": [f"{100 * f:.1f}%" for f in table["flips"]],
        "learned parameters": table["parameters"].astype(int).to_numpy(),
        "seeds": table["seeds"].to_numpy(),
    }, index=[model if setting == EQUAL else f"{model}, {setting}" for model, setting in table.index])
    return shown.to_string()


def paired_test(results: pd.DataFrame, model_a: str, model_b: str, setting_a: str = EQUAL,
                setting_b: str = EQUAL) -> dict[str, float]:
    """Paired comparison over seeds of two runs' test accuracy (``scipy.stats.ttest_rel``).

    Returns:
        ``mean_difference`` (a minus b), ``p`` (two-sided; NaN when every seed gives the same
        difference), and the numbers of seeds where a wins, ties and loses.
    """
    def accuracies(model: str, setting: str) -> pd.Series:
        rows = results[(results["model"] == model) & (results["setting"] == setting)]
        if rows.empty:
            raise ValueError(f"no runs of {model!r} with setting {setting!r} in results")
        return rows.set_index("seed")["accuracy"].sort_index()

    a, b = accuracies(model_a, setting_a), accuracies(model_b, setting_b)
    if not a.index.equals(b.index):
        raise ValueError("the two runs must cover the same seeds to be paired")
    diff = (a - b).to_numpy()
    p = float(stats.ttest_rel(a, b).pvalue) if len(diff) > 1 and np.ptp(diff) > 0 else float("nan")
    return {"mean_difference": float(diff.mean()), "p": p, "wins": int((diff > 0).sum()),
            "ties": int((diff == 0).sum()), "losses": int((diff < 0).sum())}


def numbering_shortcut(seed: int = 0, num_train: int = 100, num_test: int = 200,
                       budget: Budget | None = None) -> dict[str, float]:
    """The MLP on the flattened adjacency, trained on graphs *as generated* (the hub is always node 0).

    Args:
        seed: seed of the graphs, the weights and the renumbering.
        num_train: training graphs.
        num_test: test graphs.
        budget: default :class:`Budget`.

    Returns:
        Test accuracy on graphs as generated and on the same graphs renumbered at random.
    """
    budget = budget or Budget()
    graphs = make_hub_graphs(num_train + num_test, num_nodes=NUM_NODES, seed=seed)
    train, test = Views.of(graphs[:num_train]), Views.of(graphs[num_train:])
    renumbered = Views.of(relabel_graphs(graphs[num_train:], seed=seed + 1))
    model = _train_neural(BLIND, "flat", train, budget, seed, device=None)
    return {"test, as generated": float((_labels(model, test, "flat") == test.y).float().mean()),
            "test, renumbered": float((_labels(model, renumbered, "flat") == renumbered.y).float().mean())}
