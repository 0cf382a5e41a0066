"""Checks for lesson 02: the dense GCN step, a prediction of where over-smoothing hits float32, one 1-WL step."""
from __future__ import annotations

import functools
import math
from collections.abc import Callable

import torch

from gdl_teach.exercises.core import call_answer, check_close, exercise, expect, passed
from gdl_teach.message_passing.datasets import make_sbm_node_task
from gdl_teach.message_passing.oversmoothing import collapse_depth, top_eigenvalues
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


def reference_collapse_depth(lambda_2: float, eps: float) -> float:
    """The depth ``k`` at which ``lambda_2 ** k`` falls to ``eps``: ``ln(eps) / ln(lambda_2)``.

    Args:
        lambda_2: the second-largest eigenvalue of A_hat (0 < lambda_2 < 1).
        eps: the relative resolution of the number format (``torch.finfo(dtype).eps``).
    """
    return math.log(eps) / math.log(lambda_2)


@functools.lru_cache(maxsize=1)
def _measured_collapse() -> tuple[float, int, int]:
    """lambda_2 of the lesson's block model and its measured collapse depths in float32 and float64."""
    data = make_sbm_node_task()
    lambda_2 = float(top_eigenvalues(data.edge_index, data.num_nodes, k=2)["eigenvalue"].iloc[1])
    return lambda_2, collapse_depth(data, "float32"), collapse_depth(data, "float64")


def _collapse_hint(got: float, lambda_2: float, eps: float, measured: int, dtype: str) -> str:
    """The likely mistake behind a prediction far from the measured depth."""
    ln_eps, ln_lam = math.log(eps), math.log(lambda_2)
    if got <= 0:
        return ("a depth must be positive; ln(eps) and ln(lambda_2) are both negative, so divide one by the "
                "other (not one minus the other).")
    suspects = [(ln_eps / math.log(1 - lambda_2), "use lambda_2 itself: the non-common part shrinks by a factor "
                 "lambda_2 per step; 1 - lambda_2 is the gap, not the factor."),
                (ln_eps / (2 * ln_lam), "lambda_2 ** k itself must reach eps (the deviation, not its square)."),
                (math.log10(eps) / ln_lam, "use the same logarithm above and below the fraction.")]
    for value, hint in suspects:
        if abs(got - value) <= 0.1 * abs(value):
            return hint
    side = "early" if got < measured else "late"
    return (f"for {dtype} your formula predicts depth {got:.0f}, which is too {side}. The part of the features "
            "that tells nodes apart shrinks like lambda_2 ** k relative to the common part; it is lost when it "
            f"falls below the resolution eps of {dtype} (the eps the check passed you).")


@exercise(reference=reference_collapse_depth)
def check_collapse_depth(predict_collapse_depth: Callable[[float, float], float]) -> None:
    """Check a learner's ``predict_collapse_depth(lambda_2, eps)`` against the collapse measured in float32 and float64."""
    lambda_2, measured32, measured64 = _measured_collapse()
    said = {}
    for dtype, measured in (("float32", measured32), ("float64", measured64)):
        eps = torch.finfo(getattr(torch, dtype)).eps
        got = call_answer("predict_collapse_depth", predict_collapse_depth, lambda_2, eps)
        expect(isinstance(got, (int, float)) or (isinstance(got, torch.Tensor) and got.numel() == 1),
               f"return one number (the predicted depth), got {type(got).__name__}.")
        got = float(got)
        expect(math.isfinite(got), f"your prediction for {dtype} is {got}; return a finite depth.")
        expect(abs(got - measured) <= 0.25 * measured, _collapse_hint(got, lambda_2, eps, measured, dtype))
        said[dtype] = (got, measured)
    passed("you predicted the float32 collapse at depth {:.0f} (measured {}) and the float64 one at {:.0f} "
           "(measured {}): the class signal shrinks like lambda_2 ** k until the number format cannot hold it."
           .format(*said["float32"], *said["float64"]))


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
        got = call_answer("my_wl_step", wl_step_answer, colors.clone(), edge_index)
        want = wl_step(colors, edge_index)
        expect(isinstance(got, torch.Tensor), f"my_wl_step must return a torch.Tensor, got {type(got).__name__}.")
        expect(tuple(got.shape) == tuple(want.shape),
               f"my_wl_step returned shape {tuple(got.shape)}, expected one colour per node {tuple(want.shape)}.")
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
