"""Checks for lesson 02: the dense GCN step, the scatter aggregation and one 1-WL step."""
from __future__ import annotations

from collections.abc import Callable

import torch

from gdl_teach.exercises.core import call_answer, check_close, exercise, expect, passed
from gdl_teach.message_passing.wl import same_partition, wl_step
from gdl_teach.nn.gcn import dense_adjacency, gcn_norm_dense


def reference_gcn_dense(x: torch.Tensor, adj: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """One GCN step without bias: ``D^-1/2 (A + I) D^-1/2 X W``.

    Args:
        x: (N, F) node features.
        adj: (N, N) adjacency, ``adj[i, j] = 1`` for an edge ``j -> i``.
        weight: (F, F') weights.

    Returns:
        (N, F').
    """
    return gcn_norm_dense(adj) @ x @ weight


def reference_weighted_aggregate(x: torch.Tensor, edge_index: torch.Tensor, edge_weight: torch.Tensor) -> torch.Tensor:
    """``out[i] = sum over edges e = (j -> i) of edge_weight[e] * x[j]``, with gather and ``index_add_``.

    Args:
        x: (N, F) node features.
        edge_index: (2, E) edges ``source -> target``.
        edge_weight: (E,) one weight per edge.

    Returns:
        (N, F).
    """
    src, dst = edge_index
    msg = x[src] * edge_weight.view(-1, 1)  # (E, F)
    return torch.zeros_like(x).index_add_(0, dst, msg)


def _graphs() -> list[tuple[torch.Tensor, int]]:
    """Small test graphs: a path, a directed star, a random graph, one with an isolated node."""
    g = torch.Generator().manual_seed(0)
    path = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])
    star = torch.tensor([[1, 2, 3, 4], [0, 0, 0, 0]])
    rnd = torch.randint(0, 7, (2, 18), generator=g)
    rnd = rnd[:, rnd[0] != rnd[1]]  # no self-loops
    isolated = torch.tensor([[0, 1], [1, 0]])  # node 2 has no edges
    return [(path, 4), (star, 5), (rnd, 7), (isolated, 3)]


@exercise(reference=reference_gcn_dense)
def check_gcn_dense(gcn_dense: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Check a learner's ``gcn_dense(x, adj, weight) -> (N, F')`` against ``D^-1/2 (A+I) D^-1/2 X W``."""
    g = torch.Generator().manual_seed(2)
    for edge_index, n in _graphs():
        adj = dense_adjacency(edge_index, n)
        x, weight = torch.randn(n, 3, generator=g), torch.randn(3, 2, generator=g)
        got = call_answer("gcn_dense", gcn_dense, x, adj, weight)
        want = reference_gcn_dense(x, adj, weight)
        if isinstance(got, torch.Tensor) and got.shape == want.shape and not torch.allclose(got, want, atol=1e-5):
            deg = adj.sum(1)
            no_loops = deg.clamp(min=1).pow(-0.5).view(-1, 1) * adj * deg.clamp(min=1).pow(-0.5).view(1, -1)
            a_tilde = adj + torch.eye(n)
            mean = a_tilde / a_tilde.sum(1, keepdim=True)
            for wrong, hint in ((no_loops @ x @ weight, "add the self-loops first: use A + I, so a node keeps "
                                 "its own features and no degree is 0."),
                                (a_tilde @ x @ weight, "normalise: multiply A + I by D^-1/2 on both sides, "
                                 "where D holds the row sums of A + I."),
                                (mean @ x @ weight, "you divided by the degree once (D^-1 (A + I), a mean); "
                                 "GCN uses D^-1/2 on the left and on the right.")):
                expect(not torch.allclose(got, wrong, atol=1e-5), hint)
        check_close("gcn_dense", got, want, hint="Expected D^-1/2 (A + I) D^-1/2 @ x @ weight.")
    passed("gcn_dense computes D^-1/2 (A + I) D^-1/2 X W, the dense GCN step.")


@exercise(reference=reference_weighted_aggregate)
def check_weighted_aggregate(
    weighted_aggregate: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
) -> None:
    """Check a learner's ``weighted_aggregate(x, edge_index, edge_weight) -> (N, F)`` (scatter form)."""
    g = torch.Generator().manual_seed(3)
    for edge_index, n in _graphs():
        x = torch.randn(n, 4, generator=g)
        w = torch.rand(edge_index.shape[1], generator=g) + 0.5
        got = call_answer("weighted_aggregate", weighted_aggregate, x, edge_index, w)
        want = reference_weighted_aggregate(x, edge_index, w)
        if isinstance(got, torch.Tensor) and got.shape == want.shape and not torch.allclose(got, want, atol=1e-5):
            flipped = reference_weighted_aggregate(x, edge_index.flip(0), w)
            unweighted = reference_weighted_aggregate(x, edge_index, torch.ones_like(w))
            expect(not torch.allclose(got, flipped, atol=1e-5),
                   "messages flow the wrong way: gather at the sources edge_index[0], add at the targets "
                   "edge_index[1].")
            expect(not torch.allclose(got, unweighted, atol=1e-5),
                   "multiply every gathered row x[edge_index[0]] by its edge_weight before adding (view(-1, 1)).")
        check_close("weighted_aggregate", got, want, hint="Row i should be the sum of edge_weight[e] * x[j] over "
                    "edges e = (j -> i); use torch.zeros_like(x).index_add_(0, edge_index[1], messages).")
    passed("weighted_aggregate gathers, weights and scatter-adds: the edge-list form of A_hat X.")


def _wl_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(colors, edge_index) pairs chosen so that common mistakes give a different partition."""
    def undirected(pairs: list[tuple[int, int]]) -> torch.Tensor:
        e = torch.tensor(pairs).t()
        return torch.cat([e, e.flip(0)], dim=1)

    path = undirected([(0, 1), (1, 2), (2, 3), (3, 4)])
    # node 0 sees colours {1, 3}, node 1 sees {2, 2}: equal sums, different multisets
    sums = torch.tensor([[2, 3, 4, 5], [0, 0, 1, 1]])
    # nodes 0 and 1 have the same neighbours but different own colours
    own = undirected([(0, 2), (1, 2)])
    return [
        (torch.zeros(5, dtype=torch.long), path),
        (torch.tensor([0, 0, 1, 3, 2, 2]), sums),
        (torch.tensor([0, 1, 2]), own),
        (torch.tensor([0, 0, 0, 1, 1, 1]), undirected([(0, 3), (1, 4), (2, 5), (0, 1)])),
    ]


@exercise(reference=wl_step)
def check_wl_step(wl_step_answer: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Check a learner's ``wl_step(colors, edge_index) -> (N,)``: same partition as the reference step."""
    for colors, edge_index in _wl_cases():
        got = call_answer("wl_step", wl_step_answer, colors.clone(), edge_index)
        want = wl_step(colors, edge_index)
        expect(isinstance(got, torch.Tensor), f"wl_step must return a torch.Tensor, got {type(got).__name__}.")
        expect(tuple(got.shape) == tuple(want.shape),
               f"wl_step returned shape {tuple(got.shape)}, expected one colour per node {tuple(want.shape)}.")
        expect(not got.is_floating_point(), "colours must be integers (torch.long), not floats.")
        if not same_partition(got.long(), want):
            if same_partition(got.long(), colors):
                expect(False, f"for colors={colors.tolist()} your step kept the grouping of the nodes "
                       f"unchanged, but it should split it into {want.tolist()} (e.g. on a path the end nodes, "
                       "with one neighbour, differ from the inner ones). A node's new colour must depend on "
                       "the multiset of colours it receives along edge_index[0] -> edge_index[1]; adding up "
                       "colour ids does not work (colour 0 adds nothing).")
            expect(False, f"for colors={colors.tolist()} you grouped the nodes as {got.tolist()}, expected the "
                   f"grouping {want.tolist()} (names of colours do not matter). The signature of node i is "
                   "(its own colour, the SORTED list of its neighbours' colours): keep the own colour, and "
                   "use the multiset, not the sum, of neighbour colours.")
    passed("wl_step refines colours by (own colour, multiset of neighbour colours), as 1-WL does.")
