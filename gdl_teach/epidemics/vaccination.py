"""Whom to vaccinate? Strategies compared by finishing the outbreak with EoN (lesson 04).

:func:`vaccination_targets` chooses ``k`` susceptible people by a strategy
(random, most contacts, most infectious contacts, highest predicted risk);
:func:`vaccination_study` vaccinates them and re-simulates the rest of the
outbreak many times, with the same seeds for every strategy, into a
:class:`VaccinationStudy`. :func:`risk_strategy_over_seeds` repeats the
risk strategy for several trained models (one per training seed) on the same
seeds, so its result can be reported as a distribution over models.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import torch
from tqdm.auto import tqdm

from gdl_teach.core.cache import cached
from gdl_teach.core.validate import check_choice, check_float, check_int
from gdl_teach.epidemics.contacts import infectious_contacts
from gdl_teach.epidemics.dataset import as_states
from gdl_teach.epidemics.monte_carlo import array_hash
from gdl_teach.epidemics.outbreaks import SIMULATION_LIBRARIES, simulate_sir, simulation_fingerprint
from gdl_teach.epidemics.town import check_graph, graph_fingerprint, town_to_data

VACCINATION_STRATEGIES = ("random", "degree", "ring", "gnn risk")


def vaccination_targets(
    G: nx.Graph,
    states: np.ndarray | torch.Tensor,
    k: int,
    strategy: str,
    *,
    scores: np.ndarray | torch.Tensor | None = None,
    seed: int = 0,
) -> list[int]:
    """Choose ``k`` susceptible people to vaccinate.

    Args:
        G: contact network on ``0..N-1``.
        states: (N,) SIR codes now; only susceptible people (0) are eligible.
        k: how many doses.
        strategy: ``"random"``, ``"degree"`` (most contacts first), ``"ring"``
            (contact tracing: most weighted infectious contacts first, then most
            contacts) or ``"gnn risk"`` (highest ``scores`` first).
        scores: (N,) risk scores, required for ``"gnn risk"`` (a tensor on any device or an array).
        seed: seeds the random strategy.

    Returns:
        Sorted node ids (at most the number of susceptible people); ties broken by the lower id.
    """
    num_nodes = check_graph("G", G)
    states = as_states(states).numpy()
    if states.shape != (num_nodes,):
        raise ValueError(f"states must have shape ({num_nodes},), got {states.shape}")
    k = check_int("k", k, min_value=0)
    check_choice("strategy", strategy, VACCINATION_STRATEGIES)
    eligible = np.flatnonzero(states == 0)
    if strategy == "random":
        chosen = np.random.default_rng(check_int("seed", seed, min_value=0)).permutation(eligible)[:k]
    else:
        degree = np.array([G.degree(v) for v in range(num_nodes)], dtype=float)
        if strategy == "degree":
            value = degree
        elif strategy == "ring":
            data = town_to_data(G)
            value = infectious_contacts(data.edge_index, torch.as_tensor(states), data.edge_weight.double()).numpy()
        else:
            if scores is None:
                raise ValueError("scores must be given for strategy='gnn risk'")
            value = _scores(scores, num_nodes, np.float64)
        order = eligible[np.lexsort((eligible, -degree[eligible], -value[eligible]))]  # highest first, then degree, id
        chosen = order[:k]
    return sorted(int(v) for v in chosen)


def _scores(scores: np.ndarray | torch.Tensor, num_nodes: int, dtype: type) -> np.ndarray:
    value = np.asarray(scores.detach().cpu() if isinstance(scores, torch.Tensor) else scores, dtype=dtype)
    if value.shape != (num_nodes,):
        raise ValueError(f"scores must have shape ({num_nodes},), got {value.shape}")
    return value


@dataclass
class VaccinationStudy:
    """Re-simulated outbreaks after vaccinating ``k`` people by each strategy.

    Attributes:
        t_grid: (T,) days after the intervention.
        ks: the numbers of doses studied.
        strategies: the strategies studied.
        infectious: ``{(strategy, k): (R, T)}`` people infectious at each time, per run.
        final_size: ``{(strategy, k): (R,)}`` fraction of the town ever infected
            by the end (earlier cases included), per run.
        people: N.
    """

    t_grid: np.ndarray
    ks: list[int]
    strategies: list[str]
    infectious: dict[tuple[str, int], np.ndarray]
    final_size: dict[tuple[str, int], np.ndarray]
    people: int

    def table(self, k: int) -> Any:
        """A pandas DataFrame: mean and spread of the final size per strategy at ``k`` doses.

        Args:
            k: one of :attr:`ks`.
        """
        import pandas as pd

        if k not in self.ks:
            raise ValueError(f"k must be one of the studied doses {self.ks}, got {k}")
        rows = []
        for s in self.strategies:
            f = self.final_size[(s, k)]
            rows.append({"strategy": s, "doses": k, "final size (mean)": round(float(f.mean()), 3),
                         "std": round(float(f.std()), 3), "10%": round(float(np.quantile(f, 0.1)), 3),
                         "90%": round(float(np.quantile(f, 0.9)), 3)})
        return pd.DataFrame(rows).set_index("strategy")

    def with_strategies(self, other: VaccinationStudy) -> VaccinationStudy:
        """This study and ``other``'s strategies in one (both simulated on the same seeds, grid and town).

        ``other`` must cover this study's doses, except ``k = 0`` (no vaccination), which is the same
        for every strategy and is shared.

        Args:
            other: a study of other strategies, from :func:`vaccination_study` with the same seeds.
        """
        if not isinstance(other, VaccinationStudy):
            raise TypeError(f"other must be a VaccinationStudy, got {type(other).__name__}")
        if other.people != self.people or not np.array_equal(other.t_grid, self.t_grid):
            raise ValueError("other must be simulated on the same town and time grid")
        missing = [k for k in self.ks if k != 0 and k not in other.ks]
        if missing or set(other.strategies) & set(self.strategies):
            raise ValueError(f"other must add new strategies at every dose of this study ({self.ks}); "
                             f"missing doses {missing}, shared strategies {sorted(set(other.strategies) & set(self.strategies))}")
        infectious, final = dict(self.infectious), dict(self.final_size)
        for s in other.strategies:
            for k in self.ks:
                src = (s, k) if k != 0 else (self.strategies[0], 0)
                infectious[(s, k)] = (other.infectious if k != 0 else self.infectious)[src]
                final[(s, k)] = (other.final_size if k != 0 else self.final_size)[src]
        return VaccinationStudy(self.t_grid, list(self.ks), self.strategies + list(other.strategies), infectious,
                                final, self.people)

    def to_plain(self) -> dict[str, Any]:
        """The study as plain data (the dicts keyed by ``(strategy, k)`` become lists), what the cache stores."""
        keys = list(self.final_size)
        return {"t_grid": self.t_grid, "ks": list(self.ks), "strategies": list(self.strategies),
                "keys": [[s, k] for s, k in keys], "infectious": [self.infectious[key] for key in keys],
                "final_size": [self.final_size[key] for key in keys], "people": self.people}

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> VaccinationStudy:
        """Undo :meth:`to_plain`."""
        keys = [(str(s), int(k)) for s, k in plain["keys"]]
        return cls(plain["t_grid"], list(plain["ks"]), list(plain["strategies"]),
                   dict(zip(keys, plain["infectious"])), dict(zip(keys, plain["final_size"])), int(plain["people"]))


def vaccination_study(
    G: nx.Graph,
    states: np.ndarray | torch.Tensor,
    scores: np.ndarray | torch.Tensor | None,
    *,
    ks: Sequence[int],
    tau: float,
    gamma: float,
    num_runs: int = 20,
    strategies: Sequence[str] = VACCINATION_STRATEGIES,
    t_max: float = 120.0,
    seed: int = 0,
    progress: bool = True,
) -> VaccinationStudy:
    """Vaccinate ``k`` susceptible people by each strategy, then finish the outbreak with EoN.

    Every strategy and dose reuses the same ``num_runs`` seeds (common random
    numbers), so differences come from who was vaccinated, not from luck.
    Vaccinated people enter EoN as ``initial_recovereds``. Cached on disk by
    all parameters, the graph, the states and the scores.

    Args:
        G: contact network on ``0..N-1``.
        states: (N,) SIR codes at the moment of the intervention.
        scores: (N,) a model's risk scores, used by ``"gnn risk"``.
        ks: doses to study, distinct, e.g. ``(0, 100, 200)``.
        tau: transmission rate per edge.
        gamma: recovery rate.
        num_runs: re-simulations per (strategy, k).
        strategies: a subset of :data:`VACCINATION_STRATEGIES`.
        t_max: days on the time grid of the curves.
        seed: base seed.
        progress: show a tqdm bar.

    Returns:
        A :class:`VaccinationStudy`.
    """
    num_nodes = check_graph("G", G)
    states = as_states(states).numpy()
    if states.shape != (num_nodes,) or not np.isin(states, (0, 1, 2)).all():
        raise ValueError(f"states must be ({num_nodes},) SIR codes 0, 1, 2")
    if not (states == 1).any():
        raise ValueError("states must contain at least one infectious person (code 1)")
    ks = [check_int("ks[i]", k, min_value=0) for k in ks]
    if not ks or len(set(ks)) != len(ks):
        raise ValueError(f"ks must list at least one number of doses, each once, got {ks}")
    strategies = [check_choice("strategies[i]", s, VACCINATION_STRATEGIES) for s in strategies]
    num_runs = check_int("num_runs", num_runs, min_value=1)
    t_max = check_float("t_max", t_max, min_value=0.0, strict_min=True)
    seed = check_int("seed", seed, min_value=0)
    tau = check_float("tau", tau, min_value=0.0)
    gamma = check_float("gamma", gamma, min_value=0.0, strict_min=True)
    if "gnn risk" in strategies:
        if scores is None:
            raise ValueError("scores must be given when strategies include 'gnn risk'")
        scores = _scores(scores, num_nodes, np.float32)  # the precision of a model's output
    params = {"graph": graph_fingerprint(G), "states": array_hash(states.astype(np.int64)),
              "scores": None if scores is None else array_hash(np.round(np.asarray(scores, dtype=np.float64), 6)),
              "ks": ks, "strategies": strategies, "tau": tau, "gamma": gamma, "num_runs": num_runs, "t_max": t_max,
              "seed": seed, "simulator": simulation_fingerprint()}
    return cached("vaccination_study", params,
                  lambda: _run_study(G, states, scores, ks, strategies, tau, gamma, num_runs, t_max, seed, progress),
                  libraries=SIMULATION_LIBRARIES, encode=VaccinationStudy.to_plain, decode=VaccinationStudy.from_plain)


def _run_study(G: nx.Graph, states: np.ndarray, scores: Any, ks: list[int], strategies: list[str],
               tau: float, gamma: float, num_runs: int, t_max: float, seed: int,
               progress: bool) -> VaccinationStudy:
    num_nodes = G.number_of_nodes()
    t_grid = np.linspace(0.0, t_max, 121)
    infected = np.flatnonzero(states == 1).tolist()
    before = int((states != 0).sum())
    curves: dict[tuple[str, int], np.ndarray] = {}
    finals: dict[tuple[str, int], np.ndarray] = {}
    done: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray]] = {}
    jobs = [(s, k) for k in ks for s in strategies]
    for s, k in tqdm(jobs, desc="vaccination runs", disable=not progress, leave=False):
        vacc = vaccination_targets(G, states, k, s, scores=scores if s == "gnn risk" else None, seed=seed)
        key = tuple(vacc)
        if key not in done:  # k = 0 is the same for every strategy
            immune = sorted(set(vacc) | set(np.flatnonzero(states == 2).tolist()))
            cur, fin = np.zeros((num_runs, t_grid.size)), np.zeros(num_runs)
            for r in range(num_runs):
                run = simulate_sir(G, tau, gamma, initial_infecteds=infected, initial_recovereds=immune,
                                   seed=seed * 100_003 + r)
                cur[r] = run.infectious_at(t_grid).sum(1)
                fin[r] = (before + int((np.isfinite(run.t_infected) & (states == 0)).sum())) / num_nodes
            done[key] = (cur, fin)
        curves[(s, k)], finals[(s, k)] = done[key]
    return VaccinationStudy(t_grid, ks, strategies, curves, finals, num_nodes)


def risk_strategy_over_seeds(
    G: nx.Graph,
    states: np.ndarray | torch.Tensor,
    scores_by_seed: dict[int, np.ndarray | torch.Tensor],
    *,
    ks: Sequence[int],
    tau: float,
    gamma: float,
    num_runs: int = 20,
    seed: int = 0,
    progress: bool = True,
) -> dict[int, VaccinationStudy]:
    """The ``"gnn risk"`` strategy with each of several models' scores, on the same EoN seeds.

    One :func:`vaccination_study` per model (cached), with the same ``seed``
    and ``num_runs`` as the study of the other strategies, so that run ``r`` of
    every strategy and every model starts from the same random numbers.

    Args:
        G: contact network on ``0..N-1``.
        states: (N,) SIR codes at the moment of the intervention.
        scores_by_seed: training seed -> (N,) that model's risk scores.
        ks: doses to study.
        tau: transmission rate per edge.
        gamma: recovery rate.
        num_runs: re-simulations per dose and model.
        seed: base seed of the re-simulations.
        progress: show a tqdm bar.

    Returns:
        ``{training seed: VaccinationStudy}`` with the one strategy ``"gnn risk"``.
    """
    if not isinstance(scores_by_seed, dict) or not scores_by_seed:
        raise ValueError("scores_by_seed must be a dict seed -> scores, with at least one model")
    return {int(s): vaccination_study(G, states, scores, ks=ks, tau=tau, gamma=gamma, num_runs=num_runs,
                                      strategies=("gnn risk",), seed=seed, progress=False)
            for s, scores in tqdm(scores_by_seed.items(), desc="models", disable=not progress, leave=False)}


def over_seeds_table(study: VaccinationStudy, risk_by_seed: dict[int, VaccinationStudy]) -> Any:
    """Mean final size per strategy and dose; for ``"gnn risk"``, its spread over the models (training seeds).

    Args:
        study: the other strategies, from :func:`vaccination_study`.
        risk_by_seed: from :func:`risk_strategy_over_seeds` (the same EoN seeds).

    Returns:
        A pandas DataFrame indexed by strategy, one column per dose > 0 of the mean final size over the
        EoN runs; the risk strategy appears as the mean over models and as the lowest and highest model.
    """
    import pandas as pd

    ks = [k for k in study.ks if k > 0]
    rows = {s: {k: study.final_size[(s, k)].mean() for k in ks} for s in study.strategies if s != "gnn risk"}
    per_model = pd.DataFrame({s: {k: st.final_size[("gnn risk", k)].mean() for k in ks}
                              for s, st in risk_by_seed.items()})  # doses x seeds
    rows[f"gnn risk, mean of {per_model.shape[1]} models"] = per_model.mean(axis=1).to_dict()
    rows["gnn risk, best model"] = per_model.min(axis=1).to_dict()
    rows["gnn risk, worst model"] = per_model.max(axis=1).to_dict()
    table = pd.DataFrame(rows).T.round(3)
    table.columns = [f"{k} doses" for k in ks]
    return table
