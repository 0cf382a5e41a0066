"""Checks for lesson 04: R0 on a network, the prediction label, SIR vs SEIR, and which baseline comes closest."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from gdl_teach.epidemics.comparison import MODEL_NAMES
from gdl_teach.epidemics.sir_seir import final_size_test, sir_seir_table
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


SEIR_CHOICES = {"final size": ("larger", "smaller", "about the same"), "peak day": ("earlier", "later", "about the same")}


def _check_choices(name: str, answer: Any, choices: dict[str, Sequence[str]]) -> None:
    expect(isinstance(answer, dict) and set(answer) == set(choices),
           f"{name} must be a dict with the keys {list(choices)}, got {answer!r}.")
    for key, options in choices.items():
        expect(answer[key] in options, f"{name}[{key!r}] must be one of {list(options)}, got {answer[key]!r}.")


@exercise(reference=None)
def check_seir_vs_sir(seir_vs_sir: Callable[[], dict[str, str]], runs: dict[str, dict[str, Any]]) -> None:
    """Check a prediction of how SEIR's final size and peak day compare with SIR's, against many runs of each.

    Args:
        seir_vs_sir: the learner's function returning ``{"final size": ..., "peak day": ...}``, values
            from :data:`SEIR_CHOICES`.
        runs: the runs it is checked against, from :func:`gdl_teach.epidemics.sir_seir.sir_seir_runs`.
    """
    prediction = call_answer("seir_vs_sir", seir_vs_sir)
    _check_choices("seir_vs_sir()", prediction, SEIR_CHOICES)
    table = sir_seir_table(runs)
    size = final_size_test(runs, "final_size")
    measured = (f"Measured over {int(table['runs'].min())} runs of each (outbreaks that took off): final size SIR "
                f"{table.loc['SIR', 'final size']:.3f}, SEIR {table.loc['SEIR', 'final size']:.3f} (p = {size['p']:.2f}); "
                f"peak day SIR {table.loc['SIR', 'peak day']:.0f}, SEIR {table.loc['SEIR', 'peak day']:.0f}.")
    size_hints = {
        "larger": "a latent period gives nobody more chances to infect: people are infectious for the same time "
                  "(rate gamma) in both models, so each contact of an infectious person is infected with the same "
                  "probability T = tau w / (tau w + gamma).",
        "smaller": "one run of each is one random draw (the single runs above differ by chance). Exposed people "
                   "cannot infect yet, but they do not recover either: once infectious, they have the same time "
                   "to pass it on, so T = tau w / (tau w + gamma) is the same in both models.",
    }
    day_hints = {
        "earlier": "exposed people cannot infect anyone for 1/sigma days on average, so each generation of "
                   "infections takes longer and the epidemic grows more slowly.",
        "about the same": "exposed people cannot infect anyone for 1/sigma days on average: every generation of "
                          "infections is delayed by that much, and the delays add up over the outbreak.",
    }
    expect(prediction["final size"] == "about the same", size_hints.get(prediction["final size"], "") + " " + measured)
    expect(prediction["peak day"] == "later", day_hints.get(prediction["peak day"], "") + " " + measured)
    passed("the latent period changes *when* people are infected, not *how many*: the same chance per contact, "
           "so the same final size; slower generations, so a later and lower peak. " + measured)


@exercise(reference=None)
def check_closest_baseline(closest_baseline: Callable[[], dict[str, str]], comparison: Any) -> None:
    """Check which non-GNN model a learner expects to come closest to the GNN, on each metric.

    Args:
        closest_baseline: the learner's function returning ``{"ROC-AUC": model name, "Brier": model name}``,
            names from :data:`gdl_teach.epidemics.comparison.MODEL_NAMES` other than ``"GNN"``.
        comparison: the measured :class:`~gdl_teach.epidemics.comparison.ModelComparison`.
    """
    others = tuple(m for m in MODEL_NAMES if m != "GNN")
    answer = call_answer("closest_baseline", closest_baseline)
    _check_choices("closest_baseline()", answer, {"ROC-AUC": others, "Brier": others})
    means = {metric: comparison.per_seed(metric).mean() for metric in ("ROC-AUC", "Brier")}
    best = {metric: comparison.best_other(metric) for metric in ("ROC-AUC", "Brier")}
    hints = {
        "global rate": "the global rate gives every susceptible person the same probability: it cannot rank "
                       "anyone above anyone else within a snapshot.",
        "person features": "who you are (age, household, degree) says little about whether someone near you is "
                           "infectious right now.",
        "contact counts, 1 hop": "one hop sees the infectious contacts, but not the chains through a susceptible "
                                 "contact who is infected first and then passes it on within the horizon.",
        "contact counts, 2 hops": "for ranking it is the strongest; for probabilities, a logistic curve in the log "
                                  "of the counts is not quite the shape 1 - exp(-rate) of the mechanism.",
        "hazard model": "for ranking, the hazard model gives exactly 0 to everyone without an infectious contact "
                        "(those infected through a chain of two), and many people tie.",
    }
    for metric in ("ROC-AUC", "Brier"):
        got = answer[metric]
        table = ", ".join(f"{m} {means[metric][m]:.{4 if metric == 'ROC-AUC' else 5}f}" for m in others)
        expect(got == best[metric], f"{metric}: {hints[got]} Measured means: {table}.")
    passed(f"the best model without learned message passing is '{best['ROC-AUC']}' for ranking (ROC-AUC "
           f"{means['ROC-AUC'][best['ROC-AUC']]:.4f} against the GNN's {means['ROC-AUC']['GNN']:.4f}) and "
           f"'{best['Brier']}' for probabilities (Brier {means['Brier'][best['Brier']]:.5f} against "
           f"{means['Brier']['GNN']:.5f}). Both are handed, by hand, what the GNN learns: who is infectious around you.")


def degree_moments(degrees: torch.Tensor) -> dict[str, float]:
    """<k>, <k^2> and <k^2 - k>/<k> of a degree sequence, for printing next to R0.

    Args:
        degrees: (N,) degree of every node.
    """
    k = degrees.double()
    return {"<k>": float(k.mean()), "<k^2>": float((k * k).mean()), "<k^2-k>/<k>": float((k * k - k).mean() / k.mean())}


__all__ = [
    "SEIR_CHOICES", "check_closest_baseline", "check_infected_within", "check_network_r0", "check_seir_vs_sir",
    "degree_moments",
    "reference_infected_within", "reference_network_r0",
]
