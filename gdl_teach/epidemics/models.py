"""Who is infected next? A GNN on the contact network and the non-graph baselines it is compared with (lesson 04).

- :class:`EpidemicGNN`: message passing with PyG's own layers, ``SAGEConv``
  (Hamilton, Ying & Leskovec, "Inductive Representation Learning on Large
  Graphs", NeurIPS 2017), ``GCNConv`` (Kipf & Welling, "Semi-Supervised
  Classification with Graph Convolutional Networks", ICLR 2017) or ``GATConv``
  (Velickovic et al., "Graph Attention Networks", ICLR 2018).
- :func:`fit_logistic`: logistic regression on chosen feature columns, the
  non-graph baselines (the town-wide rate, and each person's own features).
- :func:`train_risk_gnn` / :func:`predict_risk`: training and inference on an
  :class:`~gdl_teach.epidemics.data.OutbreakDataset`, scored on the people who
  are susceptible at the snapshot.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.data import Batch, Data
from torch_geometric.loader import DataLoader
from torch_geometric.nn import GATConv, GCNConv, SAGEConv

from gdl_teach.core.device import get_device, torch_threads
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.training import History, fit
from gdl_teach.core.validate import check_choice, check_edge_index, check_float, check_int, check_tensor

CONVS = ("sage", "gcn", "gat")


class EpidemicGNN(nn.Module):
    """Per-person infection risk (a logit) from own features and the states of the contacts.

    ``num_layers`` rounds of message passing, each followed by ReLU, then a
    linear head: ``h^(l+1)_i = ReLU(conv(h^(l))_i)``, ``logit_i = w . h^(L)_i + b``.
    Two layers let a person see contacts of contacts: who may infect them
    through someone else within the horizon.

    Layers (PyG): ``"sage"`` is ``SAGEConv(aggr="sum")`` (Hamilton et al.,
    NeurIPS 2017) and ignores edge weights; ``"gcn"`` is ``GCNConv`` (Kipf &
    Welling, ICLR 2017) with edge weights in its normalised average; ``"gat"``
    is ``GATConv`` (Velickovic et al., ICLR 2018) with the edge weight as edge
    feature of its attention.

    Args:
        in_dim: input features F (10 for :data:`~gdl_teach.epidemics.data.FEATURE_NAMES`).
        hidden: width of each layer.
        num_layers: rounds of message passing (>= 1).
        conv: ``"sage"``, ``"gcn"`` or ``"gat"``.
        dropout: dropout before the head.
    """

    def __init__(self, in_dim: int = 10, hidden: int = 32, num_layers: int = 2, conv: str = "sage",
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.in_dim = check_int("in_dim", in_dim, min_value=1)
        hidden = check_int("hidden", hidden, min_value=1)
        num_layers = check_int("num_layers", num_layers, min_value=1)
        self.conv = check_choice("conv", conv, CONVS)
        self.dropout = check_float("dropout", dropout, min_value=0.0, max_value=1.0)
        dims = [in_dim] + [hidden] * num_layers
        self.convs = nn.ModuleList(_make_conv(conv, a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor,
                edge_weight: torch.Tensor | None = None) -> torch.Tensor:
        """Risk logits.

        Args:
            x: (N, F) node features.
            edge_index: (2, E) contacts, both directions.
            edge_weight: (E,) contact weights (used by ``"gcn"`` and ``"gat"``).

        Returns:
            logit: (N,); ``torch.sigmoid(logit)`` is the predicted probability.
        """
        check_tensor("x", x, shape=(None, self.in_dim), floating=True)
        check_edge_index("edge_index", edge_index, x.shape[0])
        if edge_weight is not None:
            check_tensor("edge_weight", edge_weight, shape=(edge_index.shape[1],), floating=True)
        h = x
        for conv in self.convs:
            h = F.relu(self.message_pass(conv, h, edge_index, edge_weight))  # (N, hidden)
        h = F.dropout(h, self.dropout, self.training)
        return self.head(h).squeeze(-1)  # (N,)

    def message_pass(self, conv: nn.Module, h: torch.Tensor, edge_index: torch.Tensor,
                     edge_weight: torch.Tensor | None) -> torch.Tensor:
        """One layer: call the PyG ``conv`` with the edge information it understands."""
        if self.conv == "sage" or edge_weight is None:
            return conv(h, edge_index)
        if self.conv == "gcn":
            return conv(h, edge_index, edge_weight)
        return conv(h, edge_index, edge_attr=edge_weight.unsqueeze(-1))  # gat: (E, 1) edge features


def _make_conv(kind: str, a: int, b: int) -> nn.Module:
    if kind == "sage":
        return SAGEConv(a, b, aggr="sum")
    if kind == "gcn":
        return GCNConv(a, b)
    return GATConv(a, b, heads=1, edge_dim=1)


def risk_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The :func:`gdl_teach.core.training.fit` step: logits and labels of the susceptible people in ``batch``.

    Args:
        model: an :class:`EpidemicGNN`.
        batch: a PyG ``Batch`` of snapshots with ``x``, ``edge_index``,
            ``edge_weight``, ``y`` (N,) and ``mask`` (N,).
        split: unused (the split is chosen by which snapshots are passed).
    """
    logit = model(batch.x, batch.edge_index, getattr(batch, "edge_weight", None))
    return logit[batch.mask], batch.y[batch.mask]


def batches(dataset: Any, batch_size: int = 8) -> list[Batch]:
    """Collate a dataset of snapshots into a fixed list of PyG batches (collated once, reused every epoch)."""
    batch_size = check_int("batch_size", batch_size, min_value=1)
    return list(DataLoader(dataset, batch_size=batch_size, shuffle=False))


def train_risk_gnn(
    train: Any,
    val: Any,
    *,
    conv: str = "sage",
    hidden: int = 32,
    num_layers: int = 2,
    epochs: int = 20,
    lr: float = 5e-3,
    batch_size: int = 8,
    patience: int = 5,
    seed: int = 0,
    num_threads: int | None = 1,
    progress: bool = True,
) -> tuple[EpidemicGNN, History]:
    """Train an :class:`EpidemicGNN` with binary cross-entropy on susceptible people; early stopping on val ROC-AUC.

    Args:
        train: training snapshots (an ``OutbreakDataset`` or list of ``Data``).
        val: validation snapshots.
        conv: layer kind, see :class:`EpidemicGNN`.
        hidden: layer width.
        num_layers: rounds of message passing.
        epochs: maximum epochs.
        lr: Adam learning rate.
        batch_size: snapshots per step.
        patience: epochs without val improvement before stopping.
        seed: seeds the initial weights and the batch order.
        num_threads: CPU threads torch may use while training (restored after);
            ``None`` keeps the current setting. The default 1 is deliberate: these
            batches are small sparse operations, where synchronising threads
            costs more than it saves, many times more on a busy shared CPU.
        progress: show tqdm bars.

    Returns:
        ``(model, history)``; the model holds the best weights seen on val.
    """
    from gdl_teach.core.metrics import roc_auc

    if len(train) == 0 or len(val) == 0:
        raise ValueError("train and val must each hold at least one snapshot")
    seed_everything(check_int("seed", seed, min_value=0))
    model = EpidemicGNN(int(train[0].x.shape[1]), hidden, num_layers, conv)
    loader = DataLoader(train, batch_size=check_int("batch_size", batch_size, min_value=1), shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    if num_threads is not None:
        check_int("num_threads", num_threads, min_value=1)
    with torch_threads(num_threads):
        history = fit(model, loader, batches(val, 32), loss_fn=F.binary_cross_entropy_with_logits, epochs=epochs,
                      lr=lr, step=risk_step, metric=roc_auc, higher_is_better=True, patience=patience,
                      progress=progress, desc=f"GNN ({conv})", device=get_device())
    return model, history


@torch.no_grad()
def predict_risk(model: nn.Module, data: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Predicted probabilities and labels of the susceptible people of every snapshot.

    Args:
        model: a trained :class:`EpidemicGNN`.
        data: one snapshot ``Data`` or a dataset/list of them.

    Returns:
        ``(prob, y)``, both (M,) over the susceptible people, in dataset order.
    """
    items = [data] if isinstance(data, Data) else batches(data, 32)
    device = next(model.parameters()).device
    model.eval()
    probs, ys = [], []
    for batch in items:
        logit, y = risk_step(model, batch.to(device), "test")
        probs.append(torch.sigmoid(logit).cpu())
        ys.append(y.cpu())
    return torch.cat(probs), torch.cat(ys)


@torch.no_grad()
def risk_scores(model: nn.Module, data: Data) -> torch.Tensor:
    """Predicted probability for everyone in one snapshot (N,), not only the susceptible."""
    device = next(model.parameters()).device
    model.eval()
    d = data.to(device)
    return torch.sigmoid(model(d.x, d.edge_index, getattr(d, "edge_weight", None))).cpu()


def susceptible_rows(data: Any, columns: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Feature columns and labels of the susceptible people of every snapshot, as NumPy arrays.

    Args:
        data: a dataset or list of snapshot ``Data``.
        columns: which columns of ``x`` to keep.

    Returns:
        ``(X, y)``: (M, len(columns)) and (M,).
    """
    if len(data) == 0:
        raise ValueError("data must hold at least one snapshot")
    columns = list(columns)
    width = int(data[0].x.shape[1])
    if not columns or any(not 0 <= int(c) < width for c in columns):
        raise ValueError(f"columns must be a non-empty list of column indices in [0, {width - 1}], got {columns}")
    xs, ys = [], []
    for d in data:
        xs.append(d.x[d.mask][:, columns])
        ys.append(d.y[d.mask])
    return torch.cat(xs).numpy(), torch.cat(ys).numpy()


class LogisticBaseline:
    """Logistic regression on some feature columns: a model that sees each person alone.

    Args:
        columns: indices into the snapshot features (see ``FEATURE_NAMES``).
        name: label for tables.
    """

    def __init__(self, columns: Sequence[int], name: str) -> None:
        from sklearn.linear_model import LogisticRegression

        self.columns = list(columns)
        self.name = name
        self.model = LogisticRegression(max_iter=2000)

    def fit(self, data: Any) -> LogisticBaseline:
        """Fit on the susceptible people of the snapshots in ``data``."""
        X, y = susceptible_rows(data, self.columns)
        if len(np.unique(y)) < 2:
            raise ValueError("the training snapshots must contain both infected and not-infected people")
        self.model.fit(X, y)
        return self

    def scores(self, data: Data) -> torch.Tensor:
        """Predicted probability for everyone in one snapshot (N,), like :func:`risk_scores`."""
        if not isinstance(data, Data):
            raise TypeError(f"data must be one snapshot Data, got {type(data).__name__}")
        return torch.as_tensor(self.model.predict_proba(data.x[:, self.columns].numpy())[:, 1])

    def predict(self, data: Any) -> tuple[torch.Tensor, torch.Tensor]:
        """``(prob, y)`` over the susceptible people of ``data``, like :func:`predict_risk`."""
        X, y = susceptible_rows(data, self.columns)
        return torch.as_tensor(self.model.predict_proba(X)[:, 1]), torch.as_tensor(y)


def fit_logistic(train: Any, columns: Sequence[int], name: str) -> LogisticBaseline:
    """Fit a :class:`LogisticBaseline` on ``columns`` of the training snapshots."""
    return LogisticBaseline(columns, name).fit(train)


def score_table(predictions: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> Any:
    """A pandas DataFrame of ROC-AUC (higher is better) and Brier score (lower is better) per model.

    Args:
        predictions: model name -> ``(prob (M,), y (M,))`` on the same people.
    """
    import pandas as pd

    from gdl_teach.core.metrics import brier, roc_auc

    if not predictions:
        raise ValueError("predictions must name at least one model")
    rows = []
    for name, (prob, y) in predictions.items():
        rows.append({"model": name, "ROC-AUC": round(roc_auc(prob, y), 4), "Brier": round(brier(prob, y), 5)})
    return pd.DataFrame(rows).set_index("model")


def monte_carlo_comparison(
    G: Any,
    snapshots: Sequence[Data],
    scorers: dict[str, Any],
    *,
    horizon: float,
    tau: float,
    gamma: float,
    n_sims: int = 200,
    seed: int = 0,
) -> tuple[list[np.ndarray], dict[str, list[np.ndarray]]]:
    """Each model's predicted risk next to EoN's Monte Carlo risk, on the susceptible people of a few snapshots.

    Args:
        G: the contact network (a networkx graph on ``0..N-1``).
        snapshots: snapshot ``Data`` objects with ``state`` (N,) and ``mask`` (N,).
        scorers: model name -> function ``snapshot -> (N,)`` probabilities,
            e.g. ``lambda d: risk_scores(gnn, d)``.
        horizon: h in days.
        tau: transmission rate per edge.
        gamma: recovery rate.
        n_sims: EoN reruns per snapshot (see :func:`~gdl_teach.epidemics.data.monte_carlo_risk`).
        seed: snapshot ``j`` uses seed ``seed + j``.

    Returns:
        ``(mc, predicted)``: per snapshot, the (M_s,) Monte Carlo risks, and
        per model name the matching (M_s,) predictions.
    """
    from gdl_teach.epidemics.data import monte_carlo_risk

    if not snapshots:
        raise ValueError("snapshots must hold at least one snapshot")
    if not scorers:
        raise ValueError("scorers must name at least one model")
    mc: list[np.ndarray] = []
    predicted: dict[str, list[np.ndarray]] = {name: [] for name in scorers}
    for j, snap in enumerate(snapshots):
        sus = snap.mask.cpu().numpy()
        mc.append(monte_carlo_risk(G, snap.state, horizon, tau=tau, gamma=gamma, n_sims=n_sims, seed=seed + j)[sus])
        for name, scorer in scorers.items():
            predicted[name].append(np.asarray(torch.as_tensor(scorer(snap)).detach().cpu())[sus])
    return mc, predicted
