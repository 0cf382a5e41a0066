"""The true risk of infection, estimated by rerunning EoN, and models compared with it (lesson 04).

SIR with exponential delays is Markov: the states now are all the future
depends on. :func:`monte_carlo_risk` reruns ``EoN.fast_SIR`` many times from
one snapshot's states and counts how often each susceptible person is
infected within the horizon: the quantity a risk model should estimate.
:func:`monte_carlo_comparison` puts models' predictions next to it.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Data

from gdl_teach.core.cache import cached
from gdl_teach.core.validate import check_float, check_int
from gdl_teach.epidemics.dataset import as_states, infected_within
from gdl_teach.epidemics.outbreaks import SIMULATION_LIBRARIES, simulate_sir, simulation_fingerprint
from gdl_teach.epidemics.town import check_graph, graph_fingerprint


def monte_carlo_risk(
    G: nx.Graph,
    states: np.ndarray | torch.Tensor,
    horizon: float,
    *,
    tau: float,
    gamma: float,
    num_sims: int = 200,
    seed: int = 0,
) -> np.ndarray:
    """Each person's probability of infection within ``horizon``, estimated by rerunning EoN.

    Rerunning ``EoN.fast_SIR`` ``num_sims`` times from ``states`` and counting
    how often each susceptible person is infected in ``(0, horizon]``
    estimates exactly the risk a model should predict (its standard error is
    ``sqrt(p (1 - p) / num_sims)``). Cached on disk by every parameter, the
    graph and the states.

    Args:
        G: contact network on ``0..N-1``.
        states: (N,) SIR codes (0 S, 1 I, 2 R), an array or a tensor on any device.
        horizon: h in days.
        tau: transmission rate per edge (times edge ``weight``).
        gamma: recovery rate.
        num_sims: number of reruns.
        seed: base seed; rerun ``k`` uses ``seed * 100_003 + k``.

    Returns:
        risk: (N,) infection frequencies (0 for people not susceptible now).
    """
    num_nodes = check_graph("G", G)
    states = as_states(states).numpy()
    if states.shape != (num_nodes,) or not np.isin(states, (0, 1, 2)).all():
        raise ValueError(f"states must be ({num_nodes},) SIR codes 0 (S), 1 (I), 2 (R), got shape {states.shape}")
    horizon = check_float("horizon", horizon, min_value=0.0, strict_min=True)
    num_sims = check_int("num_sims", num_sims, min_value=1)
    seed = check_int("seed", seed, min_value=0)
    tau = check_float("tau", tau, min_value=0.0)
    gamma = check_float("gamma", gamma, min_value=0.0, strict_min=True)
    infected = np.flatnonzero(states == 1).tolist()
    immune = np.flatnonzero(states == 2).tolist()
    if not infected:
        return np.zeros(num_nodes)

    def build() -> np.ndarray:
        hits = np.zeros(num_nodes)
        for k in range(num_sims):
            run = simulate_sir(G, tau, gamma, initial_infecteds=infected, initial_recovereds=immune,
                               t_max=horizon, seed=seed * 100_003 + k)
            hits += infected_within(run, 0.0, horizon)
        return hits / num_sims

    params = {"graph": graph_fingerprint(G), "states": array_hash(states), "horizon": horizon, "tau": tau,
              "gamma": gamma, "num_sims": num_sims, "seed": seed, "simulator": simulation_fingerprint()}
    return cached("mc_risk", params, build, libraries=SIMULATION_LIBRARIES)


def array_hash(a: np.ndarray) -> str:
    """A short hash of an array's values and dtype: part of a cache key.

    Args:
        a: any numeric NumPy array.
    """
    return hashlib.sha256(np.ascontiguousarray(a).tobytes() + str(a.dtype).encode()).hexdigest()[:16]


def monte_carlo_comparison(
    G: nx.Graph,
    snapshots: Sequence[Data],
    scorers: dict[str, Callable[[Data], torch.Tensor | np.ndarray]],
    *,
    horizon: float,
    tau: float,
    gamma: float,
    num_sims: int = 200,
    seed: int = 0,
) -> tuple[list[np.ndarray], dict[str, list[np.ndarray]]]:
    """Each model's predicted risk next to EoN's Monte Carlo risk, on the susceptible people of a few snapshots.

    Args:
        G: the contact network (a networkx graph on ``0..N-1``).
        snapshots: snapshot ``Data`` objects with ``state`` (N,) and ``mask`` (N,).
        scorers: model name -> function ``snapshot -> (N,)`` probabilities,
            e.g. ``lambda d: experiments.risk_scores(gnn, d)``.
        horizon: h in days.
        tau: transmission rate per edge.
        gamma: recovery rate.
        num_sims: EoN reruns per snapshot (see :func:`monte_carlo_risk`).
        seed: snapshot ``j`` uses seed ``seed + j``.

    Returns:
        ``(mc, predicted)``: per snapshot, the (M_s,) Monte Carlo risks, and
        per model name the matching (M_s,) predictions (NumPy, on the CPU).
    """
    if not snapshots:
        raise ValueError("snapshots must hold at least one snapshot")
    if not scorers:
        raise ValueError("scorers must name at least one model")
    mc: list[np.ndarray] = []
    predicted: dict[str, list[np.ndarray]] = {name: [] for name in scorers}
    for j, snap in enumerate(snapshots):
        sus = snap.mask.detach().cpu().numpy()
        mc.append(monte_carlo_risk(G, snap.state, horizon, tau=tau, gamma=gamma, num_sims=num_sims,
                                   seed=seed + j)[sus])
        for name, scorer in scorers.items():
            predicted[name].append(np.asarray(torch.as_tensor(scorer(snap)).detach().cpu())[sus])
    return mc, predicted
