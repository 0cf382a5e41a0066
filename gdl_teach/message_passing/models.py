"""Reference graph neural networks built on PyG layers: node and graph classifiers.

Node classifiers share one signature, ``Model(in_dim, hidden, out_dim,
num_layers=2, dropout=0.5)``, and ``forward(x, edge_index) -> (N, C)``:

* :class:`GCN` - Kipf & Welling, *Semi-Supervised Classification with Graph
  Convolutional Networks*, ICLR 2017.
* :class:`GraphSAGE` - Hamilton, Ying & Leskovec, *Inductive Representation
  Learning on Large Graphs*, NeurIPS 2017.
* :class:`GAT` - Velickovic et al., *Graph Attention Networks*, ICLR 2018.
* :class:`GIN` - Xu, Hu, Leskovec & Jegelka, *How Powerful are Graph Neural
  Networks?*, ICLR 2019.

:class:`GraphClassifier` stacks the same layers, sums the node embeddings of
each graph (sum pooling) and classifies the sum: ``forward(x, edge_index,
batch) -> (B, C)``.

:func:`compare_node_models` and :func:`compare_graph_models` train every
model, plus the edge-blind :class:`gdl_teach.nn.mlp.MLP`, on the same
data with :func:`gdl_teach.core.training.fit` and return a table.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.nn import GATConv, GCNConv, GINConv, SAGEConv, global_add_pool

from gdl_teach.core.device import get_device, torch_threads
from gdl_teach.core.metrics import accuracy
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.training import ShuffledBatches, evaluate, fit
from gdl_teach.core.validate import check_batch, check_choice, check_edge_index, check_float, check_int, check_tensor
from gdl_teach.nn.mlp import MLP

GNN_NAMES = ("GCN", "GraphSAGE", "GAT", "GIN")
MODEL_NAMES = ("MLP", *GNN_NAMES)


class _NodeGNN(nn.Module):
    """A stack of ``num_layers`` graph layers with ReLU and dropout between them."""

    def __init__(self, in_dim: int, hidden: int, out_dim: int, num_layers: int = 2, dropout: float = 0.5) -> None:
        super().__init__()
        self.in_dim = check_int("in_dim", in_dim, min_value=1)
        self.hidden = check_int("hidden", hidden, min_value=1)
        self.out_dim = check_int("out_dim", out_dim, min_value=1)
        self.num_layers = check_int("num_layers", num_layers, min_value=1)
        self.dropout = check_float("dropout", dropout, min_value=0.0, max_value=1.0)
        dims = [in_dim] + [hidden] * (num_layers - 1) + [out_dim]
        self.convs = nn.ModuleList(self.make_conv(a, b, i == num_layers - 1)
                                   for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])))

    def make_conv(self, in_dim: int, out_dim: int, last: bool) -> nn.Module:  # pragma: no cover - abstract
        raise NotImplementedError

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """x: (N, in_dim), edge_index: (2, E) -> (N, out_dim) logits."""
        x = check_tensor("x", x, shape=(None, self.in_dim), floating=True, nonempty=True)
        edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
        for i, conv in enumerate(self.convs):
            x = F.dropout(x, self.dropout, self.training)
            x = conv(x, edge_index)
            if i < self.num_layers - 1:
                x = F.relu(x)
        return x


class GCN(_NodeGNN):
    """Graph convolutional network: ``h_i' = sum_j A_hat[i, j] W h_j`` (Kipf & Welling, ICLR 2017).

    Args:
        in_dim: input features F.
        hidden: width of the hidden layers.
        out_dim: classes C.
        num_layers: graph layers (each adds one hop to the receptive field).
        dropout: dropout probability before every layer.
    """

    def make_conv(self, in_dim: int, out_dim: int, last: bool) -> nn.Module:
        return GCNConv(in_dim, out_dim)


class GraphSAGE(_NodeGNN):
    """GraphSAGE with mean aggregation: ``h_i' = W_1 h_i + W_2 mean_j h_j`` (Hamilton et al., NeurIPS 2017).

    Args:
        in_dim: input features F.
        hidden: width of the hidden layers.
        out_dim: classes C.
        num_layers: graph layers.
        dropout: dropout probability before every layer.
    """

    def make_conv(self, in_dim: int, out_dim: int, last: bool) -> nn.Module:
        return SAGEConv(in_dim, out_dim, aggr="mean")


class GAT(_NodeGNN):
    """Graph attention network: neighbours weighted by learned attention (Velickovic et al., ICLR 2018).

    Hidden layers have ``heads`` attention heads of ``hidden // heads``
    features each, concatenated; the last layer has one head.

    Args:
        in_dim: input features F.
        hidden: width of the hidden layers (divisible by ``heads``).
        out_dim: classes C.
        num_layers: graph layers.
        dropout: dropout probability before every layer (and on the attention weights).
        heads: attention heads of the hidden layers.
    """

    def __init__(self, in_dim: int, hidden: int, out_dim: int, num_layers: int = 2, dropout: float = 0.5,
                 heads: int = 4) -> None:
        self.heads = check_int("heads", heads, min_value=1)
        if check_int("hidden", hidden, min_value=1) % heads:
            raise ValueError(f"hidden must be divisible by heads={heads}, got hidden={hidden}")
        super().__init__(in_dim, hidden, out_dim, num_layers, dropout)

    def make_conv(self, in_dim: int, out_dim: int, last: bool) -> nn.Module:
        if last:
            return GATConv(in_dim, out_dim, heads=1, dropout=self.dropout)
        return GATConv(in_dim, out_dim // self.heads, heads=self.heads, dropout=self.dropout)


class GIN(_NodeGNN):
    """Graph isomorphism network: ``h_i' = MLP((1 + eps) h_i + sum_j h_j)`` (Xu et al., ICLR 2019).

    Args:
        in_dim: input features F.
        hidden: width of the hidden layers (and of each layer's MLP).
        out_dim: classes C.
        num_layers: graph layers.
        dropout: dropout probability before every layer.
    """

    def make_conv(self, in_dim: int, out_dim: int, last: bool) -> nn.Module:
        mlp = nn.Sequential(nn.Linear(in_dim, self.hidden), nn.ReLU(), nn.Linear(self.hidden, out_dim))
        return GINConv(mlp)


_NODE_CLASSES = {"GCN": GCN, "GraphSAGE": GraphSAGE, "GAT": GAT, "GIN": GIN}


def make_node_model(name: str, in_dim: int, hidden: int, out_dim: int, num_layers: int = 2,
                    dropout: float = 0.5) -> nn.Module:
    """Build one of :data:`MODEL_NAMES` as a node classifier; ``"MLP"`` ignores the edges.

    Args:
        name: ``"MLP"``, ``"GCN"``, ``"GraphSAGE"``, ``"GAT"`` or ``"GIN"``.
        in_dim: input features F.
        hidden: hidden width.
        out_dim: classes C.
        num_layers: layers (the MLP gets the same number of linear layers).
        dropout: dropout probability.
    """
    check_choice("name", name, MODEL_NAMES)
    if name == "MLP":
        num_layers = check_int("num_layers", num_layers, min_value=1)
        return MLP(in_dim, (hidden,) * (num_layers - 1), out_dim, dropout=dropout)
    return _NODE_CLASSES[name](in_dim, hidden, out_dim, num_layers=num_layers, dropout=dropout)


class GraphClassifier(nn.Module):
    """Graph classification: graph layers, sum pooling over each graph's nodes, then an MLP.

    With ``conv="gin"`` this is GIN with sum readout (Xu et al., ICLR 2019);
    sum pooling keeps the count of each kind of node, which mean and max
    pooling lose. ``conv="none"`` has no graph layers: the kit's
    :class:`~gdl_teach.nn.mlp.MLP` on each node's own features,
    summed - a baseline that never looks at the edges (DeepSets, Zaheer et
    al., NeurIPS 2017).

    Args:
        in_dim: node features F.
        hidden: width of the node embeddings.
        out_dim: classes C.
        conv: ``"gcn"``, ``"sage"``, ``"gat"``, ``"gin"`` or ``"none"``.
        num_layers: graph layers.
        dropout: dropout before the final layer.
    """

    CONVS = ("gcn", "sage", "gat", "gin", "none")

    def __init__(self, in_dim: int, hidden: int, out_dim: int, conv: str = "gin", num_layers: int = 3,
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.in_dim = check_int("in_dim", in_dim, min_value=1)
        hidden = check_int("hidden", hidden, min_value=1)
        out_dim = check_int("out_dim", out_dim, min_value=1)
        self.conv = check_choice("conv", conv, self.CONVS)
        num_layers = check_int("num_layers", num_layers, min_value=1)
        self.dropout = check_float("dropout", dropout, min_value=0.0, max_value=1.0)
        self.convs = nn.ModuleList(self._layer(in_dim if i == 0 else hidden, hidden) for i in range(num_layers))
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, out_dim))

    def _layer(self, a: int, b: int) -> nn.Module:
        if self.conv == "gcn":
            return GCNConv(a, b)
        if self.conv == "sage":
            return SAGEConv(a, b, aggr="mean")
        if self.conv == "gat":
            return GATConv(a, b // 4 if b % 4 == 0 else b, heads=4 if b % 4 == 0 else 1)
        if self.conv == "none":
            return MLP(a, (b,), b)  # node by node; never sees an edge
        return GINConv(nn.Sequential(nn.Linear(a, b), nn.ReLU(), nn.Linear(b, b)))

    def node_embeddings(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """Node embeddings after the graph layers, before pooling.

        Args:
            x: (N, F) node features.
            edge_index: (2, E) edges.

        Returns:
            (N, hidden).
        """
        x = check_tensor("x", x, shape=(None, self.in_dim), floating=True, nonempty=True)
        edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
        for layer in self.convs:
            x = F.relu(layer(x) if self.conv == "none" else layer(x, edge_index))
        return x

    def embed(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """Graph embeddings before the classifier head.

        Args:
            x: (N, F) node features of all graphs in the batch.
            edge_index: (2, E) edges.
            batch: (N,) graph id of every node (``None``: one graph).

        Returns:
            (B, hidden) sum of each graph's node embeddings.
        """
        h = self.node_embeddings(x, edge_index)
        batch = check_batch("batch", batch, h.shape[0], device=h.device)
        return global_add_pool(h, batch)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        """x: (N, F), edge_index: (2, E), batch: (N,) -> (B, C) logits."""
        h = self.embed(x, edge_index, batch)
        return self.head(F.dropout(h, self.dropout, self.training))


_GRAPH_CONVS = {"MLP": "none", "GCN": "gcn", "GraphSAGE": "sage", "GAT": "gat", "GIN": "gin"}


def make_graph_model(name: str, in_dim: int, hidden: int, out_dim: int, num_layers: int = 3,
                     dropout: float = 0.0) -> GraphClassifier:
    """Build one of :data:`MODEL_NAMES` as a :class:`GraphClassifier`; ``"MLP"`` ignores the edges.

    Args:
        name: ``"MLP"``, ``"GCN"``, ``"GraphSAGE"``, ``"GAT"`` or ``"GIN"``.
        in_dim: node features F.
        hidden: hidden width (a multiple of 4 gives GAT four heads).
        out_dim: classes C.
        num_layers: graph layers (node-wise MLP layers for ``"MLP"``).
        dropout: dropout before the final layer.
    """
    check_choice("name", name, MODEL_NAMES)
    return GraphClassifier(in_dim, hidden, out_dim, conv=_GRAPH_CONVS[name], num_layers=num_layers, dropout=dropout)


# --------------------------------------------------------------------------- training steps


def node_step(model: nn.Module, data: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A :func:`gdl_teach.core.training.fit` step for node tasks: ``(logits[mask], y[mask])``.

    An :class:`~gdl_teach.nn.mlp.MLP` is called with ``x`` alone (it
    never sees the edges); a GNN with ``(x, edge_index)``.

    Args:
        model: an MLP or a node classifier of this module.
        data: a PyG ``Data`` with ``x`` (N, F), ``edge_index``, ``y`` (N,) and ``<split>_mask``.
        split: ``"train"``, ``"val"`` or ``"test"``.
    """
    out = model(data.x) if isinstance(model, MLP) else model(data.x, data.edge_index)
    mask = getattr(data, f"{split}_mask")
    return out[mask], data.y[mask]


def graph_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A :func:`gdl_teach.core.training.fit` step for graph tasks: ``(logits (B, C), y (B,))``.

    Args:
        model: a :class:`GraphClassifier`.
        batch: a PyG ``Batch`` with ``x``, ``edge_index``, ``batch`` and ``y`` (B,).
        split: unused (the loader already holds one split).
    """
    return model(batch.x, batch.edge_index, batch.batch), batch.y.view(-1)


# --------------------------------------------------------------------------- experiments


def _check_node_data(name: str, data: Any) -> None:
    for attr in ("x", "edge_index", "y", "train_mask", "test_mask"):
        if getattr(data, attr, None) is None:
            raise ValueError(f"{name} must be a PyG Data with {attr} (e.g. load_karate_club()), it has none")


def _check_names(models: Sequence[str]) -> list[str]:
    if isinstance(models, str) or not models:
        raise TypeError(f"models must be a non-empty list of names from {list(MODEL_NAMES)}, got {models!r}")
    for m in models:
        check_choice("models", m, MODEL_NAMES)
    return list(models)


def _check_seeds(seeds: Sequence[int]) -> list[int]:
    if isinstance(seeds, int) or not seeds:
        raise TypeError(f"seeds must be a non-empty list of ints, e.g. (0, 1, 2), got {seeds!r}")
    return [check_int("seeds", s, min_value=0) for s in seeds]


def compare_node_models(datasets: dict[str, Any], models: Sequence[str] = MODEL_NAMES,
                        seeds: Sequence[int] = (0, 1, 2), hidden: int = 32, epochs: int = 200,
                        lr: float = 0.01, weight_decay: float = 5e-4, patience: int | None = 50,
                        progress: bool = True, device: torch.device | str | None = None) -> Any:
    """Train every model on every node-classification dataset with every seed; report test accuracy.

    A dataset with validation nodes (``val_mask`` with at least one node) is
    trained with early stopping on the validation loss and keeps the best
    weights; one without trains for ``epochs`` epochs.

    Args:
        datasets: ``{"name": Data}``; each ``Data`` has ``x``, ``edge_index``,
            ``y`` and ``train_mask``/``test_mask`` (optionally ``val_mask``).
        models: names from :data:`MODEL_NAMES`.
        seeds: seeds of initialisation and dropout.
        hidden: hidden width.
        epochs: maximum epochs.
        lr: Adam learning rate.
        weight_decay: L2 penalty.
        patience: early-stopping patience when validation nodes exist.
        progress: show one progress bar per dataset.
        device: where to train; default :func:`gdl_teach.get_device`.

    Returns:
        A pandas DataFrame with one row per (dataset, model, seed) and columns
        ``dataset``, ``model``, ``seed``, ``test_acc``, ``epochs``.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    if not isinstance(datasets, dict) or not datasets:
        raise TypeError(f"datasets must be a non-empty dict name -> Data, got {type(datasets).__name__}")
    names, seeds = _check_names(models), _check_seeds(seeds)
    device = torch.device(device) if device is not None else get_device()
    rows = []
    for dname, data in datasets.items():
        _check_node_data(f"datasets[{dname!r}]", data)
        has_val = getattr(data, "val_mask", None) is not None and bool(data.val_mask.any())
        bar = tqdm(total=len(names) * len(seeds), desc=f"{dname}", disable=not progress, leave=False)
        for name in names:
            for seed in seeds:
                seed_everything(seed)
                model = make_node_model(name, data.num_features, hidden, int(data.y.max()) + 1)
                with torch_threads(1):
                    hist = fit(model, data, data if has_val else None, loss_fn=F.cross_entropy, epochs=epochs,
                               lr=lr, weight_decay=weight_decay, step=node_step, device=device, progress=False,
                               patience=patience if has_val else None)
                acc = evaluate(model, data, accuracy, step=node_step, split="test", device=device)
                rows.append({"dataset": dname, "model": name, "seed": seed, "test_acc": acc, "epochs": hist.epochs})
                bar.update()
        bar.close()
    return pd.DataFrame(rows)


def split_graphs(graphs: Sequence[Any], val_fraction: float = 0.2, test_fraction: float = 0.2,
                 seed: int = 0) -> tuple[list[Any], list[Any], list[Any]]:
    """Shuffle a list of graphs and cut it into train, validation and test lists.

    Args:
        graphs: PyG ``Data`` objects.
        val_fraction: share of validation graphs.
        test_fraction: share of test graphs.
        seed: seed of the shuffle.
    """
    if not isinstance(graphs, (list, tuple)) or len(graphs) < 3:
        raise ValueError(f"graphs must be a list of at least 3 PyG Data objects, got {type(graphs).__name__}")
    check_float("val_fraction", val_fraction, min_value=0.0, max_value=0.9)
    check_float("test_fraction", test_fraction, min_value=0.0, max_value=0.9)
    if val_fraction + test_fraction >= 1:
        raise ValueError("val_fraction + test_fraction must be < 1")
    order = torch.randperm(len(graphs), generator=torch.Generator().manual_seed(check_int("seed", seed, min_value=0)))
    shuffled = [graphs[i] for i in order.tolist()]
    n_test, n_val = round(test_fraction * len(graphs)), round(val_fraction * len(graphs))
    return shuffled[n_test + n_val:], shuffled[n_test:n_test + n_val], shuffled[:n_test]


def compare_graph_models(graphs: Sequence[Any], models: Sequence[str] = MODEL_NAMES, seeds: Sequence[int] = (0,),
                         hidden: int = 32, num_layers: int = 3, epochs: int = 60, batch_size: int = 32,
                         lr: float = 0.01, patience: int | None = 20, progress: bool = True,
                         device: torch.device | str | None = None) -> tuple[Any, dict]:
    """Train every model as a :class:`GraphClassifier` on one train/val/test split; report test accuracy.

    Args:
        graphs: PyG ``Data`` objects with ``x``, ``edge_index`` and ``y`` (1,).
        models: names from :data:`MODEL_NAMES` (``"MLP"``: no edges).
        seeds: seeds of initialisation and batch order (the split is fixed, seed 0); the
            batches are collated once per seed (:class:`ShuffledBatches`).
        hidden: width of the node embeddings.
        num_layers: graph layers.
        epochs: maximum epochs.
        batch_size: graphs per batch.
        lr: Adam learning rate.
        patience: early-stopping patience on validation accuracy.
        progress: show a progress bar.
        device: where to train; default :func:`gdl_teach.get_device`.

    Returns:
        ``(table, trained)``: a DataFrame with columns ``model``, ``seed``,
        ``test_acc``, ``epochs`` and a dict ``{model name: trained model of the first seed}``
        (moved to the CPU).
    """
    import pandas as pd
    from torch_geometric.data import Batch
    from tqdm.auto import tqdm

    names, seeds = _check_names(models), _check_seeds(seeds)
    batch_size = check_int("batch_size", batch_size, min_value=1)
    device = torch.device(device) if device is not None else get_device()
    train, val, test = split_graphs(graphs)
    num_classes = int(max(int(g.y.max()) for g in graphs)) + 1
    if not val or not test:
        raise ValueError(f"graphs must hold enough graphs for a validation and a test split, got {len(graphs)}")
    val_batches, test_batches = [Batch.from_data_list(val)], [Batch.from_data_list(test)]
    loaders = {seed: ShuffledBatches(train, batch_size, seed=seed) for seed in seeds}
    rows, trained = [], {}
    bar = tqdm(total=len(names) * len(seeds), desc="graph task", disable=not progress, leave=False)
    for name in names:
        for seed in seeds:
            seed_everything(seed)
            loader = loaders[seed]
            loader._epoch = 0
            model = make_graph_model(name, graphs[0].num_features, hidden, num_classes, num_layers=num_layers)
            with torch_threads(1):
                hist = fit(model, loader, val_batches, loss_fn=F.cross_entropy, epochs=epochs, lr=lr,
                           step=graph_step, metric=accuracy, higher_is_better=True, patience=patience,
                           device=device, progress=False)
            acc = evaluate(model, test_batches, accuracy, step=graph_step, device=device)
            rows.append({"model": name, "seed": seed, "test_acc": acc, "epochs": hist.epochs})
            trained.setdefault(name, model.cpu())
            bar.update()
    bar.close()
    return pd.DataFrame(rows), trained


def summarize(table: Any, by: Sequence[str] = ("dataset", "model")) -> Any:
    """Mean and standard deviation of ``test_acc`` over seeds, one row per group.

    Args:
        table: what :func:`compare_node_models` or :func:`compare_graph_models` returned.
        by: columns to group by (those present in ``table``).

    Returns:
        A DataFrame with columns ``mean``, ``std``, ``seeds``.
    """
    if not hasattr(table, "groupby") or "test_acc" not in getattr(table, "columns", []):
        raise TypeError("table must be a DataFrame from compare_node_models / compare_graph_models")
    keys = [b for b in by if b in table.columns]
    if not keys:
        raise ValueError(f"by must name columns of table, got {list(by)}")
    grouped = table.groupby(keys, sort=False)["test_acc"]
    return grouped.agg(mean="mean", std="std", seeds="count").fillna(0.0).round(3)
