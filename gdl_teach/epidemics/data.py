"""Contact networks and outbreaks simulated on them with EoN (lesson 04).

Everything here is offline and synthetic unless its name says otherwise:

- :func:`make_town` builds a seeded town of households, school classes and
  workplaces (plus a few random community contacts); :func:`load_karate_club`
  returns networkx's copy of Zachary's real karate-club friendships for a
  warm-up a learner can follow by eye.
- :func:`simulate_sir` and :func:`simulate_seir` wrap EoN's simulators
  (``EoN.fast_SIR`` and ``EoN.Gillespie_simple_contagion``, Kiss, Miller &
  Simon, *Mathematics of Epidemics on Networks*, 2017) and return an
  :class:`Outbreak`: the time each person became infected and recovered.
- :func:`make_outbreak_dataset` turns many simulated outbreaks into a PyG
  dataset: for a snapshot at time ``t``, the current states and, per person,
  whether they are infected by ``t + horizon``; :func:`split_by_run` splits it
  by simulation run.
- :func:`monte_carlo_risk` reruns EoN many times from one state: each
  person's infection frequency within the horizon, the quantity a risk model
  should estimate.
- :func:`vaccination_targets` and :func:`vaccination_study` compare
  vaccination strategies by re-simulating with EoN.
- :func:`load_chickenpox_hungary` (optional, ``download=True`` only) reads the
  real weekly chickenpox counts of Hungary's counties.

EoN 1.2+ draws its random numbers from an ``rng`` argument. The wrappers pass
a seeded ``numpy.random.Generator`` and also seed Python's ``random`` and
NumPy's global state before each run, so a run repeats exactly.
"""
from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import EoN
import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Data, InMemoryDataset
from tqdm.auto import tqdm

from gdl_teach.core.cache import cache_dir, cached
from gdl_teach.core.validate import check_choice, check_float, check_int, check_tensor

AGE_GROUPS = ("child", "adult", "senior")
SETTINGS = ("household", "school", "work", "community")
SIR_STATES = ("S", "I", "R")
SEIR_STATES = ("S", "E", "I", "R")
DEFAULT_WEIGHTS = {"household": 1.0, "school": 0.35, "work": 0.35, "community": 0.2}
DEFAULT_HOUSEHOLD_SIZES = (0.28, 0.34, 0.15, 0.14, 0.06, 0.03)
PERSON_FEATURES = ("child", "adult", "senior", "household_size", "log_degree")
STATE_FEATURES = ("is_S", "is_I", "is_R")
GLOBAL_FEATURES = ("frac_I", "frac_R")
FEATURE_NAMES = PERSON_FEATURES + STATE_FEATURES + GLOBAL_FEATURES
VACCINATION_STRATEGIES = ("random", "degree", "gnn risk")
CHICKENPOX_URL = (
    "https://raw.githubusercontent.com/benedekrozemberczki/pytorch_geometric_temporal/"
    "master/dataset/chickenpox.json"
)


# --------------------------------------------------------------------------- networks


def make_town(
    n_households: int = 700,
    *,
    household_sizes: Sequence[float] = DEFAULT_HOUSEHOLD_SIZES,
    n_neighbourhoods: int = 6,
    class_size: int = 25,
    workplace_size: int = 15,
    school_contacts: float = 6.0,
    work_contacts: float = 4.0,
    community_contacts: float = 1.0,
    nearby_households: int = 8,
    employment: float = 0.8,
    weights: Mapping[str, float] | None = None,
    seed: int = 0,
) -> nx.Graph:
    """A synthetic town: households on a map, children in local school classes, adults at work anywhere.

    Households sit in ``n_neighbourhoods`` neighbourhoods on the unit square
    and draw their size from ``household_sizes``. One-person households hold
    an adult or a senior, two-person households a couple of adults or seniors,
    larger ones two adults and children. Children go to school in their own
    neighbourhood, in classes of ``class_size``, and meet on average
    ``school_contacts`` classmates; a fraction ``employment`` of adults works
    in a workplace of ``workplace_size`` somewhere in town and meets
    ``work_contacts`` colleagues on average; everyone has on average
    ``community_contacts`` contacts with people of the ``nearby_households``
    nearest households. Each edge keeps the first setting that created it
    (household, school, work, community) and a transmission ``weight`` set by
    that setting, so EoN's per-edge rate is ``tau * weight``.

    Args:
        n_households: number of households H (the town has about 2.4 H people).
        household_sizes: probabilities of household sizes 1, 2, 3, ... (sum to 1).
        n_neighbourhoods: clusters of households on the map.
        class_size: pupils per school class.
        workplace_size: workers per workplace.
        school_contacts: mean contacts of a pupil inside their class.
        work_contacts: mean contacts of a worker inside their workplace.
        community_contacts: mean contacts per person with neighbours on the map.
        nearby_households: how many nearest households count as neighbours.
        employment: fraction of adults who work.
        weights: transmission weight per setting; default :data:`DEFAULT_WEIGHTS`.
        seed: seed of the generator.

    Returns:
        An undirected ``networkx.Graph`` on nodes ``0..N-1``. Node attributes:
        ``age_group`` (0 child, 1 adult, 2 senior), ``household``,
        ``household_size``, ``neighbourhood``, ``school_class`` and
        ``workplace`` (-1 if none), ``pos`` (x, y) on the map. Edge attributes:
        ``setting`` (a name from :data:`SETTINGS`) and ``weight``.
        ``G.graph["params"]`` records the arguments.
    """
    from scipy.spatial import cKDTree

    n_households = check_int("n_households", n_households, min_value=1, max_value=100_000)
    probs = np.asarray(household_sizes, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or (probs < 0).any() or not np.isclose(probs.sum(), 1.0):
        raise ValueError(
            f"household_sizes must be probabilities of sizes 1, 2, ... that sum to 1, got {household_sizes!r}")
    n_neighbourhoods = check_int("n_neighbourhoods", n_neighbourhoods, min_value=1)
    class_size = check_int("class_size", class_size, min_value=2)
    workplace_size = check_int("workplace_size", workplace_size, min_value=2)
    school_contacts = check_float("school_contacts", school_contacts, min_value=0.0)
    work_contacts = check_float("work_contacts", work_contacts, min_value=0.0)
    community_contacts = check_float("community_contacts", community_contacts, min_value=0.0)
    nearby_households = check_int("nearby_households", nearby_households, min_value=1)
    employment = check_float("employment", employment, min_value=0.0, max_value=1.0)
    weights = _check_weights(weights)
    seed = check_int("seed", seed, min_value=0)
    rng = np.random.default_rng(seed)

    angle = 2 * np.pi * (np.arange(n_neighbourhoods) + rng.uniform(-0.15, 0.15, n_neighbourhoods)) / n_neighbourhoods
    radius = 0.32 if n_neighbourhoods > 1 else 0.0
    centres = 0.5 + radius * np.stack([np.cos(angle), np.sin(angle)], axis=1)  # (n_neighbourhoods, 2)
    hood = rng.integers(0, n_neighbourhoods, size=n_households)
    hh_pos = centres[hood] + rng.normal(0.0, 0.06, size=(n_households, 2))  # (H, 2)
    sizes = rng.choice(np.arange(1, probs.size + 1), size=n_households, p=probs / probs.sum())
    G = nx.Graph()
    node = 0
    for h, size in enumerate(sizes.tolist()):
        members = list(range(node, node + size))
        for m, age in zip(members, _household_ages(size, rng)):
            xy = hh_pos[h] + rng.normal(0.0, 0.006, size=2)
            G.add_node(m, age_group=age, household=h, household_size=size, neighbourhood=int(hood[h]),
                       school_class=-1, workplace=-1, pos=(float(xy[0]), float(xy[1])))
        for i in members:
            for j in members:
                if i < j:
                    G.add_edge(i, j, setting="household", weight=weights["household"])
        node += size
    ages = np.array([G.nodes[v]["age_group"] for v in range(node)])
    home = np.array([G.nodes[v]["household"] for v in range(node)])
    person_hood = hood[home]
    first_class = 0
    for nb in range(n_neighbourhoods):  # schools are local
        pupils = rng.permutation(np.flatnonzero((ages == 0) & (person_hood == nb)))
        first_class = _add_groups(G, pupils, class_size, school_contacts, "school", "school_class", weights, rng,
                                  first_class)
    adults = np.flatnonzero(ages == 1)
    workers = rng.permutation(adults[rng.random(adults.size) < employment])  # work is anywhere
    _add_groups(G, workers, workplace_size, work_contacts, "work", "workplace", weights, rng, 0)
    members_of = [np.flatnonzero(home == h) for h in range(n_households)]
    if n_households > 1:
        k = min(nearby_households + 1, n_households)
        _, nearest = cKDTree(hh_pos).query(hh_pos, k=k)  # (H, k), the household itself first
        nearest = nearest.reshape(n_households, k)
        for a in rng.integers(0, node, size=int(rng.poisson(community_contacts * node / 2))).tolist():
            other = members_of[int(nearest[home[a], rng.integers(1, k)])]
            b = int(other[rng.integers(0, other.size)])
            if a != b and not G.has_edge(a, b):
                G.add_edge(a, b, setting="community", weight=weights["community"])
    G.graph["params"] = {
        "generator": "make_town", "n_households": n_households, "household_sizes": probs.tolist(),
        "n_neighbourhoods": n_neighbourhoods, "class_size": class_size, "workplace_size": workplace_size,
        "school_contacts": school_contacts, "work_contacts": work_contacts,
        "community_contacts": community_contacts, "nearby_households": nearby_households,
        "employment": employment, "weights": weights, "seed": seed,
    }
    return G


def _check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, Mapping):
        raise TypeError(f"weights must be a dict setting -> weight, got {type(weights).__name__}")
    unknown = set(weights) - set(SETTINGS)
    if unknown:
        raise ValueError(f"weights has unknown settings {sorted(unknown)}; expected keys from {list(SETTINGS)}")
    out = dict(DEFAULT_WEIGHTS)
    for key, value in weights.items():
        out[key] = check_float(f"weights[{key!r}]", value, min_value=0.0)
    return out


def _household_ages(size: int, rng: np.random.Generator) -> list[int]:
    if size == 1:
        return [1 if rng.random() < 0.65 else 2]
    if size == 2:
        return [1, 1] if rng.random() < 0.7 else [2, 2]
    return [1, 1] + [0] * (size - 2)


def _add_groups(G: nx.Graph, members: np.ndarray, size: int, contacts: float, setting: str,
                attr: str, weights: dict[str, float], rng: np.random.Generator, first_id: int) -> int:
    """Chunk ``members`` into groups of ``size``, link each pair with probability contacts / (size - 1).

    Returns the next free group id.
    """
    g = first_id
    for start in range(0, members.size, size):
        group = members[start:start + size].tolist()
        for m in group:
            G.nodes[m][attr] = g
        p = min(1.0, contacts / max(len(group) - 1, 1))
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if rng.random() < p and not G.has_edge(a, b):
                    G.add_edge(a, b, setting=setting, weight=weights[setting])
        g += 1
    return g


def load_karate_club() -> nx.Graph:
    """Zachary's karate club (1977): 34 members, 78 friendships; a real social network.

    Returns:
        networkx's copy with every edge given ``setting="community"`` and
        ``weight=1.0``, so the simulation wrappers treat it like a town.
    """
    G = nx.karate_club_graph()
    for a, b in G.edges():
        G.edges[a, b]["setting"] = "community"
        G.edges[a, b]["weight"] = 1.0
    G.graph["params"] = {"generator": "karate_club"}
    return G


def check_graph(name: str, G: Any) -> int:
    """Check that ``G`` is an undirected networkx graph on nodes ``0..N-1``; return N."""
    if not isinstance(G, nx.Graph) or G.is_directed():
        raise TypeError(f"{name} must be an undirected networkx.Graph, got {type(G).__name__}")
    n = G.number_of_nodes()
    if n == 0:
        raise ValueError(f"{name} must have at least one node")
    if set(G.nodes) != set(range(n)):
        raise ValueError(f"{name} must have nodes 0..{n - 1} (use nx.convert_node_labels_to_integers)")
    return n


def graph_fingerprint(G: nx.Graph) -> str:
    """A short hash of a graph's edges and weights: the cache key of what is simulated on it."""
    n = check_graph("G", G)
    rows = sorted((min(a, b), max(a, b), float(d.get("weight", 1.0))) for a, b, d in G.edges(data=True))
    blob = json.dumps([n, rows]).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def person_features(G: nx.Graph) -> torch.Tensor:
    """Each person's own features, :data:`PERSON_FEATURES`: age group one-hot, household size / 6, log(1 + degree).

    Args:
        G: a town from :func:`make_town` (or any graph on ``0..N-1``; missing
            attributes count as adult, household of one).

    Returns:
        x: (N, 5) float tensor.
    """
    n = check_graph("G", G)
    x = torch.zeros(n, len(PERSON_FEATURES))
    for v, d in G.nodes(data=True):
        x[v, int(d.get("age_group", 1))] = 1.0
        x[v, 3] = float(d.get("household_size", 1)) / 6.0
        x[v, 4] = float(np.log1p(G.degree(v)))
    return x


def town_to_data(G: nx.Graph) -> Data:
    """The contact network as a PyG ``Data``, both directions of every edge.

    Args:
        G: graph on nodes ``0..N-1`` with edge attributes ``weight``/``setting``.

    Returns:
        ``Data`` with ``x`` (N, 5) person features, ``edge_index`` (2, E),
        ``edge_weight`` (E,), ``edge_setting`` (E,) indices into
        :data:`SETTINGS`, ``age_group`` (N,).
    """
    n = check_graph("G", G)
    src, dst, w, s = [], [], [], []
    for a, b, d in G.edges(data=True):
        code = SETTINGS.index(d.get("setting", "community"))
        src += [a, b]
        dst += [b, a]
        w += [float(d.get("weight", 1.0))] * 2
        s += [code, code]
    age = torch.tensor([int(G.nodes[v].get("age_group", 1)) for v in range(n)])
    return Data(x=person_features(G), edge_index=torch.tensor([src, dst], dtype=torch.long).reshape(2, -1),
                edge_weight=torch.tensor(w, dtype=torch.float), edge_setting=torch.tensor(s, dtype=torch.long),
                age_group=age, num_nodes=n)


def town_summary(G: nx.Graph) -> dict[str, Any]:
    """People, contacts per setting, mean degree and age mix of a town (for printing)."""
    n = check_graph("G", G)
    settings = {s: 0 for s in SETTINGS}
    for _, _, d in G.edges(data=True):
        settings[d.get("setting", "community")] += 1
    ages = np.bincount([G.nodes[v].get("age_group", 1) for v in range(n)], minlength=3)
    return {"people": n, "contacts": G.number_of_edges(), "mean degree": round(2 * G.number_of_edges() / n, 2),
            **{f"{s} contacts": c for s, c in settings.items()},
            **{name: int(c) for name, c in zip(("children", "adults", "seniors"), ages)}}


def town_layout(G: nx.Graph, seed: int = 0) -> np.ndarray:
    """2D positions of everyone: the town's map (node attribute ``pos``), else a seeded spring layout.

    Args:
        G: contact network on ``0..N-1``.
        seed: seed of the spring layout, for graphs without positions.

    Returns:
        pos: (N, 2) array.
    """
    n = check_graph("G", G)
    seed = check_int("seed", seed, min_value=0)
    if all("pos" in d for _, d in G.nodes(data=True)):
        return np.array([G.nodes[v]["pos"] for v in range(n)], dtype=float)
    layout = nx.spring_layout(G, seed=seed)
    return np.stack([layout[v] for v in range(n)])


# --------------------------------------------------------------------------- outbreaks


@dataclass
class Outbreak:
    """One simulated outbreak: when each person changed state.

    Attributes:
        t_infected: (N,) time each person became infectious (``inf`` never,
            ``-inf`` immune from the start: recovered or vaccinated).
        t_recovered: (N,) time each person recovered (``inf`` not by ``tmax``).
        t_exposed: (N,) time of exposure for SEIR (``None`` for SIR).
        tmin: start time; tmax: the last time the simulation covers.
        index_cases: who was infectious at ``tmin``.
        model: ``"SIR"`` or ``"SEIR"``.
    """

    t_infected: np.ndarray
    t_recovered: np.ndarray
    tmin: float
    tmax: float
    index_cases: list[int]
    model: str = "SIR"
    t_exposed: np.ndarray | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def num_nodes(self) -> int:
        return int(self.t_infected.shape[0])

    @property
    def end(self) -> float:
        """Time of the last event (a recovery), or ``tmax`` if the outbreak was still going."""
        times = np.concatenate([self.t_infected, self.t_recovered])
        finite = times[np.isfinite(times)]
        last = float(finite.max()) if finite.size else self.tmin
        return min(max(last, self.tmin), self.tmax)

    @property
    def infected_ever(self) -> np.ndarray:
        """(N,) bool: infected during this run (index cases included)."""
        return np.isfinite(self.t_infected)

    @property
    def final_size(self) -> int:
        """How many people were infected during this run."""
        return int(self.infected_ever.sum())

    def states_at(self, t: float) -> np.ndarray:
        """(N,) state codes at time ``t``: indices into ``SIR_STATES`` (or ``SEIR_STATES``)."""
        t = check_float("t", t)
        if t < self.tmin or t > self.tmax:
            raise ValueError(f"t must be within the simulated time [{self.tmin}, {self.tmax}], got {t}")
        states = np.zeros(self.num_nodes, dtype=np.int64)
        infectious = 2 if self.model == "SEIR" else 1
        if self.t_exposed is not None:
            states[self.t_exposed <= t] = 1
        states[self.t_infected <= t] = infectious
        states[self.t_recovered <= t] = infectious + 1
        return states

    def counts(self, times: np.ndarray | Sequence[float]) -> dict[str, np.ndarray]:
        """Number of people in each state at each of ``times`` (T,): ``{"S": (T,), "I": (T,), ...}``."""
        times = np.asarray(times, dtype=float).reshape(-1)
        names = SEIR_STATES if self.model == "SEIR" else SIR_STATES
        if times.size == 0:
            return {name: np.zeros(0, dtype=np.int64) for name in names}
        states = np.stack([self.states_at(float(min(max(t, self.tmin), self.tmax))) for t in times])  # (T, N)
        return {name: (states == code).sum(1) for code, name in enumerate(names)}


def _seed_all(seed: int) -> np.random.Generator:
    """Seed Python's and NumPy's global generators and return a fresh seeded Generator for EoN."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    return np.random.default_rng(seed)


class _TupleSafeGenerator:
    """A NumPy ``Generator`` whose ``choice(list)`` returns the element itself.

    EoN 2.0's weighted ``Gillespie_simple_contagion`` draws a (node, neighbour)
    pair with ``rng.choice(list_of_pairs)`` and looks it up in a dict; NumPy
    turns the pair into an unhashable array and EoN crashes. Picking by index
    keeps the pair a tuple and draws from the same seeded stream.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rng, name)

    def choice(self, a: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(a, list) and not args and not kwargs:
            return a[int(self._rng.integers(len(a)))]
        return self._rng.choice(a, *args, **kwargs)


def _node_list(name: str, nodes: Any, n: int) -> list[int]:
    if nodes is None:
        return []
    if isinstance(nodes, (torch.Tensor, np.ndarray)):
        nodes = nodes.reshape(-1).tolist()
    if isinstance(nodes, (int, np.integer)) and not isinstance(nodes, bool):
        nodes = [int(nodes)]
    try:
        out = [int(v) for v in nodes]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a list of node ids, got {type(nodes).__name__}") from None
    bad = [v for v in out if not 0 <= v < n]
    if bad:
        raise ValueError(f"{name} contains node ids outside [0, {n - 1}]: {bad[:5]}")
    return sorted(set(out))


def _parse_history(sim: Any, n: int, tmin: float, immune: list[int], model: str) -> tuple[np.ndarray, ...]:
    """Per-node state-change times from EoN's node histories, checking the S->(E->)I->R order."""
    order = SEIR_STATES if model == "SEIR" else SIR_STATES
    t_exp = np.full(n, np.inf)
    t_inf = np.full(n, np.inf)
    t_rec = np.full(n, np.inf)
    immune_set = set(immune)
    for v in range(n):
        if v in immune_set:
            t_exp[v] = t_inf[v] = t_rec[v] = -np.inf
            continue
        times, statuses = sim.node_history(v)
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
        # infectious without an exposure record: an index case, exposed at tmin
        t_exp = np.where(np.isfinite(t_inf) & ~np.isfinite(t_exp), np.minimum(t_inf, tmin), t_exp)
    return t_exp, t_inf, t_rec


def _start(G: nx.Graph, initial_infecteds: Any, initial_recovereds: Any,
           rng: np.random.Generator) -> tuple[int, list[int], list[int]]:
    n = check_graph("G", G)
    immune = _node_list("initial_recovereds", initial_recovereds, n)
    infected = _node_list("initial_infecteds", initial_infecteds, n)
    if set(infected) & set(immune):
        raise ValueError("initial_infecteds and initial_recovereds must not share nodes")
    if initial_infecteds is None:
        pool = np.setdiff1d(np.arange(n), immune)
        if pool.size == 0:
            raise ValueError("initial_recovereds covers every node; nobody is left to infect")
        infected = [int(rng.choice(pool))]
    return n, infected, immune


def simulate_sir(
    G: nx.Graph,
    tau: float,
    gamma: float,
    *,
    initial_infecteds: Sequence[int] | int | None = None,
    initial_recovereds: Sequence[int] | None = None,
    tmin: float = 0.0,
    tmax: float = float("inf"),
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
        initial_infecteds: infectious at ``tmin``; default one random person.
        initial_recovereds: immune at ``tmin`` (recovered or vaccinated).
        tmin: start time.
        tmax: stop time (default: run until nobody is infectious).
        weight: edge attribute that scales ``tau``; ``None`` for unweighted.
        seed: seeds the index case and every random delay.

    Returns:
        An :class:`Outbreak`.
    """
    tau = check_float("tau", tau, min_value=0.0)
    gamma = check_float("gamma", gamma, min_value=0.0, strict_min=True)
    tmin = check_float("tmin", tmin)
    if not isinstance(tmax, (int, float)) or isinstance(tmax, bool) or np.isnan(tmax) or tmax <= tmin:
        raise ValueError(f"tmax must be a number greater than tmin={tmin}, got {tmax!r}")
    seed = check_int("seed", seed, min_value=0)
    if weight is not None and not isinstance(weight, str):
        raise TypeError(f"weight must be an edge attribute name or None, got {type(weight).__name__}")
    rng = _seed_all(seed)
    n, infected, immune = _start(G, initial_infecteds, initial_recovereds, rng)
    sim = EoN.fast_SIR(G, tau, gamma, initial_infecteds=infected, initial_recovereds=immune or None,
                       tmin=tmin, tmax=tmax, transmission_weight=weight, rng=rng, return_full_data=True)
    _, t_inf, t_rec = _parse_history(sim, n, tmin, immune, "SIR")
    out = Outbreak(t_inf, t_rec, tmin=tmin, tmax=float(tmax), index_cases=infected, model="SIR",
                   params={"tau": tau, "gamma": gamma, "weight": weight, "seed": seed})
    return out


def simulate_seir(
    G: nx.Graph,
    tau: float,
    sigma: float,
    gamma: float,
    *,
    initial_infecteds: Sequence[int] | int | None = None,
    tmax: float = 365.0,
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
        initial_infecteds: infectious at time 0; default one random person.
        tmax: stop time.
        weight: edge attribute that scales ``tau``; ``None`` for unweighted.
        seed: seeds the index case and every random event.

    Returns:
        An :class:`Outbreak` with ``model="SEIR"`` and ``t_exposed`` set.
    """
    tau = check_float("tau", tau, min_value=0.0)
    sigma = check_float("sigma", sigma, min_value=0.0, strict_min=True)
    gamma = check_float("gamma", gamma, min_value=0.0, strict_min=True)
    tmax = check_float("tmax", tmax, min_value=0.0, strict_min=True)
    seed = check_int("seed", seed, min_value=0)
    rng = _seed_all(seed)
    n, infected, _ = _start(G, initial_infecteds, None, rng)
    H = nx.DiGraph()
    H.add_edge("E", "I", rate=sigma)
    H.add_edge("I", "R", rate=gamma)
    J = nx.DiGraph()
    if weight is None:
        J.add_edge(("I", "S"), ("I", "E"), rate=tau)
    else:
        J.add_edge(("I", "S"), ("I", "E"), rate=tau, weight_label=weight)
    ic = {v: "S" for v in range(n)}
    for v in infected:
        ic[v] = "I"
    sim = EoN.Gillespie_simple_contagion(G, H, J, ic, SEIR_STATES, tmax=tmax, rng=_TupleSafeGenerator(rng),
                                         return_full_data=True)
    t_exp, t_inf, t_rec = _parse_history(sim, n, 0.0, [], "SEIR")
    out = Outbreak(t_inf, t_rec, tmin=0.0, tmax=tmax, index_cases=infected, model="SEIR", t_exposed=t_exp,
                   params={"tau": tau, "sigma": sigma, "gamma": gamma, "weight": weight, "seed": seed})
    return out


def simulate_runs(
    G: nx.Graph,
    n_runs: int,
    *,
    tau: float,
    gamma: float,
    n_index: int = 1,
    seed: int = 0,
    progress: bool = True,
) -> list[Outbreak]:
    """``n_runs`` SIR outbreaks, each from ``n_index`` random index cases, cached by their parameters.

    Run ``r`` uses seed ``seed * 100_003 + r``, so runs can be regenerated one by one.

    Args:
        G: contact network on nodes ``0..N-1`` (edge attribute ``weight``).
        n_runs: number of runs.
        tau: transmission rate per edge.
        gamma: recovery rate.
        n_index: index cases per run, drawn at random.
        seed: base seed.
        progress: show a tqdm bar.

    Returns:
        A list of :class:`Outbreak`.
    """
    n = check_graph("G", G)
    n_runs = check_int("n_runs", n_runs, min_value=1)
    tau = check_float("tau", tau, min_value=0.0)
    gamma = check_float("gamma", gamma, min_value=0.0, strict_min=True)
    n_index = check_int("n_index", n_index, min_value=1, max_value=n)
    seed = check_int("seed", seed, min_value=0)
    params = {"graph": graph_fingerprint(G), "n_runs": n_runs, "tau": tau, "gamma": gamma, "n_index": n_index,
              "seed": seed}

    def run(r: int) -> Outbreak:
        run_seed = seed * 100_003 + r
        index = np.random.default_rng(run_seed).choice(n, size=n_index, replace=False).tolist()
        return simulate_sir(G, tau, gamma, initial_infecteds=index, seed=run_seed)

    def build() -> list[Outbreak]:
        return [run(r) for r in tqdm(range(n_runs), desc="EoN outbreaks", disable=not progress, leave=False)]

    return cached("sir_runs", params, build)


def large_outbreak_share(
    G: nx.Graph, tau: float, gamma: float, *, n_runs: int = 20, threshold: float = 0.05,
    weight: str | None = None, seed: int = 0,
) -> float:
    """Fraction of single-index-case outbreaks that infect more than ``threshold`` of the network.

    Below the epidemic threshold (R0 < 1) almost every outbreak fizzles out;
    above it a share of them takes off.

    Args:
        G: contact network on ``0..N-1``.
        tau: transmission rate per edge.
        gamma: recovery rate.
        n_runs: outbreaks simulated, each from one random person.
        threshold: fraction of the network that counts as "large".
        weight: edge attribute scaling ``tau``; default ``None`` (every edge alike).
        seed: base seed.
    """
    n = check_graph("G", G)
    n_runs = check_int("n_runs", n_runs, min_value=1)
    threshold = check_float("threshold", threshold, min_value=0.0, max_value=1.0)
    seed = check_int("seed", seed, min_value=0)
    sizes = [simulate_sir(G, tau, gamma, weight=weight, seed=seed * 100_003 + r).final_size for r in range(n_runs)]
    return float(np.mean(np.array(sizes) > threshold * n))


# --------------------------------------------------------------------------- the learning task


def snapshot_features(x_person: torch.Tensor, states: np.ndarray | torch.Tensor) -> torch.Tensor:
    """Model inputs for one snapshot, columns :data:`FEATURE_NAMES`.

    Args:
        x_person: (N, 5) person features from :func:`person_features`.
        states: (N,) SIR state codes (0 S, 1 I, 2 R).

    Returns:
        x: (N, 10): person features, state one-hot, then the town's current
        fractions infectious and recovered (the same in every row).
    """
    check_tensor("x_person", x_person, shape=(None, len(PERSON_FEATURES)), floating=True)
    states = torch.as_tensor(np.asarray(states), dtype=torch.long)
    if states.shape != (x_person.shape[0],):
        raise ValueError(f"states must have shape ({x_person.shape[0]},), got {tuple(states.shape)}")
    if states.numel() and (int(states.min()) < 0 or int(states.max()) > 2):
        raise ValueError("states must hold SIR codes 0 (S), 1 (I), 2 (R)")
    onehot = torch.nn.functional.one_hot(states, 3).float()
    frac = onehot[:, 1:].mean(0, keepdim=True).expand(states.shape[0], 2)
    return torch.cat([x_person, onehot, frac], dim=1)


def snapshot_data(G: nx.Graph | Data, states: np.ndarray | torch.Tensor) -> Data:
    """One snapshot as a PyG ``Data``: the contact graph and everyone's state now.

    Args:
        G: the contact network, or its :func:`town_to_data` (faster when called often).
        states: (N,) SIR codes (0 S, 1 I, 2 R).

    Returns:
        ``Data`` with ``x`` (N, 10) (:data:`FEATURE_NAMES`), ``edge_index``
        (2, E), ``edge_weight`` (E,), ``state`` (N,) and ``mask`` (N,), True
        for the susceptible people a model scores.
    """
    base = G if isinstance(G, Data) else town_to_data(G)
    states = torch.as_tensor(np.asarray(states.cpu() if isinstance(states, torch.Tensor) else states), dtype=torch.long)
    return Data(x=snapshot_features(base.x, states), edge_index=base.edge_index, edge_weight=base.edge_weight,
                state=states, mask=states == 0, num_nodes=base.num_nodes)


def infected_within(outbreak: Outbreak, t: float, horizon: float) -> np.ndarray:
    """(N,) bool: susceptible at ``t`` and infected at some time in ``(t, t + horizon]``."""
    return (outbreak.t_infected > t) & (outbreak.t_infected <= t + horizon)


class OutbreakDataset(InMemoryDataset):
    """Snapshots of simulated outbreaks as a PyG dataset (one ``Data`` per snapshot).

    Each ``Data`` has ``x`` (N, 10) (columns :data:`FEATURE_NAMES`),
    ``edge_index`` (2, E), ``edge_weight`` (E,), ``state`` (N,) SIR codes,
    ``y`` (N,) 1.0 if the person is infected within the horizon, ``mask`` (N,)
    True for people susceptible at ``t`` (only they are scored), and the
    graph-level ``run`` (1,), ``t`` (1,) and ``final_size`` (1,) (fraction of
    the town infected by the end of that run).
    """

    def __init__(self, data_list: list[Data], horizon: float) -> None:
        if not data_list:
            raise ValueError("data_list must hold at least one snapshot")
        super().__init__(root=None)
        self.horizon = float(horizon)
        self._data, self.slices = self.collate(data_list)


def make_outbreak_dataset(
    G: nx.Graph,
    runs: list[Outbreak],
    *,
    horizon: float = 3.0,
    snapshots_per_run: int = 2,
    min_infected: int = 5,
    seed: int = 0,
) -> OutbreakDataset:
    """Turn simulated outbreaks into (graph, current states, per-person outcome) examples.

    For each run in which at least ``min_infected`` people are infectious at
    once, ``snapshots_per_run`` times ``t`` are drawn uniformly from the period
    when that holds; a snapshot records everyone's state at ``t`` and who is
    infected in ``(t, t + horizon]``.

    Args:
        G: the contact network the runs were simulated on.
        runs: outbreaks from :func:`simulate_runs`.
        horizon: h, the prediction window in days.
        snapshots_per_run: snapshots taken from each run.
        min_infected: smallest number of infectious people at a snapshot.
        seed: seeds the choice of snapshot times.

    Returns:
        An :class:`OutbreakDataset`.
    """
    n = check_graph("G", G)
    if not isinstance(runs, list) or not runs or not all(isinstance(r, Outbreak) for r in runs):
        raise TypeError("runs must be a non-empty list of Outbreak (from simulate_runs)")
    if any(r.num_nodes != n for r in runs):
        raise ValueError(f"runs must be simulated on G: every Outbreak must have {n} people")
    horizon = check_float("horizon", horizon, min_value=0.0, strict_min=True)
    snapshots_per_run = check_int("snapshots_per_run", snapshots_per_run, min_value=1)
    min_infected = check_int("min_infected", min_infected, min_value=1)
    rng = np.random.default_rng(check_int("seed", seed, min_value=0))
    base = town_to_data(G)
    data_list = []
    for r, run in enumerate(runs):
        window = _window_with(run, min_infected)
        if window is None:
            continue
        for t in np.sort(rng.uniform(window[0], window[1], size=snapshots_per_run)).tolist():
            snap = snapshot_data(base, run.states_at(t))
            snap.y = torch.as_tensor(infected_within(run, t, horizon), dtype=torch.float)
            snap.run, snap.t = torch.tensor([r]), torch.tensor([t])
            snap.final_size = torch.tensor([run.final_size / n], dtype=torch.float)
            data_list.append(snap)
    if not data_list:
        raise ValueError(f"no run ever had {min_infected} people infectious at once; lower min_infected or raise tau")
    return OutbreakDataset(data_list, horizon)


def first_time_with(outbreak: Outbreak, n_infectious: int) -> float:
    """The first event time at which at least ``n_infectious`` people are infectious.

    Raises:
        ValueError: the outbreak never gets that large.
    """
    n_infectious = check_int("n_infectious", n_infectious, min_value=1)
    window = _window_with(outbreak, n_infectious)
    if window is None:
        raise ValueError(f"n_infectious={n_infectious} is never reached in this outbreak "
                         f"(peak {int(_peak(outbreak))})")
    return window[0]


def _peak(run: Outbreak) -> float:
    events = np.unique(run.t_infected[np.isfinite(run.t_infected)])
    if events.size == 0:
        return 0.0
    infectious = (run.t_infected[None, :] <= events[:, None]) & (run.t_recovered[None, :] > events[:, None])  # (T, N)
    return float(infectious.sum(1).max())


def _window_with(run: Outbreak, min_infected: int) -> tuple[float, float] | None:
    """First and last event time at which at least ``min_infected`` people are infectious."""
    events = np.unique(np.concatenate([run.t_infected[np.isfinite(run.t_infected)],
                                       run.t_recovered[np.isfinite(run.t_recovered)]]))
    if events.size == 0:
        return None
    n_inf = (run.t_infected[None, :] <= events[:, None]) & (run.t_recovered[None, :] > events[:, None])
    ok = events[n_inf.sum(1) >= min_infected]
    if ok.size == 0:
        return None
    return float(ok[0]), float(ok[-1])


def split_by_run(
    dataset: OutbreakDataset, fractions: Sequence[float] = (0.6, 0.2, 0.2), seed: int = 0
) -> dict[str, OutbreakDataset]:
    """Split snapshots into train/val/test so that all snapshots of one run land together.

    Args:
        dataset: from :func:`make_outbreak_dataset`.
        fractions: shares of runs for train, val and test (sum to 1).
        seed: seeds the shuffle of runs.

    Returns:
        ``{"train": ..., "val": ..., "test": ...}``, subsets of ``dataset``.
    """
    if not isinstance(dataset, OutbreakDataset):
        raise TypeError(f"dataset must be an OutbreakDataset, got {type(dataset).__name__}")
    fr = np.asarray(fractions, dtype=float)
    if fr.shape != (3,) or (fr <= 0).any() or not np.isclose(fr.sum(), 1.0):
        raise ValueError(f"fractions must be three positive shares (train, val, test) summing to 1, got {fractions!r}")
    run_of = dataset._data.run[torch.as_tensor(list(dataset.indices()), dtype=torch.long)].numpy()  # one per snapshot
    runs = np.unique(run_of)
    if runs.size < 3:
        raise ValueError(f"dataset must come from at least 3 runs to split by run, got {runs.size}")
    runs = np.random.default_rng(check_int("seed", seed, min_value=0)).permutation(runs)
    n_train = max(1, int(round(fr[0] * runs.size)))
    n_val = max(1, int(round(fr[1] * runs.size)))
    n_train = min(n_train, runs.size - 2)
    n_val = min(n_val, runs.size - n_train - 1)
    groups = {"train": runs[:n_train], "val": runs[n_train:n_train + n_val], "test": runs[n_train + n_val:]}
    return {name: dataset[torch.as_tensor(np.flatnonzero(np.isin(run_of, g)))] for name, g in groups.items()}


def monte_carlo_risk(
    G: nx.Graph,
    states: np.ndarray | torch.Tensor,
    horizon: float,
    *,
    tau: float,
    gamma: float,
    n_sims: int = 200,
    seed: int = 0,
) -> np.ndarray:
    """Each person's probability of infection within ``horizon``, estimated by rerunning EoN.

    SIR with exponential delays is Markov: the states now are all the future
    depends on. So rerunning ``EoN.fast_SIR`` ``n_sims`` times from ``states``
    and counting how often each susceptible person is infected in
    ``(0, horizon]`` estimates exactly the risk a model should predict.

    Args:
        G: contact network on ``0..N-1``.
        states: (N,) SIR codes (0 S, 1 I, 2 R).
        horizon: h in days.
        tau: transmission rate per edge (times edge ``weight``).
        gamma: recovery rate.
        n_sims: number of reruns.
        seed: base seed; rerun ``k`` uses ``seed * 100_003 + k``.

    Returns:
        risk: (N,) infection frequencies (0 for people not susceptible now).
    """
    n = check_graph("G", G)
    states = np.asarray(states.cpu() if isinstance(states, torch.Tensor) else states)
    if states.shape != (n,) or not np.isin(states, (0, 1, 2)).all():
        raise ValueError(f"states must be ({n},) SIR codes 0 (S), 1 (I), 2 (R), got shape {states.shape}")
    horizon = check_float("horizon", horizon, min_value=0.0, strict_min=True)
    n_sims = check_int("n_sims", n_sims, min_value=1)
    seed = check_int("seed", seed, min_value=0)
    tau = check_float("tau", tau, min_value=0.0)
    gamma = check_float("gamma", gamma, min_value=0.0, strict_min=True)
    infected = np.flatnonzero(states == 1).tolist()
    immune = np.flatnonzero(states == 2).tolist()
    if not infected:
        return np.zeros(n)

    def build() -> np.ndarray:
        hits = np.zeros(n)
        for k in range(n_sims):
            run = simulate_sir(G, tau, gamma, initial_infecteds=infected, initial_recovereds=immune,
                               tmax=horizon, seed=seed * 100_003 + k)
            hits += infected_within(run, 0.0, horizon)
        return hits / n_sims

    params = {"graph": graph_fingerprint(G), "states": _array_hash(states), "horizon": horizon, "tau": tau,
              "gamma": gamma, "n_sims": n_sims, "seed": seed}
    return cached("mc_risk", params, build)


def _array_hash(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes() + str(a.dtype).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- vaccination


def vaccination_targets(
    G: nx.Graph,
    states: np.ndarray,
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
        strategy: ``"random"``, ``"degree"`` (most contacts first) or
            ``"gnn risk"`` (highest ``scores`` first).
        scores: (N,) risk scores, required for ``"gnn risk"``.
        seed: seeds the random strategy.

    Returns:
        Sorted node ids (at most the number of susceptible people).
    """
    n = check_graph("G", G)
    states = np.asarray(states)
    if states.shape != (n,):
        raise ValueError(f"states must have shape ({n},), got {states.shape}")
    k = check_int("k", k, min_value=0)
    check_choice("strategy", strategy, VACCINATION_STRATEGIES)
    eligible = np.flatnonzero(states == 0)
    if strategy == "random":
        chosen = np.random.default_rng(check_int("seed", seed, min_value=0)).permutation(eligible)[:k]
    else:
        if strategy == "degree":
            value = np.array([G.degree(v) for v in range(n)], dtype=float)
        else:
            if scores is None:
                raise ValueError("scores must be given for strategy='gnn risk'")
            value = np.asarray(scores.detach().cpu() if isinstance(scores, torch.Tensor) else scores, dtype=float)
            if value.shape != (n,):
                raise ValueError(f"scores must have shape ({n},), got {value.shape}")
        order = eligible[np.lexsort((eligible, -value[eligible]))]  # highest first, ties by id
        chosen = order[:k]
    return sorted(int(v) for v in chosen)


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
        """A pandas DataFrame: mean and spread of the final size per strategy at ``k`` doses."""
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


def vaccination_study(
    G: nx.Graph,
    states: np.ndarray,
    scores: np.ndarray | torch.Tensor | None,
    *,
    ks: Sequence[int],
    tau: float,
    gamma: float,
    n_runs: int = 20,
    strategies: Sequence[str] = VACCINATION_STRATEGIES,
    t_max: float = 120.0,
    seed: int = 0,
    progress: bool = True,
) -> VaccinationStudy:
    """Vaccinate ``k`` susceptible people by each strategy, then finish the outbreak with EoN.

    Every strategy and dose reuses the same ``n_runs`` seeds (common random
    numbers), so differences come from who was vaccinated, not from luck.
    Vaccinated people enter EoN as ``initial_recovereds``. Cached by all
    parameters, the states and the scores.

    Args:
        G: contact network on ``0..N-1``.
        states: (N,) SIR codes at the moment of the intervention.
        scores: (N,) a model's risk scores, used by ``"gnn risk"``.
        ks: doses to study, e.g. ``(0, 100, 200)``.
        tau: transmission rate per edge.
        gamma: recovery rate.
        n_runs: re-simulations per (strategy, k).
        strategies: a subset of :data:`VACCINATION_STRATEGIES`.
        t_max: days on the time grid of the curves.
        seed: base seed.
        progress: show a tqdm bar.

    Returns:
        A :class:`VaccinationStudy`.
    """
    n = check_graph("G", G)
    states = np.asarray(states)
    if states.shape != (n,) or not np.isin(states, (0, 1, 2)).all():
        raise ValueError(f"states must be ({n},) SIR codes 0, 1, 2")
    if not (states == 1).any():
        raise ValueError("states must contain at least one infectious person (code 1)")
    ks = [check_int("ks[i]", k, min_value=0) for k in ks]
    if not ks:
        raise ValueError("ks must list at least one number of doses")
    strategies = [check_choice("strategies[i]", s, VACCINATION_STRATEGIES) for s in strategies]
    n_runs = check_int("n_runs", n_runs, min_value=1)
    t_max = check_float("t_max", t_max, min_value=0.0, strict_min=True)
    seed = check_int("seed", seed, min_value=0)
    tau = check_float("tau", tau, min_value=0.0)
    gamma = check_float("gamma", gamma, min_value=0.0, strict_min=True)
    if "gnn risk" in strategies:
        if scores is None:
            raise ValueError("scores must be given when strategies include 'gnn risk'")
        scores = np.asarray(scores.detach().cpu() if isinstance(scores, torch.Tensor) else scores, dtype=np.float32)
        if scores.shape != (n,):
            raise ValueError(f"scores must have shape ({n},), got {scores.shape}")
    params = {"graph": graph_fingerprint(G), "states": _array_hash(states.astype(np.int64)),
              "scores": None if scores is None else _array_hash(np.round(np.asarray(scores, dtype=np.float64), 6)),
              "ks": ks, "strategies": strategies, "tau": tau, "gamma": gamma, "n_runs": n_runs, "t_max": t_max,
              "seed": seed}
    return cached("vaccination_study", params,
                  lambda: _run_vaccination_study(G, states, scores, ks, strategies, tau, gamma, n_runs, t_max, seed,
                                                 progress))


def _run_vaccination_study(G: nx.Graph, states: np.ndarray, scores: Any, ks: list[int], strategies: list[str],
                           tau: float, gamma: float, n_runs: int, t_max: float, seed: int,
                           progress: bool) -> VaccinationStudy:
    n = G.number_of_nodes()
    t_grid = np.linspace(0.0, t_max, 121)
    infected = np.flatnonzero(states == 1).tolist()
    before = int((states != 0).sum())
    curves: dict[tuple[str, int], np.ndarray] = {}
    finals: dict[tuple[str, int], np.ndarray] = {}
    jobs = [(s, k) for k in ks for s in strategies]
    bar = tqdm(jobs, desc="vaccination runs", disable=not progress, leave=False)
    done: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray]] = {}
    for s, k in bar:
        vacc = vaccination_targets(G, states, k, s, scores=scores if s == "gnn risk" else None, seed=seed)
        key = tuple(vacc)
        if key not in done:  # k = 0 is the same for every strategy
            immune = sorted(set(vacc) | set(np.flatnonzero(states == 2).tolist()))
            cur, fin = np.zeros((n_runs, t_grid.size)), np.zeros(n_runs)
            for r in range(n_runs):
                run = simulate_sir(G, tau, gamma, initial_infecteds=infected, initial_recovereds=immune,
                                   seed=seed * 100_003 + r)
                alive = (run.t_infected[None, :] <= t_grid[:, None]) & (run.t_recovered[None, :] > t_grid[:, None])
                cur[r] = alive.sum(1)
                fin[r] = (before + int((np.isfinite(run.t_infected) & (states == 0)).sum())) / n
            done[key] = (cur, fin)
        curves[(s, k)], finals[(s, k)] = done[key]
    return VaccinationStudy(t_grid, ks, strategies, curves, finals, n)


# --------------------------------------------------------------------------- optional real data


def load_chickenpox_hungary(download: bool = False, root: str | Path | None = None) -> Data:
    """OPTIONAL. Weekly chickenpox cases in Hungary's 20 counties, 2005-2014 (real data).

    Rozemberczki et al., "Chickenpox cases in Hungary: a benchmark dataset for
    spatiotemporal signal processing with graph neural networks" (2021), as
    published with PyTorch Geometric Temporal. Never on a lesson's default
    path: without ``download=True`` it only reads a copy already in the cache.

    Args:
        download: fetch the JSON file from GitHub if it is not cached yet.
        root: folder of the cached ``chickenpox.json``; default :func:`cache_dir`.

    Returns:
        ``Data`` with ``edge_index`` (2, E) county adjacency, ``cases`` (T, 20)
        weekly counts (standardised, as published) and ``num_nodes`` 20.

    Raises:
        FileNotFoundError: no cached file and ``download`` is False.
    """
    if not isinstance(download, bool):
        raise TypeError(f"download must be True or False, got {type(download).__name__}")
    folder = Path(root).expanduser() if root is not None else cache_dir()
    path = folder / "chickenpox.json"
    if not path.exists():
        if not download:
            raise FileNotFoundError(
                f"Chickenpox Hungary is not cached at {path}. It is optional real data from the internet: call "
                "load_chickenpox_hungary(download=True) on a machine with a connection to fetch it once.")
        import urllib.request

        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with urllib.request.urlopen(CHICKENPOX_URL, timeout=60) as response:  # noqa: S310 - fixed https URL
            tmp.write_bytes(response.read())
        tmp.replace(path)
    try:
        raw = json.loads(path.read_text())
        edges = torch.tensor(raw["edges"], dtype=torch.long).t().contiguous()
        cases = torch.tensor(raw["FX"], dtype=torch.float)
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(
            f"{path} is not a valid Chickenpox Hungary file ({err}); delete it and download again") from None
    if edges.dim() != 2 or edges.shape[0] != 2 or cases.dim() != 2:
        raise ValueError(f"{path} has unexpected shapes: edges {tuple(edges.shape)}, FX {tuple(cases.shape)}")
    return Data(edge_index=edges, cases=cases, num_nodes=cases.shape[1])
