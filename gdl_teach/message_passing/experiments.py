"""The lesson's experiments: from-scratch layers against PyG, and every model trained on the same data.

* :func:`compare_with_pyg` - the six from-scratch layers of :mod:`gdl_teach.nn.gcn`
  and :mod:`gdl_teach.nn.gin` against PyG's ``GCNConv``/``GINConv`` with the same weights;
* :func:`time_layers` - median time of a forward call of several layers on one graph;
* :func:`compare_node_models` and :func:`compare_graph_models` - train every
  model of :mod:`gdl_teach.message_passing.models`, plus the edge-blind
  :class:`gdl_teach.nn.mlp.MLP`, with :func:`gdl_teach.core.training.fit` and
  return a table of test accuracies; :func:`summarize` averages it over seeds.

Models and batches go to ``device`` (default :func:`gdl_teach.get_device`);
``fit`` copies the learner's ``Data`` there instead of moving it, and every
number returned is a plain float.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from gdl_teach.core.batches import ShuffledBatches
from gdl_teach.core.device import get_device, torch_threads
from gdl_teach.core.metrics import accuracy
from gdl_teach.core.seed import seed_everything
from gdl_teach.core.splits import random_split
from gdl_teach.core.training import evaluate, fit
from gdl_teach.core.validate import check_choice, check_edge_index, check_float, check_int, check_tensor
from gdl_teach.message_passing.models import MODEL_NAMES, make_graph_model, make_node_model
from gdl_teach.nn import gcn, gin
from gdl_teach.nn.mlp import MLP

__all__ = ["compare_with_pyg", "time_layers", "node_step", "graph_step", "compare_node_models", "split_graphs",
           "compare_graph_models", "summarize"]


def compare_with_pyg(x: torch.Tensor, edge_index: torch.Tensor, out_channels: int = 8,
                     seed: int = 0) -> dict[str, float]:
    """Run the six from-scratch layers and PyG's ``GCNConv``/``GINConv`` with the same weights.

    PyG's layers are built first (``GINConv`` with ``eps=0.1``); their
    ``state_dict`` is copied into ours.

    Args:
        x: (N, F) node features.
        edge_index: (2, E) edges.
        out_channels: F' of the layers.
        seed: seed of PyG's initial weights.

    Returns:
        ``{"GCNDense": max |ours - PyG|, ...}`` for the six layers.
    """
    from torch_geometric.nn import GCNConv, GINConv

    x = check_tensor("x", x, ndim=2, floating=True, nonempty=True)
    edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
    out_channels = check_int("out_channels", out_channels, min_value=1)
    torch.manual_seed(check_int("seed", seed, min_value=0))
    in_channels = x.shape[1]
    pyg_gcn, pyg_gin = GCNConv(in_channels, out_channels), GINConv(gin.gin_mlp(in_channels, out_channels), eps=0.1)
    adj = gcn.dense_adjacency(edge_index, x.shape[0])
    diffs: dict[str, float] = {}
    with torch.no_grad():
        ref_gcn, ref_gin = pyg_gcn(x, edge_index), pyg_gin(x, edge_index)
        for cls, graph in ((gcn.GCNDense, adj), (gcn.GCNScatter, edge_index), (gcn.GCNMessagePassing, edge_index)):
            layer = cls(in_channels, out_channels)
            layer.load_state_dict(pyg_gcn.state_dict())
            diffs[cls.__name__] = float((layer(x, graph) - ref_gcn).abs().max())
        for cls, graph in ((gin.GINDense, adj), (gin.GINScatter, edge_index), (gin.GINMessagePassing, edge_index)):
            layer = cls(gin.gin_mlp(in_channels, out_channels))
            layer.load_state_dict(pyg_gin.state_dict())
            diffs[cls.__name__] = float((layer(x, graph) - ref_gin).abs().max())
    return diffs


def time_layers(named_layers: dict[str, nn.Module], x: torch.Tensor, edge_index: torch.Tensor, repeats: int = 10,
                backward: bool = False, num_threads: int | None = 1) -> Any:
    """Time ``layer(x, edge_index)`` for several layers, called in turn ``repeats`` times each after a warm-up.

    Alternating the layers spreads a busy machine's slow moments over all of
    them; the median is the steadier number (a single lucky call can be much
    faster than typical), the best time a second opinion. Wall-clock times:
    they vary between machines and runs, a ratio of two layers less so.

    Args:
        named_layers: ``{name: layer}``, each called as ``layer(x, edge_index)``.
        x: (N, F) node features.
        edge_index: (2, E) edges.
        repeats: timed calls per layer.
        backward: time forward + backward of ``output.sum()`` instead of the forward pass alone.
        num_threads: CPU threads during the timing (restored afterwards); ``None`` keeps torch's setting.

    Returns:
        A pandas DataFrame indexed by name with columns ``median_ms`` and ``best_ms``.
    """
    import pandas as pd

    if not isinstance(named_layers, dict) or not named_layers:
        raise TypeError(f"named_layers must be a non-empty dict name -> layer, got {type(named_layers).__name__}")
    repeats = check_int("repeats", repeats, min_value=1)

    def call(layer: nn.Module) -> None:
        if backward:
            layer(x, edge_index).sum().backward()
        else:
            with torch.no_grad():
                layer(x, edge_index)
        if x.is_cuda:
            torch.cuda.synchronize()  # GPU calls return before the work is done

    times: dict[str, list[float]] = {name: [] for name in named_layers}
    with torch_threads(num_threads):
        for layer in named_layers.values():
            call(layer)  # warm-up
        for _ in range(repeats):
            for name, layer in named_layers.items():
                start = time.perf_counter()
                call(layer)
                times[name].append(1000 * (time.perf_counter() - start))
    return pd.DataFrame({"median_ms": {n: float(torch.tensor(t).median()) for n, t in times.items()},
                         "best_ms": {n: min(t) for n, t in times.items()}})


def node_step(model: nn.Module, data: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A :func:`gdl_teach.core.training.fit` step for node tasks: ``(logits[mask] (M, C), y[mask] (M,))``.

    An :class:`~gdl_teach.nn.mlp.MLP` is called with ``x`` alone (it
    never sees the edges); a GNN with ``(x, edge_index)``.

    Args:
        model: an MLP or a node classifier of :mod:`gdl_teach.message_passing.models`.
        data: a PyG ``Data`` with ``x`` (N, F), ``edge_index``, ``y`` (N,) and ``<split>_mask``.
        split: ``"train"``, ``"val"`` or ``"test"``.
    """
    out = model(data.x) if isinstance(model, MLP) else model(data.x, data.edge_index)
    mask = getattr(data, f"{split}_mask")
    return out[mask], data.y[mask]


def graph_step(model: nn.Module, batch: Any, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A :func:`gdl_teach.core.training.fit` step for graph tasks: ``(logits (B, C), y (B,))``.

    The model is told ``batch.num_graphs``, PyG's count of graphs in the batch.

    Args:
        model: a :class:`~gdl_teach.message_passing.models.GraphClassifier`.
        batch: a PyG ``Batch`` with ``x``, ``edge_index``, ``batch`` and ``y`` (B,).
        split: unused (the loader already holds one split).
    """
    return model(batch.x, batch.edge_index, batch.batch, batch.num_graphs), batch.y.view(-1)


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
                        seeds: Sequence[int] = (0, 1, 2), hidden_channels: int = 32, epochs: int = 200,
                        lr: float = 0.01, weight_decay: float = 5e-4, patience: int | None = 50,
                        progress: bool = True, device: torch.device | str | None = None) -> Any:
    """Train every model on every node-classification dataset with every seed; report test accuracy.

    A dataset with validation nodes (``val_mask`` with at least one node) is
    trained with early stopping on the validation loss and keeps the best
    weights; one without trains for ``epochs`` epochs.

    Args:
        datasets: ``{"name": Data}``; each ``Data`` has ``x``, ``edge_index``,
            ``y`` and ``train_mask``/``test_mask`` (optionally ``val_mask``).
        models: names from :data:`~gdl_teach.message_passing.models.MODEL_NAMES`.
        seeds: seeds of initialisation and dropout.
        hidden_channels: hidden width.
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
                model = make_node_model(name, data.num_features, hidden_channels, int(data.y.max()) + 1)
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
    """Cut a list of graphs at random into train, validation and test lists (:func:`gdl_teach.core.splits.random_split`).

    Args:
        graphs: PyG ``Data`` objects.
        val_fraction: share of validation graphs.
        test_fraction: share of test graphs.
        seed: seed of the shuffle.
    """
    if not isinstance(graphs, (list, tuple)) or len(graphs) < 3:
        raise ValueError(f"graphs must be a list of at least 3 PyG Data objects, got {type(graphs).__name__}")
    val_fraction = check_float("val_fraction", val_fraction, min_value=0.0, max_value=0.9)
    test_fraction = check_float("test_fraction", test_fraction, min_value=0.0, max_value=0.9)
    if val_fraction + test_fraction >= 1:
        raise ValueError("val_fraction + test_fraction must be < 1")
    fractions = (1 - val_fraction - test_fraction, val_fraction, test_fraction)
    train, val, test = random_split(len(graphs), fractions, seed=check_int("seed", seed, min_value=0))
    return [graphs[i] for i in train.tolist()], [graphs[i] for i in val.tolist()], [graphs[i] for i in test.tolist()]


def compare_graph_models(graphs: Sequence[Any], models: Sequence[str] = MODEL_NAMES, seeds: Sequence[int] = (0,),
                         hidden_channels: int = 32, num_layers: int = 3, epochs: int = 60, batch_size: int = 32,
                         lr: float = 0.01, patience: int | None = 20, progress: bool = True,
                         device: torch.device | str | None = None) -> tuple[Any, dict]:
    """Train every model as a :class:`~gdl_teach.message_passing.models.GraphClassifier` on one split; report test accuracy.

    Args:
        graphs: PyG ``Data`` objects with ``x``, ``edge_index`` and ``y`` (1,).
        models: names from :data:`~gdl_teach.message_passing.models.MODEL_NAMES` (``"MLP"``: no edges).
        seeds: seeds of initialisation and batch order (the split is fixed: :func:`split_graphs`, seed 0);
            the batches are collated once per seed (:class:`~gdl_teach.core.batches.ShuffledBatches`).
        hidden_channels: width of the node embeddings.
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
        (on the CPU).
    """
    import pandas as pd
    from torch_geometric.data import Batch
    from tqdm.auto import tqdm

    names, seeds = _check_names(models), _check_seeds(seeds)
    batch_size = check_int("batch_size", batch_size, min_value=1)
    device = torch.device(device) if device is not None else get_device()
    train, val, test = split_graphs(graphs)
    if not val or not test:
        raise ValueError(f"graphs must hold enough graphs for a validation and a test split, got {len(graphs)}")
    num_classes = int(max(int(g.y.max()) for g in graphs)) + 1
    val_batches, test_batches = [Batch.from_data_list(val)], [Batch.from_data_list(test)]
    loaders = {seed: ShuffledBatches(train, batch_size, seed=seed) for seed in seeds}
    rows, trained = [], {}
    bar = tqdm(total=len(names) * len(seeds), desc="graph task", disable=not progress, leave=False)
    for name in names:
        for seed in seeds:
            seed_everything(seed)
            loaders[seed].set_epoch(0)  # every model sees the same batch orders
            model = make_graph_model(name, graphs[0].num_features, hidden_channels, num_classes,
                                     num_layers=num_layers)
            with torch_threads(1):
                hist = fit(model, loaders[seed], val_batches, loss_fn=F.cross_entropy, epochs=epochs, lr=lr,
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
