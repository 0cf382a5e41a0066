"""Small graphs for the message-passing lesson: one real, the rest synthetic.

* :func:`load_karate_club` - Zachary's karate club (real, ships with networkx):
  34 members, 78 friendships, labels = which club each member joined after
  the split.
* :func:`make_sbm_node_task` - a synthetic stochastic block model whose node
  features are only weakly informative, so that averaging over neighbours
  helps.
* :func:`make_generator_graphs` - a synthetic graph-classification set: which
  random-graph generator drew this graph?
* :func:`make_wl_pair` - pairs of graphs that the 1-WL test cannot tell apart.

Every function is seeded; the same arguments give the same tensors.
"""
from __future__ import annotations

import math

import networkx as nx
import torch
from torch_geometric.data import Data

from gdl_teach.core.splits import per_class_masks
from gdl_teach.core.validate import check_choice, check_edge_index, check_float, check_int
from gdl_teach.data.convert import edge_index_from_networkx

GENERATOR_NAMES = ("Erdos-Renyi", "Barabasi-Albert", "Watts-Strogatz", "random geometric")
WL_PAIRS = ("triangles_vs_hexagon", "decalin_vs_bicyclopentyl")


def make_sbm_node_task(num_nodes: int = 1000, num_classes: int = 4, avg_degree_in: float = 6.0,
                       avg_degree_out: float = 3.0, num_features: int = 16, signal: float = 1.0,
                       train_per_class: int = 20, num_val: int = 200, seed: int = 0) -> Data:
    """A synthetic node-classification task on a stochastic block model (Holland et al. 1983).

    Nodes fall into ``num_classes`` equal blocks. Two nodes of the same block
    are linked with a probability that gives ``avg_degree_in`` same-block
    neighbours on average, two nodes of different blocks ``avg_degree_out``
    other-block neighbours. A node's features are ``signal`` times the one-hot
    code of its block (in the first ``num_classes`` columns) plus standard
    Gaussian noise: alone they are weak evidence; averaged over neighbours,
    who mostly share the block, the noise shrinks and the signal stays.

    Args:
        num_nodes: N.
        num_classes: number of blocks C (the labels).
        avg_degree_in: expected number of neighbours in the node's own block.
        avg_degree_out: expected number of neighbours in other blocks.
        num_features: F, at least ``num_classes``.
        signal: strength of the class signal in the features (0 = none).
        train_per_class: labelled nodes per class.
        num_val: validation nodes; the rest are test nodes.
        seed: seed of graph, features and split.

    Returns:
        ``Data(x (N, F), edge_index (2, E), y (N,), train_mask, val_mask, test_mask)``.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=4)
    num_classes = check_int("num_classes", num_classes, min_value=2, max_value=num_nodes // 2)
    check_float("avg_degree_in", avg_degree_in, min_value=0.0)
    check_float("avg_degree_out", avg_degree_out, min_value=0.0)
    num_features = check_int("num_features", num_features, min_value=num_classes)
    check_float("signal", signal, min_value=0.0)
    train_per_class = check_int("train_per_class", train_per_class, min_value=1)
    num_val = check_int("num_val", num_val, min_value=0)
    seed = check_int("seed", seed, min_value=0)
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(num_nodes) % num_classes
    y = y[torch.randperm(num_nodes, generator=g)]
    block = num_nodes / num_classes
    p_in = min(1.0, avg_degree_in / max(block - 1, 1))
    p_out = min(1.0, avg_degree_out / max(num_nodes - block, 1))
    same = y.view(-1, 1) == y.view(1, -1)  # (N, N)
    prob = torch.where(same, torch.tensor(p_in), torch.tensor(p_out))
    upper = torch.triu(torch.rand(num_nodes, num_nodes, generator=g) < prob, diagonal=1)
    src, dst = upper.nonzero().t()
    edge_index = torch.cat([torch.stack([src, dst]), torch.stack([dst, src])], dim=1)  # (2, E)
    edge_index = edge_index[:, torch.argsort(edge_index[1] * num_nodes + edge_index[0])]
    x = torch.randn(num_nodes, num_features, generator=g)
    x[torch.arange(num_nodes), y] += signal
    train, val, test = per_class_masks(y, train_per_class, num_val, g)
    return Data(x=x, edge_index=edge_index, y=y, train_mask=train, val_mask=val, test_mask=test,
                name="SBM (synthetic)")


def _generate(kind: int, n: int, seed: int) -> nx.Graph:
    """One graph of ``n`` nodes and average degree about 4 from generator ``kind``."""
    if kind == 0:
        return nx.gnp_random_graph(n, 4.0 / (n - 1), seed=seed)
    if kind == 1:
        return nx.barabasi_albert_graph(n, 2, seed=seed)
    if kind == 2:
        return nx.watts_strogatz_graph(n, 4, 0.2, seed=seed)
    radius = math.sqrt(4.6 / (math.pi * n))  # about 4 neighbours once the border is accounted for
    graph = nx.random_geometric_graph(n, radius, seed=seed)
    return nx.Graph(graph.edges()) if graph.number_of_edges() else graph  # drop the 'pos' attributes


def make_generator_graphs(num_per_class: int = 60, min_nodes: int = 16, max_nodes: int = 32,
                          seed: int = 0) -> list[Data]:
    """A synthetic graph-classification set: which random-graph generator drew the graph?

    Four classes, in the order of :data:`GENERATOR_NAMES`: Erdos-Renyi
    G(n, p), Barabasi-Albert (preferential attachment, m = 2), Watts-Strogatz
    (ring lattice, k = 4, rewired with p = 0.2) and a random geometric graph
    in the unit square. All have about 4 neighbours per node on average and
    the same range of sizes, so neither the number of nodes nor the number of
    edges gives the class away: only the wiring does. Node features are a
    constant 1: there is nothing to learn but structure.

    Args:
        num_per_class: graphs per class.
        min_nodes: smallest graph size.
        max_nodes: largest graph size.
        seed: seed of sizes and generators.

    Returns:
        A list of ``Data(x (n, 1), edge_index (2, E), y (1,), num_nodes)``,
        classes interleaved.
    """
    num_per_class = check_int("num_per_class", num_per_class, min_value=1)
    min_nodes = check_int("min_nodes", min_nodes, min_value=6)
    max_nodes = check_int("max_nodes", max_nodes, min_value=min_nodes)
    seed = check_int("seed", seed, min_value=0)
    g = torch.Generator().manual_seed(seed)
    graphs = []
    for _ in range(num_per_class):
        for kind in range(len(GENERATOR_NAMES)):
            n = int(torch.randint(min_nodes, max_nodes + 1, (1,), generator=g))
            graph_seed = int(torch.randint(0, 2**31 - 1, (1,), generator=g))
            graph = nx.convert_node_labels_to_integers(_generate(kind, n, graph_seed))
            graph.add_nodes_from(range(n))
            graphs.append(Data(x=torch.ones(n, 1), edge_index=edge_index_from_networkx(graph),
                               y=torch.tensor([kind]), num_nodes=n))
    return graphs


def make_wl_pair(name: str = "triangles_vs_hexagon") -> tuple[Data, Data]:
    """Two non-isomorphic graphs that 1-WL colour refinement cannot tell apart.

    * ``"triangles_vs_hexagon"``: two disjoint triangles vs one 6-cycle; both
      have 6 nodes, each of degree 2.
    * ``"decalin_vs_bicyclopentyl"``: the carbon skeletons of decalin (two
      fused 6-rings) and bicyclopentyl (two 5-rings joined by a bond); both
      have 10 nodes and 11 edges, two nodes of degree 3 and eight of degree 2.

    Args:
        name: one of :data:`WL_PAIRS`.

    Returns:
        ``(Data, Data)``, each with ``x`` = (n, 1) ones, ``edge_index`` and ``name``.
    """
    check_choice("name", name, WL_PAIRS)
    if name == "triangles_vs_hexagon":
        a = nx.disjoint_union(nx.cycle_graph(3), nx.cycle_graph(3))
        b = nx.cycle_graph(6)
        names = ("two triangles", "hexagon")
    else:
        a = nx.cycle_graph(10)
        a.add_edge(0, 5)  # decalin: a 10-ring with a bridge -> two fused 6-rings
        b = nx.disjoint_union(nx.cycle_graph(5), nx.cycle_graph(5))
        b.add_edge(0, 5)  # bicyclopentyl: two 5-rings joined by a bond
        names = ("decalin", "bicyclopentyl")
    return tuple(  # type: ignore[return-value]
        Data(x=torch.ones(g.number_of_nodes(), 1), edge_index=edge_index_from_networkx(g),
             num_nodes=g.number_of_nodes(), name=nm)
        for g, nm in zip((a, b), names)
    )


def hop_distances(edge_index: torch.Tensor, num_nodes: int, source: int) -> torch.Tensor:
    """Number of hops from ``source`` to every node along the edges (-1 where unreachable).

    Node ``i`` is at distance ``k`` when ``k`` message-passing steps are the
    fewest that carry information from ``source`` to ``i``: the ``k``-hop
    neighbourhood of a node is the receptive field of a ``k``-layer GNN.
    (Distances follow the edges forward; for the receptive field of a node in
    a directed graph pass ``edge_index.flip(0)``. The lesson's graphs store
    both directions, so the two agree.)

    Args:
        edge_index: (2, E) edges ``source -> target``.
        num_nodes: N.
        source: the start node.

    Returns:
        dist: (N,) long tensor, on the device of ``edge_index``.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    source = check_int("source", source, min_value=0, max_value=num_nodes - 1)
    device = edge_index.device
    dist = torch.full((num_nodes,), -1, dtype=torch.long, device=device)
    dist[source] = 0
    frontier = torch.zeros(num_nodes, dtype=torch.bool, device=device)
    frontier[source] = True
    src, dst = edge_index
    for k in range(1, num_nodes):
        reached = torch.zeros(num_nodes, dtype=torch.bool, device=device)
        reached[dst[frontier[src]]] = True
        frontier = reached & (dist < 0)
        if not bool(frontier.any()):
            break
        dist[frontier] = k
    return dist


def receptive_field_share(edge_index: torch.Tensor, num_nodes: int, max_hops: int) -> torch.Tensor:
    """Average share of the graph within ``k`` hops of a node, for ``k = 0..max_hops``.

    Entry ``k`` is the mean, over all nodes, of the fraction of nodes whose
    features can reach that node in ``k`` message-passing steps: how much of
    the graph a ``k``-layer GNN looks at.

    Args:
        edge_index: (2, E) edges ``source -> target``.
        num_nodes: N.
        max_hops: largest ``k``.

    Returns:
        share: (max_hops + 1,) float tensor on the device of ``edge_index``, non-decreasing, ``share[0] = 1 / N``.
    """
    num_nodes = check_int("num_nodes", num_nodes, min_value=1)
    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    max_hops = check_int("max_hops", max_hops, min_value=0)
    reversed_edges = edge_index.flip(0)  # who can reach node v = who v reaches along reversed edges
    dist = torch.stack([hop_distances(reversed_edges, num_nodes, v) for v in range(num_nodes)])  # (N, N)
    ks = torch.arange(max_hops + 1, device=edge_index.device).view(-1, 1, 1)
    within = (dist.unsqueeze(0) >= 0) & (dist.unsqueeze(0) <= ks)  # (K + 1, N, N)
    return within.float().mean(dim=(1, 2))
