"""Outbreaks simulated with EoN on a contact network (lesson 04).

:func:`simulate_sir` and :func:`simulate_seir` wrap EoN's simulators
(``EoN.fast_SIR`` and ``EoN.Gillespie_simple_contagion``; Kiss, Miller &
Simon, *Mathematics of Epidemics on Networks*, 2017) and return an
:class:`Outbreak`: the time each person became infected and recovered, from
which everyone's state at any time follows. :func:`simulate_runs` makes (and
caches) many runs; :func:`large_outbreak_share` measures the epidemic threshold.

EoN 1.2+ draws its random numbers from an ``rng`` argument. The wrappers pass
a seeded ``numpy.random.Generator`` and also seed Python's and NumPy's global
generators before each run, so a run repeats exactly.
"""
from __future__ import annotations

import hashlib
import inspect
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import EoN
import networkx as nx
import numpy as np
from tqdm.auto import tqdm

from gdl_teach.core.cache import cached
from gdl_teach.core.validate import check_float, check_int
from gdl_teach.epidemics import eon_adapter
from gdl_teach.epidemics.eon_adapter import (
    SEIR_STATES,
    SIR_STATES,
    TupleSafeGenerator,
    check_weight,
    parse_history,
    seed_all,
    start_state,
)
from gdl_teach.epidemics.town import check_graph, graph_fingerprint

__all__ = ["SEIR_STATES", "SIMULATION_LIBRARIES", "SIR_STATES", "Outbreak", "first_time_with",
           "large_outbreak_share", "simulate_runs", "simulate_seir", "simulate_sir", "simulation_fingerprint"]

#: Libraries whose versions change simulated outbreaks: part of the key of every cached simulation.
SIMULATION_LIBRARIES = ("EoN", "networkx", "numpy")


@lru_cache(maxsize=1)
def simulation_fingerprint() -> str:
    """A hash of the code that simulates (this module and :mod:`~gdl_teach.epidemics.eon_adapter`).

    Part of the key of every cached simulation, also those built in other
    modules (Monte Carlo risk, vaccination studies): the kit's cache hashes
    only the module that defines ``build``, and a simulation written by older
    code must not be reused.
    """
    source = inspect.getsource(sys.modules[__name__]) + inspect.getsource(eon_adapter)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


@dataclass
class Outbreak:
    """One simulated outbreak: when each person changed state.

    Attributes:
        t_infected: (N,) time each person became infectious (``inf`` never,
            ``-inf`` immune from the start: recovered or vaccinated).
        t_recovered: (N,) time each person recovered (``inf`` not by ``t_max``).
        t_min: start time; t_max: the last time the simulation covers.
        index_cases: who was infectious at ``t_min``.
        model: ``"SIR"`` or ``"SEIR"``.
        t_exposed: (N,) time of exposure for SEIR (``None`` for SIR).
        params: the simulation's rates and seed.
    """

    t_infected: np.ndarray
    t_recovered: np.ndarray
    t_min: float
    t_max: float
    index_cases: list[int]
    model: str = "SIR"
    t_exposed: np.ndarray | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def num_nodes(self) -> int:
        """N, the number of people."""
        return int(self.t_infected.shape[0])

    @property
    def end(self) -> float:
        """Time of the last event (a recovery), or ``t_max`` if the outbreak was still going."""
        times = np.concatenate([self.t_infected, self.t_recovered])
        finite = times[np.isfinite(times)]
        last = float(finite.max()) if finite.size else self.t_min
        return min(max(last, self.t_min), self.t_max)

    @property
    def infected_ever(self) -> np.ndarray:
        """(N,) bool: infected during this run (index cases included)."""
        return np.isfinite(self.t_infected)

    @property
    def final_size(self) -> int:
        """How many people were infected during this run."""
        return int(self.infected_ever.sum())

    def infectious_at(self, times: np.ndarray | Sequence[float]) -> np.ndarray:
        """(T, N) bool: who is infectious (state I) at each of ``times`` (T,).

        Infectious from ``t_infected`` (included) until ``t_recovered`` (excluded).
        The one place the kit computes this: windows, peaks and epidemic curves use it.

        Args:
            times: (T,) times, or one time.
        """
        times = np.asarray(times, dtype=float).reshape(-1, 1)  # (T, 1)
        return (self.t_infected[None, :] <= times) & (self.t_recovered[None, :] > times)

    def states_at(self, t: float) -> np.ndarray:
        """(N,) state codes at time ``t``: indices into ``SIR_STATES`` (or ``SEIR_STATES``).

        Args:
            t: a time within ``[t_min, t_max]``.
        """
        t = check_float("t", t)
        if t < self.t_min or t > self.t_max:
            raise ValueError(f"t must be within the simulated time [{self.t_min}, {self.t_max}], got {t}")
        states = np.zeros(self.num_nodes, dtype=np.int64)
        infectious = 2 if self.model == "SEIR" else 1
        if self.t_exposed is not None:
            states[self.t_exposed <= t] = 1
        states[self.t_infected <= t] = infectious
        states[self.t_recovered <= t] = infectious + 1
        return states

    def counts(self, times: np.ndarray | Sequence[float]) -> dict[str, np.ndarray]:
        """Number of people in each state at each of ``times``: ``{"S": (T,), "I": (T,), ...}``.

        Args:
            times: (T,) times; clipped to ``[t_min, t_max]``.
        """
        times = np.asarray(times, dtype=float).reshape(-1)
        names = SEIR_STATES if self.model == "SEIR" else SIR_STATES
        if times.size == 0:
            return {name: np.zeros(0, dtype=np.int64) for name in names}
        states = np.stack([self.states_at(float(min(max(t, self.t_min), self.t_max))) for t in times])  # (T, N)
        return {name: (states == code).sum(1) for code, name in enumerate(names)}

    def window_with(self, num_infectious: int) -> tuple[float, float] | None:
        """First and last event time at which at least ``num_infectious`` people are infectious (``None``: never).

        Args:
            num_infectious: how many people must be infectious at once.
        """
        events = np.unique(np.concatenate([self.t_infected[np.isfinite(self.t_infected)],
                                           self.t_recovered[np.isfinite(self.t_recovered)]]))
        if events.size == 0:
            return None
        ok = events[self.infectious_at(events).sum(1) >= num_infectious]
        if ok.size == 0:
            return None
        return float(ok[0]), float(ok[-1])

    @property
    def peak(self) -> int:
        """The largest number of people infectious at once."""
        events = np.unique(self.t_infected[np.isfinite(self.t_infected)])
        return int(self.infectious_at(events).sum(1).max()) if events.size else 0

    def to_plain(self) -> dict[str, Any]:
        """The outbreak as plain data (arrays, numbers, strings), what the kit's cache stores."""
        return {"t_infected": self.t_infected, "t_recovered": self.t_recovered, "t_min": self.t_min,
                "t_max": self.t_max, "index_cases": list(self.index_cases), "model": self.model,
                "t_exposed": self.t_exposed, "params": dict(self.params)}

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> Outbreak:
        """Undo :meth:`to_plain`."""
        return cls(**plain)


def first_time_with(outbreak: Outbreak, num_infectious: int) -> float:
    """The first event time at which at least ``num_infectious`` people are infectious.

    Args:
        outbreak: a simulated :class:`Outbreak`.
        num_infectious: how many people must be infectious at once.

    Raises:
        ValueError: the outbreak never gets that large.
    """
    num_infectious = check_int("num_infectious", num_infectious, min_value=1)
    window = outbreak.window_with(num_infectious)
    if window is None:
        raise ValueError(f"num_infectious={num_infectious} is never reached in this outbreak (peak {outbreak.peak})")
    return window[0]


def simulate_sir(
    G: nx.Graph,
    tau: float,
    gamma: float,
    *,
    initial_infecteds: Sequence[int] | int | None = None,
    initial_recovereds: Sequence[int] | None = None,
    t_min: float = 0.0,
    t_max: float = float("inf"),
    weight: str | None = "weight",
    seed: int = 0,
) -> Outbreak:
    """One SIR outbreak with ``EoN.fast_SIR`` (exact, event driven, continuous time).

    A susceptible person is infected along each edge to an infectious neighbour
    at rate ``tau * weight``; an infectious person recovers at rate ``gamma``
    (mean infectious period ``1 / gamma``).

    Args:
        G: contact network on nodes ``0..N-1``.
        tau: transmission rate per edge (per day, times the edge weight).
        gamma: recovery rate per person (per day).
        initial_infecteds: node ids infectious at ``t_min`` (a list, an integer
            array or one int); default one random person.
        initial_recovereds: node ids immune at ``t_min`` (recovered or vaccinated).
        t_min: start time.
        t_max: stop time (default: run until nobody is infectious).
        weight: edge attribute that scales ``tau``; ``None`` for unweighted.
        seed: seeds the index case and every random delay.

    Returns:
        An :class:`Outbreak`.
    """
    tau, gamma, t_min, t_max, seed = _check_sir_args(G, tau, gamma, t_min, t_max, weight, seed)
    rng = seed_all(seed)
    num_nodes, infected, immune = start_state(G, initial_infecteds, initial_recovereds, rng)
    sim = EoN.fast_SIR(G, tau, gamma, initial_infecteds=infected, initial_recovereds=immune or None,
                       tmin=t_min, tmax=t_max, transmission_weight=weight, rng=rng, return_full_data=True)
    _, t_inf, t_rec = parse_history(sim, num_nodes, t_min, immune, "SIR")
    return Outbreak(t_inf, t_rec, t_min=t_min, t_max=t_max, index_cases=infected, model="SIR",
                    params={"tau": tau, "gamma": gamma, "weight": weight, "seed": seed})


def _check_sir_args(G: Any, tau: Any, gamma: Any, t_min: Any, t_max: Any, weight: Any,
                    seed: Any) -> tuple[float, float, float, float, int]:
    check_graph("G", G)
    tau = check_float("tau", tau, min_value=0.0)
    gamma = check_float("gamma", gamma, min_value=0.0, strict_min=True)
    t_min = check_float("t_min", t_min)
    if not isinstance(t_max, (int, float, np.integer, np.floating)) or isinstance(t_max, bool) \
            or np.isnan(t_max) or t_max <= t_min:
        raise ValueError(f"t_max must be a number greater than t_min={t_min} (inf: until the end), got {t_max!r}")
    check_weight(G, weight)
    return tau, gamma, t_min, float(t_max), check_int("seed", seed, min_value=0)


def simulate_seir(
    G: nx.Graph,
    tau: float,
    sigma: float,
    gamma: float,
    *,
    initial_infecteds: Sequence[int] | int | None = None,
    t_max: float = 365.0,
    weight: str | None = "weight",
    seed: int = 0,
) -> Outbreak:
    """One SEIR outbreak with ``EoN.Gillespie_simple_contagion``.

    Infection along an edge (rate ``tau * weight``) makes a person Exposed:
    infected but not yet infectious. Exposed people become Infectious at rate
    ``sigma`` (mean latent period ``1 / sigma``) and recover at rate ``gamma``.

    Args:
        G: contact network on nodes ``0..N-1``.
        tau: transmission rate per edge.
        sigma: rate E -> I.
        gamma: rate I -> R.
        initial_infecteds: node ids infectious at time 0; default one random person.
        t_max: stop time.
        weight: edge attribute that scales ``tau``; ``None`` for unweighted.
        seed: seeds the index case and every random event.

    Returns:
        An :class:`Outbreak` with ``model="SEIR"`` and ``t_exposed`` set.
    """
    tau = check_float("tau", tau, min_value=0.0)
    sigma = check_float("sigma", sigma, min_value=0.0, strict_min=True)
    gamma = check_float("gamma", gamma, min_value=0.0, strict_min=True)
    t_max = check_float("t_max", t_max, min_value=0.0, strict_min=True)
    seed = check_int("seed", seed, min_value=0)
    check_weight(G, weight)
    rng = seed_all(seed)
    num_nodes, infected, _ = start_state(G, initial_infecteds, None, rng)
    H = nx.DiGraph()  # spontaneous transitions
    H.add_edge("E", "I", rate=sigma)
    H.add_edge("I", "R", rate=gamma)
    J = nx.DiGraph()  # transitions along an edge
    if weight is None:
        J.add_edge(("I", "S"), ("I", "E"), rate=tau)
    else:
        J.add_edge(("I", "S"), ("I", "E"), rate=tau, weight_label=weight)
    start = {v: "S" for v in range(num_nodes)}
    for v in infected:
        start[v] = "I"
    sim = EoN.Gillespie_simple_contagion(G, H, J, start, SEIR_STATES, tmax=t_max, rng=TupleSafeGenerator(rng),
                                         return_full_data=True)
    t_exp, t_inf, t_rec = parse_history(sim, num_nodes, 0.0, [], "SEIR")
    return Outbreak(t_inf, t_rec, t_min=0.0, t_max=t_max, index_cases=infected, model="SEIR", t_exposed=t_exp,
                    params={"tau": tau, "sigma": sigma, "gamma": gamma, "weight": weight, "seed": seed})


def simulate_runs(
    G: nx.Graph,
    num_runs: int,
    *,
    tau: float,
    gamma: float,
    num_index_cases: int = 1,
    seed: int = 0,
    progress: bool = True,
) -> list[Outbreak]:
    """``num_runs`` SIR outbreaks, each from ``num_index_cases`` random index cases, cached on disk.

    Run ``r`` uses seed ``seed * 100_003 + r``, so runs can be regenerated one
    by one. The cache key holds every parameter, the graph's fingerprint and
    the versions of :data:`SIMULATION_LIBRARIES`.

    Args:
        G: contact network on nodes ``0..N-1`` (edge attribute ``weight``).
        num_runs: number of runs.
        tau: transmission rate per edge.
        gamma: recovery rate.
        num_index_cases: index cases per run, drawn at random.
        seed: base seed.
        progress: show a tqdm bar.

    Returns:
        A list of :class:`Outbreak`.
    """
    num_nodes = check_graph("G", G)
    num_runs = check_int("num_runs", num_runs, min_value=1)
    tau = check_float("tau", tau, min_value=0.0)
    gamma = check_float("gamma", gamma, min_value=0.0, strict_min=True)
    num_index_cases = check_int("num_index_cases", num_index_cases, min_value=1, max_value=num_nodes)
    seed = check_int("seed", seed, min_value=0)
    params = {"graph": graph_fingerprint(G), "num_runs": num_runs, "tau": tau, "gamma": gamma,
              "num_index_cases": num_index_cases, "seed": seed, "simulator": simulation_fingerprint()}

    def run(r: int) -> Outbreak:
        run_seed = seed * 100_003 + r
        index = np.random.default_rng(run_seed).choice(num_nodes, size=num_index_cases, replace=False).tolist()
        return simulate_sir(G, tau, gamma, initial_infecteds=index, seed=run_seed)

    def build() -> list[Outbreak]:
        return [run(r) for r in tqdm(range(num_runs), desc="EoN outbreaks", disable=not progress, leave=False)]

    return cached("sir_runs", params, build, libraries=SIMULATION_LIBRARIES,
                  encode=lambda runs: [r.to_plain() for r in runs],
                  decode=lambda plain: [Outbreak.from_plain(d) for d in plain])


def large_outbreak_share(
    G: nx.Graph, tau: float, gamma: float, *, num_runs: int = 20, threshold: float = 0.05,
    weight: str | None = None, seed: int = 0,
) -> float:
    """Fraction of single-index-case outbreaks that infect more than ``threshold`` of the network.

    Below the epidemic threshold (R0 < 1) almost every outbreak fizzles out;
    above it a share of them takes off.

    Args:
        G: contact network on ``0..N-1``.
        tau: transmission rate per edge.
        gamma: recovery rate.
        num_runs: outbreaks simulated, each from one random person.
        threshold: fraction of the network that counts as "large".
        weight: edge attribute scaling ``tau``; default ``None`` (every edge alike).
        seed: base seed.
    """
    num_nodes = check_graph("G", G)
    num_runs = check_int("num_runs", num_runs, min_value=1)
    threshold = check_float("threshold", threshold, min_value=0.0, max_value=1.0)
    seed = check_int("seed", seed, min_value=0)
    sizes = [simulate_sir(G, tau, gamma, weight=weight, seed=seed * 100_003 + r).final_size for r in range(num_runs)]
    return float(np.mean(np.array(sizes) > threshold * num_nodes))
