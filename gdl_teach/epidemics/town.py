"""Contact networks for lesson 04: a seeded synthetic town, and the karate club dressed as one.

- :func:`make_town` builds a town of households, school classes and workplaces
  (plus a few contacts between nearby households) as a ``networkx.Graph``,
  the form EoN simulates on. Every edge has a ``setting`` and a transmission
  ``weight``.
- :func:`karate_town` is Zachary's real karate-club network (the kit's shared
  loader) with the same edge attributes, for a warm-up a learner can follow by eye.
- :func:`person_features`, :func:`town_to_data`, :func:`town_summary` and
  :func:`town_layout` describe a town for models, printing and plots.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Data

from gdl_teach.core.validate import check_float, check_int
from gdl_teach.data.convert import edge_index_from_networkx, networkx_from_edge_index
from gdl_teach.data.karate import load_karate_club
from gdl_teach.viz.layout import spring_layout

AGE_GROUPS = ("child", "adult", "senior")
SETTINGS = ("household", "school", "work", "community")
DEFAULT_WEIGHTS = {"household": 1.0, "school": 0.35, "work": 0.35, "community": 0.2}
DEFAULT_HOUSEHOLD_SIZES = (0.28, 0.34, 0.15, 0.14, 0.06, 0.03)
PERSON_FEATURES = ("child", "adult", "senior", "household_size", "log_degree")


def make_town(
    num_households: int = 700,
    *,
    household_sizes: Sequence[float] = DEFAULT_HOUSEHOLD_SIZES,
    num_neighbourhoods: int = 6,
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

    Households sit in ``num_neighbourhoods`` neighbourhoods on the unit square
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
        num_households: number of households H (the town has about 2.4 H people).
        household_sizes: probabilities of household sizes 1, 2, 3, ... (sum to 1).
        num_neighbourhoods: clusters of households on the map.
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
    params = _check_town_args(locals())
    rng = np.random.default_rng(params["seed"])
    weights = params["weights"]
    hood, hh_pos, sizes = _place_households(params["num_households"], params["num_neighbourhoods"],
                                            np.asarray(params["household_sizes"]), rng)
    G = nx.Graph()
    _add_households(G, sizes, hood, hh_pos, weights, rng)
    ages = np.array([G.nodes[v]["age_group"] for v in G])
    home = np.array([G.nodes[v]["household"] for v in G])
    first_class = 0
    for nb in range(params["num_neighbourhoods"]):  # schools are local
        pupils = rng.permutation(np.flatnonzero((ages == 0) & (hood[home] == nb)))
        first_class = _add_groups(G, pupils, params["class_size"], params["school_contacts"], "school",
                                  "school_class", weights, rng, first_class)
    adults = np.flatnonzero(ages == 1)
    workers = rng.permutation(adults[rng.random(adults.size) < params["employment"]])  # work is anywhere
    _add_groups(G, workers, params["workplace_size"], params["work_contacts"], "work", "workplace", weights, rng, 0)
    _add_community(G, home, hh_pos, params["nearby_households"], params["community_contacts"], weights, rng)
    G.graph["params"] = {"generator": "make_town", **params}
    return G


def _check_town_args(args: dict[str, Any]) -> dict[str, Any]:
    """The arguments of :func:`make_town`, checked, as plain values (the record in ``G.graph["params"]``)."""
    probs = np.asarray(args["household_sizes"], dtype=float)
    if probs.ndim != 1 or probs.size == 0 or (probs < 0).any() or not np.isclose(probs.sum(), 1.0):
        raise ValueError("household_sizes must be probabilities of sizes 1, 2, ... that sum to 1, "
                         f"got {args['household_sizes']!r}")
    return {
        "num_households": check_int("num_households", args["num_households"], min_value=1, max_value=100_000),
        "household_sizes": probs.tolist(),
        "num_neighbourhoods": check_int("num_neighbourhoods", args["num_neighbourhoods"], min_value=1),
        "class_size": check_int("class_size", args["class_size"], min_value=2),
        "workplace_size": check_int("workplace_size", args["workplace_size"], min_value=2),
        "school_contacts": check_float("school_contacts", args["school_contacts"], min_value=0.0),
        "work_contacts": check_float("work_contacts", args["work_contacts"], min_value=0.0),
        "community_contacts": check_float("community_contacts", args["community_contacts"], min_value=0.0),
        "nearby_households": check_int("nearby_households", args["nearby_households"], min_value=1),
        "employment": check_float("employment", args["employment"], min_value=0.0, max_value=1.0),
        "weights": _check_weights(args["weights"]),
        "seed": check_int("seed", args["seed"], min_value=0),
    }


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


def _place_households(num_households: int, num_neighbourhoods: int, probs: np.ndarray,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Neighbourhood (H,), map position (H, 2) and size (H,) of every household."""
    angle = 2 * np.pi * (np.arange(num_neighbourhoods) + rng.uniform(-0.15, 0.15, num_neighbourhoods)) \
        / num_neighbourhoods
    radius = 0.32 if num_neighbourhoods > 1 else 0.0
    centres = 0.5 + radius * np.stack([np.cos(angle), np.sin(angle)], axis=1)  # (num_neighbourhoods, 2)
    hood = rng.integers(0, num_neighbourhoods, size=num_households)
    hh_pos = centres[hood] + rng.normal(0.0, 0.06, size=(num_households, 2))  # (H, 2)
    sizes = rng.choice(np.arange(1, probs.size + 1), size=num_households, p=probs / probs.sum())
    return hood, hh_pos, sizes


def _add_households(G: nx.Graph, sizes: np.ndarray, hood: np.ndarray, hh_pos: np.ndarray,
                    weights: dict[str, float], rng: np.random.Generator) -> None:
    """Add everyone, household by household (people numbered in order), and link each household into a clique."""
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


def _add_community(G: nx.Graph, home: np.ndarray, hh_pos: np.ndarray, nearby_households: int,
                   community_contacts: float, weights: dict[str, float], rng: np.random.Generator) -> None:
    """Random contacts between people of nearby households (the ``nearby_households`` nearest on the map)."""
    from scipy.spatial import cKDTree

    num_households, num_people = hh_pos.shape[0], home.size
    if num_households <= 1:
        return
    members_of = [np.flatnonzero(home == h) for h in range(num_households)]
    k = min(nearby_households + 1, num_households)
    _, nearest = cKDTree(hh_pos).query(hh_pos, k=k)  # (H, k), the household itself first
    nearest = nearest.reshape(num_households, k)
    for a in rng.integers(0, num_people, size=int(rng.poisson(community_contacts * num_people / 2))).tolist():
        other = members_of[int(nearest[home[a], rng.integers(1, k)])]
        b = int(other[rng.integers(0, other.size)])
        if a != b and not G.has_edge(a, b):
            G.add_edge(a, b, setting="community", weight=weights["community"])


def karate_town() -> nx.Graph:
    """Zachary's karate club (1977) as a contact network: 34 members, 78 friendships (real data).

    The graph comes from the kit's shared loader
    (:func:`gdl_teach.data.karate.load_karate_club`, a PyG ``Data``), turned
    into the networkx graph EoN simulates on.

    Returns:
        An undirected ``networkx.Graph`` on ``0..33`` whose every edge has
        ``setting="community"`` and ``weight=1.0``, so the simulation wrappers
        treat it like a town.
    """
    data = load_karate_club()
    G = networkx_from_edge_index(data.edge_index, data.num_nodes)
    nx.set_edge_attributes(G, "community", "setting")
    nx.set_edge_attributes(G, 1.0, "weight")
    G.graph["params"] = {"generator": "karate_club"}
    return G


def check_graph(name: str, G: Any) -> int:
    """Check that ``G`` is an undirected networkx graph on nodes ``0..N-1``; return N.

    Args:
        name: the argument's name, for the error message.
        G: what the caller passed.
    """
    if not isinstance(G, nx.Graph) or G.is_directed():
        raise TypeError(f"{name} must be an undirected networkx.Graph, got {type(G).__name__}")
    num_nodes = G.number_of_nodes()
    if num_nodes == 0:
        raise ValueError(f"{name} must have at least one node")
    if set(G.nodes) != set(range(num_nodes)):
        raise ValueError(f"{name} must have nodes 0..{num_nodes - 1} (use nx.convert_node_labels_to_integers)")
    return num_nodes


def graph_fingerprint(G: nx.Graph) -> str:
    """A short hash of a graph's edges and weights: the cache key of what is simulated on it.

    Args:
        G: contact network on ``0..N-1``.
    """
    num_nodes = check_graph("G", G)
    rows = sorted((min(a, b), max(a, b), float(d.get("weight", 1.0))) for a, b, d in G.edges(data=True))
    blob = json.dumps([num_nodes, rows]).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def person_features(G: nx.Graph) -> torch.Tensor:
    """Each person's own features, :data:`PERSON_FEATURES`: age group one-hot, household size / 6, log(1 + degree).

    Args:
        G: a town from :func:`make_town` (or any graph on ``0..N-1``; missing
            attributes count as adult, household of one).

    Returns:
        x: (N, 5) float tensor.
    """
    num_nodes = check_graph("G", G)
    x = torch.zeros(num_nodes, len(PERSON_FEATURES))
    for v, d in G.nodes(data=True):
        x[v, int(d.get("age_group", 1))] = 1.0
        x[v, 3] = float(d.get("household_size", 1)) / 6.0
        x[v, 4] = float(np.log1p(G.degree(v)))
    return x


def town_to_data(G: nx.Graph) -> Data:
    """The contact network as a PyG ``Data``, both directions of every edge.

    The edge list comes from the kit's converter
    (:func:`gdl_teach.data.convert.edge_index_from_networkx`: sorted by
    target, nodes kept as numbered); PyG's ``from_networkx`` would renumber
    nodes in insertion order and needs the same attributes on every edge.

    Args:
        G: graph on nodes ``0..N-1`` with edge attributes ``weight``/``setting``
            (missing: weight 1, setting community).

    Returns:
        ``Data`` with ``x`` (N, 5) person features, ``edge_index`` (2, E),
        ``edge_weight`` (E,), ``edge_setting`` (E,) indices into
        :data:`SETTINGS`, ``age_group`` (N,).
    """
    num_nodes = check_graph("G", G)
    edge_index = edge_index_from_networkx(G)  # (2, E)
    attrs = [G.edges[a, b] for a, b in edge_index.t().tolist()]
    edge_weight = torch.tensor([float(d.get("weight", 1.0)) for d in attrs], dtype=torch.float)
    edge_setting = torch.tensor([SETTINGS.index(d.get("setting", "community")) for d in attrs], dtype=torch.long)
    age = torch.tensor([int(G.nodes[v].get("age_group", 1)) for v in range(num_nodes)], dtype=torch.long)
    return Data(x=person_features(G), edge_index=edge_index, edge_weight=edge_weight, edge_setting=edge_setting,
                age_group=age, num_nodes=num_nodes)


def town_summary(G: nx.Graph) -> dict[str, Any]:
    """People, contacts per setting, mean degree and age mix of a town (for printing).

    Args:
        G: a town from :func:`make_town` (or any graph on ``0..N-1``).
    """
    num_nodes = check_graph("G", G)
    settings = {s: 0 for s in SETTINGS}
    for _, _, d in G.edges(data=True):
        settings[d.get("setting", "community")] += 1
    ages = np.bincount([G.nodes[v].get("age_group", 1) for v in range(num_nodes)], minlength=3)
    return {"people": num_nodes, "contacts": G.number_of_edges(),
            "mean degree": round(2 * G.number_of_edges() / num_nodes, 2),
            **{f"{s} contacts": c for s, c in settings.items()},
            **{name: int(c) for name, c in zip(("children", "adults", "seniors"), ages)}}


def town_layout(G: nx.Graph, seed: int = 0) -> np.ndarray:
    """2D positions of everyone: the town's map (node attribute ``pos``), else the kit's seeded spring layout.

    Args:
        G: contact network on ``0..N-1``.
        seed: seed of the spring layout (:func:`gdl_teach.viz.layout.spring_layout`), for graphs without positions.

    Returns:
        pos: (N, 2) array.
    """
    num_nodes = check_graph("G", G)
    seed = check_int("seed", seed, min_value=0)
    if all("pos" in d for _, d in G.nodes(data=True)):
        return np.array([G.nodes[v]["pos"] for v in range(num_nodes)], dtype=float)
    layout = spring_layout(G, seed=seed)
    return np.stack([layout[v] for v in range(num_nodes)])
