"""Lesson 04 data: the town generator, the EoN wrappers, the dataset, vaccination, the optional loader."""
from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
import torch

from gdl_teach.core.cache import cache_dir, cache_key
from gdl_teach.epidemics import data as epi

TAU, GAMMA = 0.3, 0.2


@pytest.fixture(scope="module")
def town() -> nx.Graph:
    return epi.make_town(60, seed=1)


@pytest.fixture(scope="module")
def runs(town: nx.Graph) -> list[epi.Outbreak]:
    return [epi.simulate_sir(town, TAU, GAMMA, initial_infecteds=[0, 1, 2], seed=s) for s in range(6)]


# --------------------------------------------------------------------------- the town


def _edges(G: nx.Graph) -> list[tuple]:
    return sorted((a, b, d["setting"], d["weight"]) for a, b, d in G.edges(data=True))


def test_town_is_seeded(town: nx.Graph) -> None:
    again = epi.make_town(60, seed=1)
    assert _edges(again) == _edges(town)
    assert [again.nodes[v] for v in again] == [town.nodes[v] for v in town]
    assert _edges(epi.make_town(60, seed=2)) != _edges(town)


def test_town_structure(town: nx.Graph) -> None:
    n = town.number_of_nodes()
    assert set(town.nodes) == set(range(n)) and n >= 60
    for _, d in town.nodes(data=True):
        assert d["age_group"] in (0, 1, 2)
        assert (d["school_class"] >= 0) == (d["age_group"] == 0), "children, and only children, are in a class"
        if d["workplace"] >= 0:
            assert d["age_group"] == 1, "only adults work"
        if d["age_group"] == 0:
            assert d["household_size"] >= 3, "children live with two adults"
    households: dict[int, list[int]] = {}
    for v, d in town.nodes(data=True):
        households.setdefault(d["household"], []).append(v)
    for members in households.values():
        assert all(town.nodes[m]["household_size"] == len(members) for m in members)
        for i in members:
            for j in members:
                if i < j:
                    assert town.edges[i, j]["setting"] == "household"
    for a, b, d in town.edges(data=True):
        assert d["setting"] in epi.SETTINGS
        assert d["weight"] == epi.DEFAULT_WEIGHTS[d["setting"]]
        if d["setting"] == "school":
            assert town.nodes[a]["school_class"] == town.nodes[b]["school_class"] >= 0
        if d["setting"] == "work":
            assert town.nodes[a]["workplace"] == town.nodes[b]["workplace"] >= 0
    summary = epi.town_summary(town)
    assert summary["people"] == n and summary["contacts"] == town.number_of_edges()
    assert epi.town_layout(town).shape == (n, 2)


def test_town_parameters_change_the_town() -> None:
    quiet = epi.make_town(60, school_contacts=0.0, work_contacts=0.0, community_contacts=0.0, seed=1)
    assert {d["setting"] for _, _, d in quiet.edges(data=True)} == {"household"}
    heavy = epi.make_town(60, weights={"household": 2.0}, seed=1)
    assert all(d["weight"] == 2.0 for _, _, d in heavy.edges(data=True) if d["setting"] == "household")
    singles = epi.make_town(20, household_sizes=[1.0], seed=0)
    assert singles.number_of_nodes() == 20


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_households": 0}, ValueError, "n_households"),
    ({"n_households": 2.5}, TypeError, "n_households"),
    ({"household_sizes": [0.5, 0.2]}, ValueError, "household_sizes"),
    ({"household_sizes": [1.2, -0.2]}, ValueError, "household_sizes"),
    ({"class_size": 1}, ValueError, "class_size"),
    ({"school_contacts": -1.0}, ValueError, "school_contacts"),
    ({"employment": 1.5}, ValueError, "employment"),
    ({"weights": {"pub": 1.0}}, ValueError, "weights"),
    ({"weights": {"school": -1.0}}, ValueError, "weights"),
    ({"seed": -1}, ValueError, "seed"),
])
def test_town_validates_its_arguments(kwargs: dict, error: type, match: str) -> None:
    args = {"n_households": 10, **kwargs}
    with pytest.raises(error, match=match):
        epi.make_town(**args)


def test_karate_club_and_features() -> None:
    G = epi.load_karate_club()
    assert G.number_of_nodes() == 34 and G.number_of_edges() == 78
    data = epi.town_to_data(G)
    assert data.edge_index.shape == (2, 156) and data.x.shape == (34, len(epi.PERSON_FEATURES))
    src, dst = data.edge_index
    assert set(zip(src.tolist(), dst.tolist())) == set(zip(dst.tolist(), src.tolist())), "both directions"
    assert torch.allclose(data.x[:, :3].sum(1), torch.ones(34))
    assert torch.allclose(data.x[:, 4], torch.log1p(torch.tensor([float(G.degree(v)) for v in range(34)])))


def test_graph_checks() -> None:
    with pytest.raises(TypeError, match="G must be an undirected"):
        epi.simulate_sir(nx.DiGraph([(0, 1)]), TAU, GAMMA)
    with pytest.raises(ValueError, match="nodes 0..1"):
        epi.simulate_sir(nx.Graph([(5, 7)]), TAU, GAMMA)


# --------------------------------------------------------------------------- EoN wrappers


def test_sir_is_seeded(town: nx.Graph, runs: list[epi.Outbreak]) -> None:
    again = epi.simulate_sir(town, TAU, GAMMA, initial_infecteds=[0, 1, 2], seed=0)
    np.testing.assert_array_equal(again.t_infected, runs[0].t_infected)
    np.testing.assert_array_equal(again.t_recovered, runs[0].t_recovered)
    assert any(not np.array_equal(r.t_infected, runs[0].t_infected) for r in runs[1:])
    # the index case is drawn from the seed too
    index = epi.simulate_sir(town, TAU, GAMMA, seed=5).index_cases
    assert index == epi.simulate_sir(town, TAU, GAMMA, seed=5).index_cases


def test_sir_follows_the_rules(town: nx.Graph, runs: list[epi.Outbreak]) -> None:
    assert any(r.final_size > 10 for r in runs), "at least one outbreak should take off at these rates"
    for run in runs:
        t_inf, t_rec = run.t_infected, run.t_recovered
        ever = np.isfinite(t_inf)
        assert (np.isfinite(t_rec) <= ever).all(), "nobody recovers without being infected"
        assert (t_inf[ever] < t_rec[ever]).all(), "infection comes before recovery"
        assert (t_inf[run.index_cases] == run.tmin).all()
        for v in np.flatnonzero(ever):  # every other case was infected by an infectious contact
            if v in run.index_cases:
                continue
            assert any(t_inf[u] < t_inf[v] < t_rec[u] for u in town.neighbors(v)), f"node {v} has no infector"
        grid = np.linspace(0, run.end + 1, 40)
        states = np.stack([run.states_at(t) for t in grid])  # (T, N)
        assert (np.diff(states, axis=0) >= 0).all(), "states only move S -> I -> R"
        counts = run.counts(grid)
        assert (counts["S"] + counts["I"] + counts["R"] == town.number_of_nodes()).all()
        assert counts["I"][-1] == 0 and counts["R"][-1] == run.final_size


def test_sir_from_a_state_with_immune_people(town: nx.Graph) -> None:
    immune = list(range(3, 30))
    run = epi.simulate_sir(town, TAU, GAMMA, initial_infecteds=[0], initial_recovereds=immune, tmin=2.0, tmax=5.0,
                           seed=0)
    assert (run.t_infected[immune] == -np.inf).all() and (run.states_at(2.0)[immune] == 2).all()
    assert run.states_at(2.0)[0] == 1
    assert not run.infected_ever[immune].any()
    finite = run.t_infected[np.isfinite(run.t_infected)]
    assert finite.min() == 2.0 and finite.max() <= 5.0
    with pytest.raises(ValueError, match="t must be within"):
        run.states_at(6.0)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"tau": -0.1}, ValueError, "tau"),
    ({"gamma": 0.0}, ValueError, "gamma"),
    ({"tau": "fast"}, TypeError, "tau"),
    ({"initial_infecteds": [0, 10_000]}, ValueError, "initial_infecteds"),
    ({"initial_infecteds": [0], "initial_recovereds": [0]}, ValueError, "must not share"),
    ({"tmax": -1.0}, ValueError, "tmax"),
    ({"seed": -3}, ValueError, "seed"),
    ({"weight": 3}, TypeError, "weight"),
])
def test_sir_validates_its_arguments(town: nx.Graph, kwargs: dict, error: type, match: str) -> None:
    args = {"tau": TAU, "gamma": GAMMA, **kwargs}
    tau, gamma = args.pop("tau"), args.pop("gamma")
    with pytest.raises(error, match=match):
        epi.simulate_sir(town, tau, gamma, **args)


def test_seir_follows_the_rules(town: nx.Graph) -> None:
    run = epi.simulate_seir(town, TAU, 0.5, GAMMA, initial_infecteds=[0, 1, 2], tmax=200.0, seed=0)
    again = epi.simulate_seir(town, TAU, 0.5, GAMMA, initial_infecteds=[0, 1, 2], tmax=200.0, seed=0)
    np.testing.assert_array_equal(run.t_exposed, again.t_exposed)
    assert run.model == "SEIR" and run.final_size > 3
    exp, inf, rec = run.t_exposed, run.t_infected, run.t_recovered
    assert (np.isfinite(inf) <= np.isfinite(exp)).all() and (np.isfinite(rec) <= np.isfinite(inf)).all()
    ever = np.isfinite(inf)
    assert (exp[ever] <= inf[ever]).all() and (inf[ever] < rec[ever]).all()
    states = np.stack([run.states_at(t) for t in np.linspace(0, run.end, 30)])
    assert (np.diff(states, axis=0) >= 0).all() and states.max() <= 3
    with pytest.raises(ValueError, match="sigma"):
        epi.simulate_seir(town, TAU, 0.0, GAMMA)


def test_large_outbreak_share_has_a_threshold(town: nx.Graph) -> None:
    assert epi.large_outbreak_share(town, 0.0, GAMMA, n_runs=3) == 0.0
    assert 0.0 <= epi.large_outbreak_share(town, 2.0, GAMMA, n_runs=3) <= 1.0


def test_simulate_runs_is_cached_and_rebuilds_a_broken_cache(town: nx.Graph) -> None:
    first = epi.simulate_runs(town, 3, tau=TAU, gamma=GAMMA, n_index=2, seed=4, progress=False)
    params = {"graph": epi.graph_fingerprint(town), "n_runs": 3, "tau": TAU, "gamma": GAMMA, "n_index": 2, "seed": 4}
    path = cache_dir() / cache_key("sir_runs", params)
    assert path.exists()
    path.write_bytes(b"not a pickle")
    again = epi.simulate_runs(town, 3, tau=TAU, gamma=GAMMA, n_index=2, seed=4, progress=False)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a.t_infected, b.t_infected)
    assert all(len(r.index_cases) == 2 for r in first)


# --------------------------------------------------------------------------- the dataset


@pytest.fixture(scope="module")
def dataset(town: nx.Graph, runs: list[epi.Outbreak]) -> epi.OutbreakDataset:
    return epi.make_outbreak_dataset(town, runs, horizon=2.0, snapshots_per_run=2, min_infected=2, seed=0)


def test_dataset_snapshots_are_consistent(town: nx.Graph, runs: list[epi.Outbreak],
                                          dataset: epi.OutbreakDataset) -> None:
    n = town.number_of_nodes()
    assert len(dataset) >= 4
    for d in dataset:
        run = runs[int(d.run)]
        t = float(d.t)
        assert d.x.shape == (n, len(epi.FEATURE_NAMES)) and d.y.shape == (n,)
        np.testing.assert_array_equal(d.state.numpy(), run.states_at(t))
        assert torch.equal(d.x[:, 5:8].argmax(1), d.state), "state one-hot matches the state"
        assert torch.equal(d.mask, d.state == 0)
        assert not bool(d.y[~d.mask].any()), "only susceptible people can be newly infected"
        newly = (run.t_infected > t) & (run.t_infected <= t + 2.0)
        np.testing.assert_array_equal(d.y.numpy().astype(bool), newly)
        assert torch.allclose(d.x[:, 8], (d.state == 1).float().mean().expand(n))
        assert abs(float(d.final_size) - run.final_size / n) < 1e-6
        assert int((d.state == 1).sum()) >= 2


def test_split_by_run_keeps_runs_together(dataset: epi.OutbreakDataset) -> None:
    splits = epi.split_by_run(dataset, (0.5, 0.25, 0.25), seed=0)
    runs = {k: set(torch.cat([d.run for d in v]).tolist()) for k, v in splits.items()}
    assert all(runs.values())
    assert not (runs["train"] & runs["val"]) and not (runs["train"] & runs["test"]) and not (runs["val"] & runs["test"])
    assert sum(len(v) for v in splits.values()) == len(dataset)
    again = epi.split_by_run(dataset, (0.5, 0.25, 0.25), seed=0)
    assert torch.equal(torch.cat([d.run for d in again["test"]]), torch.cat([d.run for d in splits["test"]]))
    subset = dataset[torch.arange(2, len(dataset))]  # drops the first run's snapshots
    nested = epi.split_by_run(subset, (0.4, 0.3, 0.3), seed=0)
    inner = set().union(*(set(torch.cat([d.run for d in v]).tolist()) for v in nested.values()))
    assert inner == set(torch.cat([d.run for d in subset]).tolist()), "splitting a subset uses its own runs"
    with pytest.raises(ValueError, match="fractions"):
        epi.split_by_run(dataset, (0.5, 0.5))
    with pytest.raises(TypeError, match="dataset"):
        epi.split_by_run([1, 2, 3])


def test_dataset_validates(town: nx.Graph, runs: list[epi.Outbreak]) -> None:
    with pytest.raises(ValueError, match="horizon"):
        epi.make_outbreak_dataset(town, runs, horizon=0.0)
    with pytest.raises(TypeError, match="runs"):
        epi.make_outbreak_dataset(town, [1, 2])
    with pytest.raises(ValueError, match="min_infected"):
        epi.make_outbreak_dataset(town, runs, min_infected=10_000)
    with pytest.raises(ValueError, match="runs must be simulated on G"):
        epi.make_outbreak_dataset(epi.load_karate_club(), runs)
    with pytest.raises(ValueError, match="states"):
        epi.snapshot_features(torch.zeros(3, 5), np.array([0, 1, 5]))


def test_monte_carlo_risk_matches_the_two_person_formula() -> None:
    G = nx.Graph([(0, 1)])
    nx.set_edge_attributes(G, 1.0, "weight")
    tau, gamma, h = 0.5, 0.5, 2.0
    risk = epi.monte_carlo_risk(G, np.array([1, 0]), h, tau=tau, gamma=gamma, n_sims=400, seed=0)
    exact = tau / (tau + gamma) * (1 - np.exp(-(tau + gamma) * h))  # infection before recovery and before h
    assert risk[0] == 0.0 and abs(risk[1] - exact) < 0.07
    again = epi.monte_carlo_risk(G, np.array([1, 0]), h, tau=tau, gamma=gamma, n_sims=400, seed=0)
    assert np.array_equal(risk, again)
    assert (epi.monte_carlo_risk(G, np.array([0, 0]), h, tau=tau, gamma=gamma, n_sims=5) == 0).all()
    with pytest.raises(ValueError, match="states"):
        epi.monte_carlo_risk(G, np.array([1, 7]), h, tau=tau, gamma=gamma)


# --------------------------------------------------------------------------- vaccination


def test_vaccination_targets(town: nx.Graph) -> None:
    n = town.number_of_nodes()
    states = np.zeros(n, dtype=int)
    states[:5] = 1
    states[5:10] = 2
    rnd = epi.vaccination_targets(town, states, 10, "random", seed=3)
    assert rnd == epi.vaccination_targets(town, states, 10, "random", seed=3) and len(rnd) == 10
    assert all(states[v] == 0 for v in rnd)
    deg = epi.vaccination_targets(town, states, 5, "degree")
    degrees = np.array([town.degree(v) for v in range(n)])
    assert min(degrees[deg]) >= max(np.delete(degrees, deg + list(range(10))))
    scores = np.arange(n, dtype=float)
    assert epi.vaccination_targets(town, states, 3, "gnn risk", scores=scores) == [n - 3, n - 2, n - 1]
    assert len(epi.vaccination_targets(town, states, 10 * n, "random")) == n - 10
    with pytest.raises(ValueError, match="scores"):
        epi.vaccination_targets(town, states, 3, "gnn risk")
    with pytest.raises(ValueError, match="strategy"):
        epi.vaccination_targets(town, states, 3, "oldest")
    with pytest.raises(ValueError, match="k must be"):
        epi.vaccination_targets(town, states, -1, "random")


def test_vaccination_study(town: nx.Graph) -> None:
    n = town.number_of_nodes()
    states = np.zeros(n, dtype=int)
    states[:3] = 1
    scores = np.random.default_rng(0).random(n)
    study = epi.vaccination_study(town, states, scores, ks=(0, 40), tau=TAU, gamma=GAMMA, n_runs=4, seed=0,
                                  progress=False)
    assert study.ks == [0, 40] and study.people == n
    base = study.final_size[("random", 0)]
    assert all(np.array_equal(study.final_size[(s, 0)], base) for s in study.strategies)
    for key, f in study.final_size.items():
        assert f.shape == (4,) and ((f >= 3 / n - 1e-9) & (f <= 1)).all()
        assert study.infectious[key].shape == (4, study.t_grid.size)
        assert (study.infectious[key][:, 0] == 3).all()
    assert study.final_size[("degree", 40)].mean() <= base.mean()
    table = study.table(40)
    assert list(table.index) == list(study.strategies)
    with pytest.raises(ValueError, match="k must be one of"):
        study.table(7)
    with pytest.raises(ValueError, match="infectious"):
        epi.vaccination_study(town, np.zeros(n, dtype=int), scores, ks=(0,), tau=TAU, gamma=GAMMA)


# --------------------------------------------------------------------------- optional real data


def test_chickenpox_needs_download_true(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="download=True"):
        epi.load_chickenpox_hungary(root=tmp_path)
    with pytest.raises(TypeError, match="download"):
        epi.load_chickenpox_hungary(download="yes", root=tmp_path)


def test_chickenpox_reads_a_cached_copy(tmp_path) -> None:
    fake = {"edges": [[0, 1], [1, 0], [1, 2], [2, 1]], "FX": [[0.1, 0.2, 0.3]] * 5}
    (tmp_path / "chickenpox.json").write_text(json.dumps(fake))
    data = epi.load_chickenpox_hungary(root=tmp_path)
    assert data.edge_index.shape == (2, 4) and data.cases.shape == (5, 3) and data.num_nodes == 3
    (tmp_path / "chickenpox.json").write_text("{broken")
    with pytest.raises(ValueError, match="not a valid Chickenpox"):
        epi.load_chickenpox_hungary(root=tmp_path)
