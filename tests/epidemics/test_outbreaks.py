"""gdl_teach.epidemics.outbreaks: the Outbreak record, the EoN wrappers, the cached runs."""
from __future__ import annotations

import importlib.metadata

import networkx as nx
import numpy as np
import pytest
import torch

from gdl_teach.core.cache import cache_dir
from gdl_teach.epidemics import outbreaks
from tests.epidemics.conftest import GAMMA, TAU


def test_sir_is_seeded(small_town: nx.Graph, runs: list[outbreaks.Outbreak]) -> None:
    again = outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=[0, 1, 2], seed=0)
    np.testing.assert_array_equal(again.t_infected, runs[0].t_infected)
    np.testing.assert_array_equal(again.t_recovered, runs[0].t_recovered)
    assert any(not np.array_equal(r.t_infected, runs[0].t_infected) for r in runs[1:])
    # the index case is drawn from the seed too
    index = outbreaks.simulate_sir(small_town, TAU, GAMMA, seed=5).index_cases
    assert index == outbreaks.simulate_sir(small_town, TAU, GAMMA, seed=5).index_cases


def test_sir_follows_the_rules(small_town: nx.Graph, runs: list[outbreaks.Outbreak]) -> None:
    assert any(r.final_size > 10 for r in runs), "at least one outbreak should take off at these rates"
    for run in runs:
        t_inf, t_rec = run.t_infected, run.t_recovered
        ever = np.isfinite(t_inf)
        assert (np.isfinite(t_rec) <= ever).all(), "nobody recovers without being infected"
        assert (t_inf[ever] < t_rec[ever]).all(), "infection comes before recovery"
        assert (t_inf[run.index_cases] == run.t_min).all()
        for v in np.flatnonzero(ever):  # every other case was infected by an infectious contact
            if v in run.index_cases:
                continue
            assert any(t_inf[u] < t_inf[v] < t_rec[u] for u in small_town.neighbors(v)), f"node {v} has no infector"
        grid = np.linspace(0, run.end + 1, 40)
        states = np.stack([run.states_at(t) for t in grid])  # (T, N)
        assert (np.diff(states, axis=0) >= 0).all(), "states only move S -> I -> R"
        counts = run.counts(grid)
        assert (counts["S"] + counts["I"] + counts["R"] == small_town.number_of_nodes()).all()
        assert counts["I"][-1] == 0 and counts["R"][-1] == run.final_size


def test_infectious_at_is_the_I_state(runs: list[outbreaks.Outbreak]) -> None:
    run = max(runs, key=lambda r: r.final_size)
    times = np.linspace(0, run.end, 25)
    infectious = run.infectious_at(times)
    assert infectious.shape == (25, run.num_nodes) and infectious.dtype == bool
    np.testing.assert_array_equal(infectious, np.stack([run.states_at(t) == 1 for t in times]))
    np.testing.assert_array_equal(infectious.sum(1), run.counts(times)["I"])
    assert run.infectious_at(2.0).shape == (1, run.num_nodes)


def test_windows_peak_and_first_time_with(runs: list[outbreaks.Outbreak]) -> None:
    run = max(runs, key=lambda r: r.final_size)
    first, last = run.window_with(3)
    assert first == run.t_min and first <= last  # three index cases: three infectious from the start
    assert run.peak >= 3 and run.window_with(run.peak) is not None and run.window_with(run.peak + 1) is None
    t = outbreaks.first_time_with(run, run.peak)
    assert (run.states_at(t) == 1).sum() == run.peak
    with pytest.raises(ValueError, match="never reached"):
        outbreaks.first_time_with(run, run.peak + 1)
    with pytest.raises(ValueError, match="num_infectious"):
        outbreaks.first_time_with(run, 0)


def test_sir_from_a_state_with_immune_people(small_town: nx.Graph) -> None:
    immune = list(range(3, 30))
    run = outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=[0], initial_recovereds=immune,
                                 t_min=2.0, t_max=5.0, seed=0)
    assert (run.t_infected[immune] == -np.inf).all() and (run.states_at(2.0)[immune] == 2).all()
    assert run.states_at(2.0)[0] == 1
    assert not run.infected_ever[immune].any()
    assert not run.infectious_at([2.0, 3.0])[:, immune].any(), "immune people are never infectious"
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
    ({"t_max": -1.0}, ValueError, "t_max"),
    ({"t_max": "never"}, ValueError, "t_max"),
    ({"t_min": float("nan")}, ValueError, "t_min"),
    ({"seed": -3}, ValueError, "seed"),
    ({"weight": 3}, TypeError, "weight"),
])
def test_sir_validates_its_arguments(small_town: nx.Graph, kwargs: dict, error: type, match: str) -> None:
    args = {"tau": TAU, "gamma": GAMMA, **kwargs}
    tau, gamma = args.pop("tau"), args.pop("gamma")
    with pytest.raises(error, match=match):
        outbreaks.simulate_sir(small_town, tau, gamma, **args)


@pytest.mark.parametrize("ids", [
    "12",                      # a string is not a list of ids (it would infect nodes 1 and 2)
    "0",
    2.7,                       # a float id would be truncated to 2
    [0, 1.0],
    [0.5],
    np.array([1.0, 2.0]),
    torch.tensor([1.5]),
    True,                      # a bool is not node 1
    [0, True],
    np.array([True, False]),
    torch.tensor([True]),
    {"a": 1},
    object(),
])
def test_node_ids_are_refused_rather_than_reinterpreted(small_town: nx.Graph, ids: object) -> None:
    with pytest.raises(TypeError, match="initial_infecteds must be node ids"):
        outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=ids)
    with pytest.raises(TypeError, match="initial_recovereds must be node ids"):
        outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=[5], initial_recovereds=ids)
    with pytest.raises(TypeError, match="initial_infecteds must be node ids"):
        outbreaks.simulate_seir(small_town, TAU, 0.5, GAMMA, initial_infecteds=ids)


@pytest.mark.parametrize("ids", [[2, 0, 1, 2], (0, 1, 2), {0, 1, 2}, range(3), np.array([[0, 1], [2, 2]]),
                                 torch.tensor([2, 1, 0]), np.array([0, 1, 2], dtype=np.int32)])
def test_node_ids_accept_integer_collections(small_town: nx.Graph, ids: object) -> None:
    run = outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=ids, seed=0)
    assert run.index_cases == [0, 1, 2]
    assert outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=np.int64(4)).index_cases == [4]
    assert outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=4).index_cases == [4]


def test_seir_follows_the_rules(small_town: nx.Graph) -> None:
    run = outbreaks.simulate_seir(small_town, TAU, 0.5, GAMMA, initial_infecteds=[0, 1, 2], t_max=200.0, seed=0)
    again = outbreaks.simulate_seir(small_town, TAU, 0.5, GAMMA, initial_infecteds=[0, 1, 2], t_max=200.0, seed=0)
    np.testing.assert_array_equal(run.t_exposed, again.t_exposed)
    assert run.model == "SEIR" and run.final_size > 3
    exp, inf, rec = run.t_exposed, run.t_infected, run.t_recovered
    assert (np.isfinite(inf) <= np.isfinite(exp)).all() and (np.isfinite(rec) <= np.isfinite(inf)).all()
    ever = np.isfinite(inf)
    assert (exp[ever] <= inf[ever]).all() and (inf[ever] < rec[ever]).all()
    grid = np.linspace(0, run.end, 30)
    states = np.stack([run.states_at(t) for t in grid])
    assert (np.diff(states, axis=0) >= 0).all() and states.max() <= 3
    np.testing.assert_array_equal(run.infectious_at(grid), states == 2)
    with pytest.raises(ValueError, match="sigma"):
        outbreaks.simulate_seir(small_town, TAU, 0.0, GAMMA)


def test_large_outbreak_share_has_a_threshold(small_town: nx.Graph) -> None:
    assert outbreaks.large_outbreak_share(small_town, 0.0, GAMMA, num_runs=3) == 0.0
    assert 0.0 <= outbreaks.large_outbreak_share(small_town, 2.0, GAMMA, num_runs=3) <= 1.0


def test_outbreak_round_trips_through_plain_data(runs: list[outbreaks.Outbreak], small_town: nx.Graph) -> None:
    seir = outbreaks.simulate_seir(small_town, TAU, 0.5, GAMMA, initial_infecteds=[0], t_max=50.0, seed=1)
    for run in (runs[0], seir):
        back = outbreaks.Outbreak.from_plain(run.to_plain())
        for name in ("t_infected", "t_recovered", "t_exposed"):
            a, b = getattr(run, name), getattr(back, name)
            assert (a is None and b is None) or np.array_equal(a, b)
        assert (back.t_min, back.t_max, back.index_cases, back.model, back.params) == \
            (run.t_min, run.t_max, run.index_cases, run.model, run.params)


def _cache_files(name: str) -> list:
    return sorted(cache_dir().glob(f"{name}-*.pt"))


def test_simulate_runs_is_cached_as_plain_data_and_rebuilds_a_broken_file(small_town: nx.Graph, tmp_path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    first = outbreaks.simulate_runs(small_town, 3, tau=TAU, gamma=GAMMA, num_index_cases=2, seed=4, progress=False)
    (path,) = _cache_files("sir_runs")
    stored = torch.load(path, weights_only=True)  # plain data only: nothing in it can run code
    assert stored["stamp"]["versions"]["EoN"] == importlib.metadata.version("EoN")
    cached = outbreaks.simulate_runs(small_town, 3, tau=TAU, gamma=GAMMA, num_index_cases=2, seed=4, progress=False)
    path.write_bytes(b"not a torch file")
    rebuilt = outbreaks.simulate_runs(small_town, 3, tau=TAU, gamma=GAMMA, num_index_cases=2, seed=4, progress=False)
    for a, b, c in zip(first, cached, rebuilt):
        np.testing.assert_array_equal(a.t_infected, b.t_infected)
        np.testing.assert_array_equal(a.t_recovered, c.t_recovered)
        assert a.index_cases == b.index_cases == c.index_cases
    assert all(len(r.index_cases) == 2 for r in first)
    torch.load(path, weights_only=True)  # rewritten


def test_simulate_runs_cache_is_keyed_on_the_eon_version(small_town: nx.Graph, tmp_path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    outbreaks.simulate_runs(small_town, 2, tau=TAU, gamma=GAMMA, seed=1, progress=False)
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.0-other" if name == "EoN" else real(name))
    outbreaks.simulate_runs(small_town, 2, tau=TAU, gamma=GAMMA, seed=1, progress=False)
    assert len(_cache_files("sir_runs")) == 2, "another EoN version must not reuse the old file"


def test_simulate_runs_validates(small_town: nx.Graph) -> None:
    with pytest.raises(ValueError, match="num_runs"):
        outbreaks.simulate_runs(small_town, 0, tau=TAU, gamma=GAMMA)
    with pytest.raises(ValueError, match="num_index_cases"):
        outbreaks.simulate_runs(small_town, 2, tau=TAU, gamma=GAMMA, num_index_cases=10_000)


def test_simulation_fingerprint_keys_every_cached_simulation(small_town: nx.Graph, tmp_path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulations cached by other modules (Monte Carlo, vaccination) are rebuilt when the simulator changes."""
    from gdl_teach.epidemics import monte_carlo

    fingerprint = outbreaks.simulation_fingerprint()
    assert len(fingerprint) == 16 and fingerprint == outbreaks.simulation_fingerprint()
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    states = np.zeros(small_town.number_of_nodes(), dtype=np.int64)
    states[0] = 1
    monte_carlo.monte_carlo_risk(small_town, states, 1.0, tau=TAU, gamma=GAMMA, num_sims=2)
    monkeypatch.setattr(monte_carlo, "simulation_fingerprint", lambda: "changed-simulator")
    monte_carlo.monte_carlo_risk(small_town, states, 1.0, tau=TAU, gamma=GAMMA, num_sims=2)
    assert len(_cache_files("mc_risk")) == 2


def test_a_misspelt_weight_attribute_is_named() -> None:
    from gdl_teach.epidemics import town as town_module

    G = town_module.make_town(num_households=20, seed=0)
    for simulate in (lambda: outbreaks.simulate_sir(G, 0.1, 0.2, weight="wieght"),
                     lambda: outbreaks.simulate_seir(G, 0.1, 0.3, 0.2, weight="wieght")):
        with pytest.raises(ValueError, match="weight='wieght' is not an attribute"):
            simulate()
