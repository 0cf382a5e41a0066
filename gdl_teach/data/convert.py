"""Converting graphs between networkx and PyG.

PyG's own ``torch_geometric.utils.from_networkx`` / ``to_networkx`` convert whole
``Data`` objects with attributes; these two are the small, exact pieces the
lessons need: an edge list sorted by target, and a plain graph back.
"""
from __future__ import annotations

import networkx as nx
import torch


def edge_index_from_networkx(graph: nx.Graph) -> torch.Tensor:
    """Both directions of every edge of an undirected networkx graph with nodes ``0..N-1``.

    Args:
        graph: an undirected ``networkx.Graph`` whose nodes are the integers ``0..N-1``.

    Returns:
        edge_index: (2, 2 * number of edges) long tensor, sorted by target then source.
    """
    if not isinstance(graph, nx.Graph) or graph.is_directed():
        raise TypeError(f"graph must be an undirected networkx.Graph, got {type(graph).__name__}")
    n = graph.number_of_nodes()
    if sorted(graph.nodes()) != list(range(n)):
        raise ValueError("graph's nodes must be the integers 0..N-1 (use nx.convert_node_labels_to_integers)")
    pairs = [(u, v) for u, v in graph.edges() if u != v]
    if not pairs:
        return torch.zeros(2, 0, dtype=torch.long)
    e = torch.tensor(pairs, dtype=torch.long).t()  # (2, M)
    edge_index = torch.cat([e, e.flip(0)], dim=1)  # (2, 2M)
    order = torch.argsort(edge_index[1] * n + edge_index[0])
    return edge_index[:, order]


def networkx_from_edge_index(edge_index: torch.Tensor, num_nodes: int) -> nx.Graph:
    """An undirected networkx graph with nodes ``0..N-1`` and the edges of ``edge_index`` (2, E)."""
    from gdl_teach.core.validate import check_edge_index

    edge_index = check_edge_index("edge_index", edge_index, num_nodes)
    g = nx.Graph()
    g.add_nodes_from(range(num_nodes))
    g.add_edges_from(edge_index.detach().cpu().t().tolist())
    return g
