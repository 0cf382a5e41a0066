"""Mini-batches of a big graph by neighbour sampling (GraphSAGE), in the output format of PyG's ``NeighborLoader``.

A K-layer message-passing network needs, for a batch of seed nodes, only
their K-hop neighbourhood. Neighbour sampling keeps that neighbourhood small:
at hop k every node of the frontier keeps at most ``num_neighbors[k]`` of its
incoming edges, drawn uniformly without replacement (Hamilton et al.,
"Inductive Representation Learning on Large Graphs", NeurIPS 2017,
https://arxiv.org/abs/1706.02216). The memory of a step then depends on the
batch size and the fan-outs, not on the size of the graph.

PyG's ``NeighborLoader`` does this in compiled code (pyg-lib or torch-sparse);
:func:`neighbor_loader` uses it when one of them is importable. Otherwise the
kit's :class:`NeighborBatches` does the same in plain torch and yields the
same kind of ``Data``:

- ``n_id``: (N_sub,) the sampled nodes' ids in the full graph, **seed nodes first**,
  then the nodes each hop discovered, in the order they were met;
- ``edge_index``: (2, E_sub) the sampled edges, relabelled to positions in
  ``n_id``, pointing from the neighbour (row 0) to the node that samples it
  (row 1), hop by hop; ``e_id``: (E_sub,) their ids in the full graph;
- every node attribute (``x``, ``y``, masks) indexed by ``n_id``, every edge
  attribute by ``e_id``;
- ``batch_size``: the number of seeds (the first rows of any output),
  ``input_id``: the seeds' positions in ``input_nodes``,
  ``num_sampled_nodes`` / ``num_sampled_edges``: per hop.

With fan-outs that cover every neighbour (``-1``) the seeds' outputs equal
full-batch inference; ``tests/data/test_sampling.py`` checks that.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch_geometric.data import Data

from gdl_teach.core.validate import check_choice, check_edge_index, check_int, check_tensor

__all__ = ["InEdges", "in_edges", "sample_neighbors", "NeighborBatches", "pyg_sampler_available", "neighbor_loader"]


@dataclass(frozen=True)
class InEdges:
    """The incoming edges of every node, grouped by target (compressed sparse columns).

    The in-edges of node ``v`` are positions ``ptr[v]:ptr[v+1]``, in their order in ``edge_index``.

    Args:
        ptr: (N + 1,) start of each node's in-edges.
        src: (E,) the source node of each in-edge.
        eid: (E,) its column in the original ``edge_index``.
    """

    ptr: torch.Tensor
    src: torch.Tensor
    eid: torch.Tensor


def in_edges(edge_index: torch.Tensor, num_nodes: int) -> InEdges:
    """Group the edges of a graph by their target node, keeping their order within a node.

    Args:
        edge_index: (2, E) edges ``source -> target``.
        num_nodes: N.
    """
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    eid = torch.sort(edge_index[1], stable=True).indices  # stable: a node's edges keep their order
    counts = torch.bincount(edge_index[1], minlength=num_nodes)
    ptr = torch.cat([counts.new_zeros(1), torch.cumsum(counts, 0)])
    return InEdges(ptr=ptr, src=edge_index[0, eid], eid=eid)


def _sample_hop(graph: InEdges, frontier: torch.Tensor, fanout: int, generator: torch.Generator
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """For each frontier node, up to ``fanout`` in-edges drawn without replacement (all of them if ``fanout < 0``).

    Returns ``(which, pos)``: the frontier position each kept edge belongs to, and its position in ``graph``.
    """
    start, deg = graph.ptr[frontier], graph.ptr[frontier + 1] - graph.ptr[frontier]  # (F,), (F,)
    which = torch.repeat_interleave(torch.arange(frontier.numel()), deg)  # (T,) frontier slot of each candidate
    offset = torch.arange(which.numel()) - torch.repeat_interleave(torch.cumsum(deg, 0) - deg, deg)  # rank in slot
    if fanout >= 0 and bool((deg > fanout).any()):
        order = torch.argsort(torch.rand(which.numel(), generator=generator))  # a random order of all candidates,
        order = order[torch.sort(which[order], stable=True).indices]          # then grouped by frontier slot
        rank = torch.empty_like(offset)
        rank[order] = offset  # each candidate's random rank within its slot
        keep = rank < fanout
        which, offset = which[keep], offset[keep]  # kept edges stay in their original order
    return which, start[which] + offset


def sample_neighbors(graph: InEdges, seeds: torch.Tensor, num_neighbors: Sequence[int], generator: torch.Generator,
                     local: torch.Tensor | None = None) -> dict[str, Any]:
    """Sample the multi-hop neighbourhood of ``seeds`` and relabel it, seeds first.

    Args:
        graph: from :func:`in_edges`.
        seeds: (B,) distinct node ids.
        num_neighbors: fan-out per hop (``-1``: every neighbour).
        generator: the random stream.
        local: optional (N,) long scratch filled with ``-1`` (a loader reuses one; restored before returning).

    Returns:
        ``{"n_id": (N_sub,), "edge_index": (2, E_sub), "e_id": (E_sub,), "num_sampled_nodes": [B, ...],
        "num_sampled_edges": [...]}``.
    """
    if local is None:
        local = torch.full((graph.ptr.numel() - 1,), -1, dtype=torch.long)
    n_id, rows, cols, e_ids = [seeds], [], [], []
    local[seeds] = torch.arange(seeds.numel())
    frontier, num_nodes, num_edges = seeds, [seeds.numel()], []
    for fanout in num_neighbors:
        which, pos = _sample_hop(graph, frontier, fanout, generator)
        src = graph.src[pos]  # (E_k,) sampled neighbours, global ids
        unseen = src[local[src] < 0]
        uniq, inverse = torch.unique(unseen, return_inverse=True)
        first = torch.full((uniq.numel(),), unseen.numel()).scatter_reduce_(0, inverse, torch.arange(unseen.numel()),
                                                                            "amin")
        new = uniq[torch.argsort(first)]  # new nodes in the order they were met
        local[new] = torch.arange(new.numel()) + sum(num_nodes)
        rows.append(local[src])
        cols.append(local[frontier[which]])
        e_ids.append(graph.eid[pos])
        n_id.append(new)
        num_nodes.append(new.numel())
        num_edges.append(pos.numel())
        frontier = new
    n_id_all = torch.cat(n_id)
    local[n_id_all] = -1
    return {"n_id": n_id_all, "edge_index": torch.stack([torch.cat(rows), torch.cat(cols)]),
            "e_id": torch.cat(e_ids), "num_sampled_nodes": num_nodes, "num_sampled_edges": num_edges}


def _subgraph(data: Data, sample: dict[str, Any]) -> Data:
    """``data`` restricted to a sample: node attributes by ``n_id``, edge attributes by ``e_id``."""
    out = Data()
    for key, value in data.items():
        if key == "edge_index":
            out.edge_index = sample["edge_index"]
        elif key == "num_nodes":
            out.num_nodes = sample["n_id"].numel()
        elif data.is_node_attr(key):
            out[key] = value[sample["n_id"]]
        elif data.is_edge_attr(key):
            out[key] = value[sample["e_id"]]
        else:
            out[key] = value
    for key, value in sample.items():
        if key != "edge_index":
            out[key] = value
    return out


def _input_ids(input_nodes: Any, num_nodes: int) -> torch.Tensor:
    if input_nodes is None:
        return torch.arange(num_nodes)
    nodes = check_tensor("input_nodes", input_nodes, ndim=1)
    if nodes.dtype == torch.bool:
        check_tensor("input_nodes", nodes, shape=(num_nodes,))
        return nodes.nonzero().view(-1)
    nodes = check_tensor("input_nodes", nodes, integer=True)
    if nodes.numel() and (int(nodes.min()) < 0 or int(nodes.max()) >= num_nodes):
        raise ValueError(f"input_nodes must be node ids in [0, {num_nodes}), got values from "
                         f"{int(nodes.min())} to {int(nodes.max())}")
    if torch.unique(nodes).numel() != nodes.numel():
        raise ValueError("input_nodes must not repeat a node (each seed is sampled once per epoch)")
    return nodes


class NeighborBatches:
    """The kit's neighbour sampler: an iterable of subgraphs in the format of PyG's ``NeighborLoader``.

    Arguments as in ``torch_geometric.loader.NeighborLoader`` (directional
    sampling without replacement), plus ``seed``. Each pass over the object is
    one epoch over ``input_nodes``; the random stream continues from epoch to
    epoch, and the same ``seed`` repeats the same sequence of batches.

    Args:
        data: the full graph, with ``edge_index: (2, E)`` and node attributes such as ``x: (N, F)``.
        num_neighbors: fan-out per hop, e.g. ``[10, 5]``; ``-1`` keeps every neighbour at that hop.
        input_nodes: the seed nodes: ``None`` (all), a (N,) bool mask, or (S,) distinct node ids.
        batch_size: seeds per batch.
        shuffle: draw the batches in a new random order every epoch.
        seed: seed of the shuffles and of the neighbour draws.

    Shapes:
        - each batch: ``Data`` with ``n_id (N_sub,)``, ``edge_index (2, E_sub)``, ``e_id (E_sub,)``,
          node attributes ``(N_sub, ...)``, ``batch_size`` seeds first, ``input_id (batch_size,)``
    """

    def __init__(self, data: Data, num_neighbors: Sequence[int], input_nodes: Any = None, batch_size: int = 1,
                 shuffle: bool = False, seed: int = 0) -> None:
        if not isinstance(data, Data) or getattr(data, "edge_index", None) is None:
            raise TypeError(f"data must be a torch_geometric Data with an edge_index, got {type(data).__name__}")
        if isinstance(num_neighbors, (str, bytes)) or not isinstance(num_neighbors, Iterable):
            raise TypeError(f"num_neighbors must be a list of ints (one fan-out per hop), got {num_neighbors!r}")
        self.num_neighbors = [check_int("num_neighbors[k]", k, min_value=-1) for k in num_neighbors]
        if not self.num_neighbors or 0 in self.num_neighbors:
            raise ValueError(f"num_neighbors must list >= 1 hop of fan-outs >= 1 (or -1 for all), got {num_neighbors}")
        self.data = data
        self.graph = in_edges(data.edge_index, data.num_nodes)
        self.input_nodes = _input_ids(input_nodes, data.num_nodes)
        self.batch_size = check_int("batch_size", batch_size, min_value=1)
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
        self.shuffle = shuffle
        self.generator = torch.Generator().manual_seed(check_int("seed", seed, min_value=0))
        self._local = torch.full((data.num_nodes,), -1, dtype=torch.long)

    def __len__(self) -> int:
        return math.ceil(self.input_nodes.numel() / self.batch_size)

    def __iter__(self) -> Iterator[Data]:
        order = torch.arange(self.input_nodes.numel())
        if self.shuffle:
            order = torch.randperm(order.numel(), generator=self.generator)
        for input_id in torch.split(order, self.batch_size):
            seeds = self.input_nodes[input_id]
            sample = sample_neighbors(self.graph, seeds, self.num_neighbors, self.generator, self._local)
            out = _subgraph(self.data, sample)
            out.input_id, out.batch_size = input_id, seeds.numel()
            yield out


def pyg_sampler_available() -> bool:
    """True when PyG's ``NeighborLoader`` can sample here (pyg-lib or torch-sparse is importable)."""
    import torch_geometric.typing

    return bool(torch_geometric.typing.WITH_PYG_LIB or torch_geometric.typing.WITH_TORCH_SPARSE)


def neighbor_loader(data: Data, num_neighbors: Sequence[int], input_nodes: Any = None, batch_size: int = 1,
                    shuffle: bool = False, seed: int = 0, backend: str = "auto") -> Iterable[Data]:
    """Neighbour-sampled mini-batches: PyG's ``NeighborLoader`` where it can run, else the kit's :class:`NeighborBatches`.

    Both yield ``Data`` batches of the same format (see the module docstring),
    so the training code is the same. PyG's shuffling is seeded with ``seed``;
    its neighbour draws come from its backend's own random stream.

    Args:
        data, num_neighbors, input_nodes, batch_size, shuffle, seed: as in :class:`NeighborBatches`.
        backend: ``"auto"`` (PyG when available), ``"pyg"`` (raise when it is not) or ``"kit"``.
    """
    check_choice("backend", backend, ["auto", "pyg", "kit"])
    use_pyg = backend == "pyg" or (backend == "auto" and pyg_sampler_available())
    if use_pyg and not pyg_sampler_available():
        raise ImportError("backend='pyg' needs pyg-lib or torch-sparse, neither is importable here; "
                          "use backend='kit' (or 'auto') for the kit's own sampler")
    if not use_pyg:
        return NeighborBatches(data, num_neighbors, input_nodes, batch_size, shuffle, seed)
    from torch_geometric.loader import NeighborLoader

    return NeighborLoader(data, num_neighbors=list(num_neighbors), input_nodes=input_nodes, batch_size=batch_size,
                          shuffle=shuffle, generator=torch.Generator().manual_seed(seed))
