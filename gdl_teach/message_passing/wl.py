"""The 1-dimensional Weisfeiler-Leman test (colour refinement).

Every node starts with a colour (its features, or all the same colour). One
refinement step gives each node a new colour that encodes its old colour
*and the multiset of its neighbours' colours*; repeat until the partition of
the nodes into colours stops changing. Two graphs whose final colour
histograms differ are certainly not isomorphic; if the histograms agree, the
test cannot tell them apart.

A message-passing GNN does exactly this with vectors instead of colour ids,
so it can never separate two graphs that 1-WL cannot (Xu et al., *How
Powerful are Graph Neural Networks?*, ICLR 2019, https://arxiv.org/abs/1810.00826;
Morris et al., *Weisfeiler and Leman Go Neural: Higher-order Graph Neural
Networks*, AAAI 2019, https://arxiv.org/abs/1810.02244). GIN, with sum
aggregation and injective updates, can match 1-WL.

Reference: Weisfeiler & Leman, *The reduction of a graph to canonical form
and the algebra which appears therein*, 1968.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from gdl_teach.core.validate import check_edge_index, check_int, check_tensor


def _check_colors(colors: Any, name: str = "colors") -> torch.Tensor:
    return check_tensor(name, colors, ndim=1, integer=True, nonempty=True)


def wl_step(colors: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
    """One 1-WL refinement step.

    The new colour of node ``i`` is determined by the pair (old colour of
    ``i``, sorted list of the old colours of the nodes ``j`` with an edge
    ``j -> i``). The distinct pairs are numbered 0, 1, 2, ... in sorted order,
    so the numbering depends only on the pairs, not on the node order: two
    graphs refined with the same palette stay comparable.

    Args:
        colors: (N,) integer colour of every node.
        edge_index: (2, E) edges ``source -> target``.

    Returns:
        new_colors: (N,) long tensor, on the device of ``colors``.
    """
    colors = _check_colors(colors)
    num_nodes = colors.shape[0]
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    old = colors.tolist()  # one copy to Python (and to the CPU), not one per edge
    received: list[list[int]] = [[] for _ in range(num_nodes)]
    for j, i in edge_index.t().tolist():
        received[i].append(old[j])
    signatures = [(old[i], tuple(sorted(received[i]))) for i in range(num_nodes)]
    palette = {sig: k for k, sig in enumerate(sorted(set(signatures)))}
    return torch.tensor([palette[s] for s in signatures], dtype=torch.long, device=colors.device)


def num_colors(colors: torch.Tensor) -> int:
    """How many distinct colours ``colors`` (N,) uses."""
    return int(torch.unique(_check_colors(colors)).numel())


def wl_refine(edge_index: torch.Tensor, num_nodes: int, colors: torch.Tensor | None = None,
              max_iterations: int | None = None) -> list[torch.Tensor]:
    """Refine colours until the partition is stable.

    Args:
        edge_index: (2, E) edges.
        num_nodes: N.
        colors: (N,) initial colours (default: all 0).
        max_iterations: stop after this many steps (default N, always enough).

    Returns:
        The colourings ``[c_0, c_1, ..., c_T]``, each (N,); ``c_T`` is stable.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    if colors is None:
        colors = torch.zeros(num_nodes, dtype=torch.long, device=edge_index.device)
    colors = _check_colors(colors)
    if colors.shape[0] != num_nodes:
        raise ValueError(f"colors must have one entry per node ({num_nodes}), got {colors.shape[0]}")
    limit = num_nodes if max_iterations is None else check_int("max_iterations", max_iterations, min_value=0)
    history = [colors.long()]
    for _ in range(limit):
        new = wl_step(history[-1], edge_index)
        if num_colors(new) == num_colors(history[-1]):
            break  # a refinement never merges colours: same count means same partition
        history.append(new)
    return history


def wl_colors(graphs: Sequence[Any], max_iterations: int | None = None) -> list[torch.Tensor]:
    """Stable 1-WL colours of several graphs, refined together so that they share one palette.

    Args:
        graphs: PyG ``Data`` objects with ``edge_index`` and ``num_nodes``.
        max_iterations: stop after this many refinement steps (default: until stable).

    Returns:
        One (N_g,) long tensor of colours per graph; equal numbers mean equal colours across graphs.
    """
    if isinstance(graphs, (str, bytes)) or not isinstance(graphs, Sequence) or not graphs:
        raise TypeError(f"graphs must be a non-empty list of PyG Data objects, got {type(graphs).__name__}")
    edges, sizes, offset = [], [], 0
    for k, d in enumerate(graphs):
        if getattr(d, "edge_index", None) is None or d.num_nodes is None:
            raise TypeError(f"graphs[{k}] must be a PyG Data with edge_index and num_nodes, got {type(d).__name__}")
        n = int(d.num_nodes)
        edges.append(check_edge_index(f"graphs[{k}].edge_index", d.edge_index, n) + offset)
        sizes.append(n)
        offset += n
    history = wl_refine(torch.cat(edges, dim=1), offset, max_iterations=max_iterations)
    return list(torch.split(history[-1], sizes))


@dataclass
class WLResult:
    """Outcome of :func:`wl_test` on two graphs."""

    distinguishable: bool
    iterations: int
    colors_a: torch.Tensor
    colors_b: torch.Tensor

    def histogram(self, which: str = "a") -> dict[int, int]:
        """Final colour -> number of nodes with it, for graph ``"a"`` or ``"b"``."""
        colors = self.colors_a if which == "a" else self.colors_b
        return dict(sorted(Counter(colors.tolist()).items()))

    def __repr__(self) -> str:
        verdict = "different" if self.distinguishable else "indistinguishable by 1-WL"
        return (f"WLResult({verdict}; colours stopped changing after {self.iterations} refinement step(s); "
                f"colour histograms {self.histogram('a')} vs {self.histogram('b')})")


def wl_test(data_a: Any, data_b: Any) -> WLResult:
    """Run 1-WL on two graphs with a shared palette and compare their colour histograms.

    The two graphs are refined together as one disjoint union, so equal
    colours mean the same thing in both.

    Args:
        data_a: a PyG ``Data`` with ``edge_index`` and ``num_nodes``.
        data_b: another one.

    Returns:
        A :class:`WLResult`; ``distinguishable`` is True when the histograms differ.
    """
    for name, d in (("data_a", data_a), ("data_b", data_b)):
        if getattr(d, "edge_index", None) is None or d.num_nodes is None:
            raise TypeError(f"{name} must be a PyG Data with edge_index and num_nodes, got {type(d).__name__}")
    na, nb = int(data_a.num_nodes), int(data_b.num_nodes)
    ea = check_edge_index("data_a.edge_index", data_a.edge_index, na)
    eb = check_edge_index("data_b.edge_index", data_b.edge_index, nb)
    history = wl_refine(torch.cat([ea, eb + na], dim=1), na + nb)
    final = history[-1]
    ca, cb = final[:na], final[na:]
    different = Counter(ca.tolist()) != Counter(cb.tolist())
    return WLResult(different, len(history) - 1, ca, cb)


def same_partition(colors_a: torch.Tensor, colors_b: torch.Tensor) -> bool:
    """Whether two colourings of the same nodes group the nodes identically (colour names aside).

    Args:
        colors_a: (N,) colours.
        colors_b: (N,) colours.
    """
    colors_a, colors_b = _check_colors(colors_a, "colors_a"), _check_colors(colors_b, "colors_b")
    if colors_a.shape != colors_b.shape:
        raise ValueError(f"colors_a and colors_b must have the same shape, got {tuple(colors_a.shape)} "
                         f"and {tuple(colors_b.shape)}")
    pairs = len(set(zip(colors_a.tolist(), colors_b.tolist())))
    return pairs == num_colors(colors_a) == num_colors(colors_b)
