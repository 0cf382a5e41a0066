"""The from-scratch layers against PyG's: same weights, same outputs; and how fast each is.

* :func:`compare_with_pyg` - the seven from-scratch layers of :mod:`gdl_teach.nn.gcn`,
  :mod:`gdl_teach.nn.gin` and :mod:`gdl_teach.nn.gat` against PyG's
  ``GCNConv``/``GINConv``/``GATConv`` with the same weights;
* :func:`time_layers` - median time of a forward call of several layers on one
  graph (``scripts/bench_scatter.py`` runs it at any size).

The trained comparisons are in :mod:`~gdl_teach.message_passing.node_task`
and :mod:`~gdl_teach.message_passing.graph_task`.
"""
from __future__ import annotations

import time
from typing import Any

import torch
from torch import nn

from gdl_teach.core.device import cpu_threads
from gdl_teach.core.validate import check_edge_index, check_int, check_tensor
from gdl_teach.nn import gat, gcn, gin

__all__ = ["compare_with_pyg", "time_layers"]


def compare_with_pyg(x: torch.Tensor, edge_index: torch.Tensor, out_channels: int = 8,
                     seed: int = 0) -> dict[str, float]:
    """Run the seven from-scratch layers and PyG's ``GCNConv``/``GINConv``/``GATConv`` with the same weights.

    PyG's layers are built first (``GINConv`` with ``eps=0.1``, ``GATConv`` with
    one head); their ``state_dict`` is copied into ours. For the attention layer
    the attention weights are compared too (row ``GATScatter attention``).

    Args:
        x: (N, F) node features.
        edge_index: (2, E) edges.
        out_channels: F' of the layers.
        seed: seed of PyG's initial weights.

    Returns:
        ``{"GCNDense": max |ours - PyG|, ...}`` for the seven layers and the attention weights.
    """
    from torch_geometric.nn import GATConv, GCNConv, GINConv

    x = check_tensor("x", x, ndim=2, floating=True, nonempty=True)
    edge_index = check_edge_index("edge_index", edge_index, x.shape[0])
    out_channels = check_int("out_channels", out_channels, min_value=1)
    torch.manual_seed(check_int("seed", seed, min_value=0))
    in_channels = x.shape[1]
    pyg_gcn, pyg_gin = GCNConv(in_channels, out_channels), GINConv(gin.gin_mlp(in_channels, out_channels), eps=0.1)
    adj = gcn.dense_adjacency(edge_index, x.shape[0])
    diffs: dict[str, float] = {}
    with torch.no_grad(), cpu_threads(1):
        ref_gcn, ref_gin = pyg_gcn(x, edge_index), pyg_gin(x, edge_index)
        for cls, graph in ((gcn.GCNDense, adj), (gcn.GCNScatter, edge_index), (gcn.GCNMessagePassing, edge_index)):
            layer = cls(in_channels, out_channels)
            layer.load_state_dict(pyg_gcn.state_dict())
            diffs[cls.__name__] = float((layer(x, graph) - ref_gcn).abs().max())
        for cls, graph in ((gin.GINDense, adj), (gin.GINScatter, edge_index), (gin.GINMessagePassing, edge_index)):
            layer = cls(gin.gin_mlp(in_channels, out_channels))
            layer.load_state_dict(pyg_gin.state_dict())
            diffs[cls.__name__] = float((layer(x, graph) - ref_gin).abs().max())
        pyg_gat = GATConv(in_channels, out_channels, heads=1)
        ours = gat.GATScatter(in_channels, out_channels)
        ours.load_state_dict(pyg_gat.state_dict())
        (out, (_, alpha)), (ref, (_, ref_alpha)) = (layer(x, edge_index, return_attention_weights=True)
                                                    for layer in (ours, pyg_gat))
        diffs["GATScatter"] = float((out - ref).abs().max())
        diffs["GATScatter attention"] = float((alpha - ref_alpha).abs().max())
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
    with cpu_threads(num_threads):
        for layer in named_layers.values():
            call(layer)  # warm-up
        for _ in range(repeats):
            for name, layer in named_layers.items():
                start = time.perf_counter()
                call(layer)
                times[name].append(1000 * (time.perf_counter() - start))
    return pd.DataFrame({"median_ms": {n: float(torch.tensor(t).median()) for n, t in times.items()},
                         "best_ms": {n: min(t) for n, t in times.items()}})
