"""Checks for lesson 00: the first two exercises of the kit."""
from __future__ import annotations

from collections.abc import Callable

import torch
from torch_geometric.utils import degree

from gdl_teach.exercises.core import call_answer, check_close, exercise, expect, passed, run_cases


def reference_degree(edge_index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """In-degree of every node: how many edges end at it (PyG's ``degree`` of the targets).

    Args:
        edge_index: (2, E) edges ``source -> target``.
        num_nodes: N.

    Returns:
        deg: (N,) float tensor.
    """
    return degree(edge_index[1], num_nodes, dtype=torch.float)


def reference_neighbour_sum(x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
    """Sum of the features of each node's in-neighbours.

    Args:
        x: (N, F) node features.
        edge_index: (2, E) edges ``source -> target``.

    Returns:
        (N, F): row ``i`` is the sum of ``x[j]`` over edges ``j -> i``.
    """
    return torch.zeros_like(x).index_add_(0, edge_index[1], x[edge_index[0]])


def _cases() -> list[tuple[torch.Tensor, int]]:
    g = torch.Generator().manual_seed(0)
    path = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])  # a path 0-1-2-3, both directions
    star = torch.tensor([[1, 2, 3, 4], [0, 0, 0, 0]])  # directed: everyone points at node 0
    rnd = torch.randint(0, 7, (2, 20), generator=g)
    isolated = torch.tensor([[0], [1]])  # node 2 has no edges
    return [(path, 4), (star, 5), (rnd, 7), (isolated, 3)]


@exercise(reference=reference_degree)
def check_degree(degree: Callable[[torch.Tensor, int], torch.Tensor]) -> None:
    """Check a learner's ``degree(edge_index, num_nodes) -> (N,)`` against the reference."""
    out = call_answer("degree", degree, torch.tensor([[1, 2, 3, 4], [0, 0, 0, 0]]), 5)
    expect(isinstance(out, torch.Tensor), f"degree must return a torch.Tensor, got {type(out).__name__}.")
    expect(out.shape == (5,), f"degree returned shape {tuple(out.shape)}; expected one number per node, shape (5,). "
           "Did you forget nodes without edges? Pass num_nodes to your counting function.")
    if torch.allclose(out.float(), torch.tensor([0.0, 1, 1, 1, 1])):
        expect(False, "you counted edges by their source (edge_index[0]); the degree here counts edges "
               "arriving at a node, edge_index[1].")
    run_cases("degree", lambda e, n: call_answer("degree", degree, e, n).float(), reference_degree, _cases(),
              hint="Count how often each node id appears in edge_index[1].")
    passed("degree counts the edges arriving at each node, isolated nodes included.")


@exercise(reference=reference_neighbour_sum)
def check_neighbour_sum(neighbour_sum: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Check a learner's ``neighbour_sum(x, edge_index) -> (N, F)`` against the reference."""
    g = torch.Generator().manual_seed(1)
    for edge_index, n in _cases():
        x = torch.randn(n, 3, generator=g)
        got = call_answer("neighbour_sum", neighbour_sum, x, edge_index)
        want = reference_neighbour_sum(x, edge_index)
        if isinstance(got, torch.Tensor) and got.shape == want.shape and not torch.allclose(got, want, atol=1e-5):
            flipped = torch.zeros_like(x).index_add_(0, edge_index[0], x[edge_index[1]])
            expect(not torch.allclose(got, flipped, atol=1e-5),
                   "messages flow the wrong way: gather x at the sources edge_index[0] and add them at the "
                   "targets edge_index[1].")
        check_close("neighbour_sum", got, want, hint="Row i should be the sum of x[j] over edges j -> i.")
    passed("neighbour_sum adds up the features arriving along the edges; this is one message-passing step.")
