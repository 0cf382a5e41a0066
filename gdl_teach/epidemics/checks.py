"""Checks for lesson 04: R0 on a network, the prediction label, and a GNN's forward pass."""
from __future__ import annotations

from collections.abc import Callable

import torch

from gdl_teach.exercises.core import ExerciseFailed, call_answer, check_close, exercise, expect, passed


def reference_network_r0(degrees: torch.Tensor, tau: float, gamma: float) -> float:
    """Basic reproduction number of SIR on a network with this degree sequence.

    ``R0 = T * <k^2 - k> / <k>`` with transmissibility ``T = tau / (tau + gamma)``:
    the chance an infectious person infects a given neighbour before recovering,
    times the mean number of *other* neighbours of someone reached along an edge
    (Newman 2002, "Spread of epidemic disease on networks"; exact on large
    locally tree-like networks).

    Args:
        degrees: (N,) degree of every node.
        tau: transmission rate per edge.
        gamma: recovery rate.
    """
    k = degrees.double()
    transmissibility = tau / (tau + gamma)
    return float(transmissibility * (k * k - k).mean() / k.mean())


@exercise(reference=reference_network_r0)
def check_network_r0(network_r0: Callable[[torch.Tensor, float, float], float]) -> None:
    """Check a learner's ``network_r0(degrees, tau, gamma) -> float``.

    Args:
        network_r0: the learner's function.
    """
    cases = [
        (torch.tensor([1, 1, 1, 1, 4]), 0.25, 0.5),  # a star: hubs matter
        (torch.randint(1, 12, (200,), generator=torch.Generator().manual_seed(4)), 0.1, 0.2),
        (torch.tensor([3, 3, 3, 3, 3, 3]), 0.5, 0.5),  # regular: T (k - 1) = 0.5 * 2 = 1
    ]
    for degrees, tau, gamma in cases:
        got = call_answer("network_r0", network_r0, degrees, tau, gamma)
        try:
            got = float(got)
        except (TypeError, ValueError):
            raise ExerciseFailed(f"Not yet: network_r0 must return a number, got {type(got).__name__}.") from None
        want = reference_network_r0(degrees, tau, gamma)
        if abs(got - want) <= 1e-6 * max(1.0, abs(want)):
            continue
        k = degrees.double()
        t = tau / (tau + gamma)
        if abs(got - want / t) < 1e-6 * max(1.0, abs(want / t)):
            expect(False, "you left out the transmissibility T = tau / (tau + gamma): not every contact is infected.")
        if abs(got - t * float(k.mean())) < 1e-6:
            expect(False, "T * <k> counts all neighbours of an average person; the person reached along an edge "
                   "has a biased degree: use <k^2 - k> / <k>.")
        if abs(got - t * float((k * k).mean() / k.mean())) < 1e-6:
            expect(False, "almost: the person who infected you is one of your neighbours and cannot be infected "
                   "again, so subtract k: <k^2 - k> / <k>.")
        if abs(got - tau / gamma * float((k * k - k).mean() / k.mean())) < 1e-6:
            expect(False, "tau / gamma is the mean-field ratio; on a network use T = tau / (tau + gamma).")
        expect(False, f"for degrees {degrees.tolist()[:6]}{'...' if len(degrees) > 6 else ''}, tau={tau}, "
               f"gamma={gamma} expected R0 = {want:.4f}, got {got:.4f}. Use T * <k^2 - k> / <k>.")
    passed("R0 = T <k^2 - k> / <k>: hubs are reached more often than average people, so degree "
           "heterogeneity raises R0.")


def reference_infected_within(t_infected: torch.Tensor, t: float, horizon: float) -> torch.Tensor:
    """(N,) bool: susceptible at ``t`` (not yet infected) and infected in ``(t, t + horizon]``.

    Args:
        t_infected: (N,) infection times (``inf`` never, ``-inf`` immune from the start).
        t: the snapshot time.
        horizon: h.
    """
    return (t_infected > t) & (t_infected <= t + horizon)


@exercise(reference=reference_infected_within)
def check_infected_within(infected_within: Callable[[torch.Tensor, float, float], torch.Tensor]) -> None:
    """Check a learner's ``infected_within(t_infected, t, horizon) -> (N,) bool``.

    Args:
        infected_within: the learner's function.
    """
    inf = float("inf")
    t_inf = torch.tensor([0.0, 1.0, 2.0, 3.5, 5.0, 5.01, inf, -inf, 2.001])
    got = call_answer("infected_within", infected_within, t_inf, 2.0, 3.0)
    want = reference_infected_within(t_inf, 2.0, 3.0)
    expect(isinstance(got, torch.Tensor), f"infected_within must return a torch.Tensor, got {type(got).__name__}.")
    expect(got.shape == want.shape, f"infected_within returned shape {tuple(got.shape)}, expected {tuple(want.shape)}.")
    got = got.bool()
    if bool(got[0]) or bool(got[1]):
        expect(False, "people infected before t are not at risk any more: they were not susceptible at the "
               "snapshot. Require t_infected > t.")
    if bool(got[2]):
        expect(False, "someone infected exactly at t is already infected at the snapshot: use t_infected > t, "
               "not >=.")
    if not bool(got[4]):
        expect(False, "the window includes its end: infected at t + horizon counts (use <=).")
    if bool(got[7]):
        expect(False, "-inf marks people immune from the start; they are never newly infected.")
    check_close("infected_within", got.float(), want.float(), hint="True exactly for t < t_infected <= t + horizon.")
    passed("the label is 'susceptible now, infected within the horizon'.")


def reference_gnn_forward(model: torch.nn.Module, x: torch.Tensor, edge_index: torch.Tensor,
                          edge_weight: torch.Tensor) -> torch.Tensor:
    """The model's own forward pass: (N, F) features -> (N,) logits.

    Args:
        model: an :class:`~gdl_teach.epidemics.models.EpidemicGNN`.
        x: (N, F) node features.
        edge_index: (2, E) contacts.
        edge_weight: (E,) contact weights.
    """
    return model(x, edge_index, edge_weight)


@exercise(reference=reference_gnn_forward)
def check_gnn_forward(gnn_forward: Callable[..., torch.Tensor]) -> None:
    """Check a learner's ``gnn_forward(model, x, edge_index, edge_weight) -> (N,)`` against ``model(...)``.

    Args:
        gnn_forward: the learner's function.
    """
    from gdl_teach.epidemics.models import EpidemicGNN

    g = torch.Generator().manual_seed(7)
    torch.manual_seed(7)
    model = EpidemicGNN(in_channels=10, hidden_channels=16, num_layers=2, conv="sage").eval()
    n = 30
    src = torch.randint(0, n, (60,), generator=g)
    dst = torch.randint(0, n, (60,), generator=g)
    edge_index = torch.cat([torch.stack([src, dst]), torch.stack([dst, src])], 1)
    edge_weight = torch.rand(edge_index.shape[1], generator=g)
    x = torch.randn(n, 10, generator=g)
    with torch.no_grad():
        got = call_answer("gnn_forward", gnn_forward, model, x, edge_index, edge_weight)
        want = model(x, edge_index, edge_weight)
    expect(isinstance(got, torch.Tensor), f"gnn_forward must return a torch.Tensor, got {type(got).__name__}.")
    if tuple(got.shape) == (n, 1):
        expect(False, "the head returns shape (N, 1); squeeze the last dimension to get one logit per person, (N,).")
    expect(tuple(got.shape) == (n,), f"gnn_forward returned shape {tuple(got.shape)}, expected ({n},): one logit "
           "per person.")
    got = got.detach()
    if torch.allclose(got, torch.sigmoid(want), atol=1e-5):
        expect(False, "return logits, not probabilities: the loss (binary cross-entropy with logits) applies the "
               "sigmoid itself.")
    with torch.no_grad():
        h = x
        for conv in model.convs:
            h = conv(h, edge_index)
        no_relu = model.head(h).squeeze(-1)
    if torch.allclose(got, no_relu, atol=1e-5):
        expect(False, "apply torch.relu after each conv layer; without it two layers collapse into one linear map.")
    check_close("gnn_forward", got, want, atol=1e-5,
                hint="For each conv in model.convs: h = relu(conv(h, edge_index)); then model.head(h).squeeze(-1).")
    passed("your forward pass matches the model's: two rounds of message passing, then a linear head.")


def degree_moments(degrees: torch.Tensor) -> dict[str, float]:
    """<k>, <k^2> and <k^2 - k>/<k> of a degree sequence, for printing next to R0.

    Args:
        degrees: (N,) degree of every node.
    """
    k = degrees.double()
    return {"<k>": float(k.mean()), "<k^2>": float((k * k).mean()), "<k^2-k>/<k>": float((k * k - k).mean() / k.mean())}


__all__ = [
    "check_gnn_forward", "check_infected_within", "check_network_r0", "degree_moments",
    "reference_infected_within", "reference_network_r0",
]
