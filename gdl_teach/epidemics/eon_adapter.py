"""What the kit hands EoN and reads back from it (lesson 04).

EoN (Miller & Ting, "EoN (Epidemics on Networks): a fast, flexible Python
package for simulation, analytic approximation, and analysis of epidemics on
networks", JOSS 2019) simulates; this module only seeds it, checks the node ids
given to it, and turns its per-node histories into arrays of state-change times.
"""
from __future__ import annotations

import random
from typing import Any

import networkx as nx
import numpy as np
import torch

from gdl_teach.epidemics.town import check_graph

SIR_STATES = ("S", "I", "R")
SEIR_STATES = ("S", "E", "I", "R")


def seed_all(seed: int) -> np.random.Generator:
    """Seed Python's and NumPy's global generators and return a fresh seeded Generator for EoN.

    Args:
        seed: a non-negative int.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    return np.random.default_rng(seed)


class TupleSafeGenerator:
    """A NumPy ``Generator`` whose ``choice(list)`` returns the element itself.

    EoN 2.0's weighted ``Gillespie_simple_contagion`` draws a (node, neighbour)
    pair with ``rng.choice(list_of_pairs)`` and looks it up in a dict; NumPy
    turns the pair into an unhashable array and EoN crashes. Picking by index
    keeps the pair a tuple and draws from the same seeded stream.

    Args:
        rng: the seeded generator to draw from.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rng, name)

    def choice(self, a: Any, *args: Any, **kwargs: Any) -> Any:
        """``rng.choice``, except that a list gives back one of its elements unchanged.

        Args:
            a: what to choose from.
            *args, **kwargs: passed on to ``numpy.random.Generator.choice``.
        """
        if isinstance(a, list) and not args and not kwargs:
            return a[int(self._rng.integers(len(a)))]
        return self._rng.choice(a, *args, **kwargs)


def node_ids(name: str, nodes: Any, num_nodes: int) -> list[int]:
    """Check a collection of node ids and return them sorted, without repeats.

    Accepted: ``None`` (no nodes), one int, or a list/tuple/set, integer NumPy
    array or integer tensor of ints in ``[0, num_nodes)``. A string, a float or
    a bool is refused rather than reinterpreted (``"12"`` is not nodes 1 and 2,
    ``2.7`` is not node 2).

    Args:
        name: the argument's name, for the error message.
        nodes: what the caller passed.
        num_nodes: N; ids must lie in ``[0, N)``.

    Raises:
        TypeError: naming ``name``, for anything else.
        ValueError: naming ``name``, for ids outside ``[0, num_nodes)``.
    """
    if nodes is None:
        return []
    expected = f"{name} must be node ids (a list of ints, an integer array or one int)"
    if isinstance(nodes, (str, bytes)):
        raise TypeError(f"{expected}, got the string {nodes!r}; write [1, 2], not '12'")
    if isinstance(nodes, torch.Tensor):  # wherever it lives
        nodes = nodes.detach().cpu().numpy()
    if isinstance(nodes, np.ndarray):
        if nodes.dtype.kind not in "iu":
            raise TypeError(f"{expected}, got an array of dtype {nodes.dtype}")
        nodes = nodes.reshape(-1).tolist()
    items = [nodes] if isinstance(nodes, (int, np.integer, float, np.floating)) else nodes
    try:
        items = list(items)
    except TypeError:
        raise TypeError(f"{expected}, got {type(nodes).__name__}") from None
    bad_type = [v for v in items if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer))]
    if bad_type:
        raise TypeError(f"{expected}; {bad_type[0]!r} ({type(bad_type[0]).__name__}) is not a node id")
    out = [int(v) for v in items]
    outside = [v for v in out if not 0 <= v < num_nodes]
    if outside:
        raise ValueError(f"{name} contains node ids outside [0, {num_nodes - 1}]: {outside[:5]}")
    return sorted(set(out))


def start_state(G: nx.Graph, initial_infecteds: Any, initial_recovereds: Any,
                rng: np.random.Generator) -> tuple[int, list[int], list[int]]:
    """Checked index cases and immune people; one random index case when ``initial_infecteds`` is None.

    Args:
        G: contact network on ``0..N-1``.
        initial_infecteds: node ids infectious at the start (see :func:`node_ids`), or ``None``.
        initial_recovereds: node ids immune at the start, or ``None``.
        rng: draws the random index case.

    Returns:
        ``(N, infected, immune)``: the number of nodes and two sorted lists of node ids.
    """
    num_nodes = check_graph("G", G)
    immune = node_ids("initial_recovereds", initial_recovereds, num_nodes)
    infected = node_ids("initial_infecteds", initial_infecteds, num_nodes)
    if set(infected) & set(immune):
        raise ValueError("initial_infecteds and initial_recovereds must not share nodes")
    if initial_infecteds is None:
        pool = np.setdiff1d(np.arange(num_nodes), immune)
        if pool.size == 0:
            raise ValueError("initial_recovereds covers every node; nobody is left to infect")
        infected = [int(rng.choice(pool))]
    return num_nodes, infected, immune


def parse_history(sim: Any, num_nodes: int, t_min: float, immune: list[int], model: str
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-node state-change times from EoN's node histories, checking the S->(E->)I->R order.

    Args:
        sim: EoN's ``Simulation_Investigation`` (``return_full_data=True``).
        num_nodes: N.
        t_min: start time (the exposure time given to SEIR index cases).
        immune: node ids immune from the start (all their times are ``-inf``).
        model: ``"SIR"`` or ``"SEIR"``.

    Returns:
        ``(t_exposed, t_infected, t_recovered)``, each (N,); ``inf`` for never.
    """
    order = SEIR_STATES if model == "SEIR" else SIR_STATES
    t_exp, t_inf, t_rec = (np.full(num_nodes, np.inf) for _ in range(3))
    immune_set = set(immune)
    history = sim.node_history
    for v in range(num_nodes):
        if v in immune_set:
            t_exp[v] = t_inf[v] = t_rec[v] = -np.inf
            continue
        times, statuses = history(v)
        if len(statuses) == 1 and statuses[0] == "S":  # never infected: most people in a short run
            continue
        ranks = [order.index(s) for s in statuses]
        if ranks != sorted(ranks) or len(set(ranks)) != len(ranks) or list(times) != sorted(times):
            raise RuntimeError(f"EoN returned a history that breaks the {'->'.join(order)} order for node {v}: "
                               f"{list(zip(times, statuses))}")
        for t, s in zip(times, statuses):
            if s == "E":
                t_exp[v] = t
            elif s == "I":
                t_inf[v] = t
            elif s == "R":
                t_rec[v] = t
    if model == "SEIR":
        # infectious without an exposure record: an index case, exposed at t_min
        t_exp = np.where(np.isfinite(t_inf) & ~np.isfinite(t_exp), np.minimum(t_inf, t_min), t_exp)
    return t_exp, t_inf, t_rec


def check_weight(G: Any, weight: Any) -> str | None:
    """Check that ``weight`` is ``None`` or an attribute that every edge of ``G`` has; return it.

    Without this, a misspelt name reaches EoN as a bare ``KeyError``.
    """
    if weight is None:
        return None
    if not isinstance(weight, str):
        raise TypeError(f"weight must be an edge attribute name or None, got {type(weight).__name__}")
    missing = sum(1 for _, _, d in G.edges(data=True) if weight not in d)
    if missing:
        names = sorted({k for _, _, d in G.edges(data=True) for k in d})
        raise ValueError(f"weight={weight!r} is not an attribute of {missing} of the {G.number_of_edges()} edges; "
                         f"the edges have {names} (or pass weight=None for equal rates)")
    return weight
