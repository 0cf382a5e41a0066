"""gdl_teach.epidemics.vaccination: choosing whom to vaccinate, and re-simulating the rest of the outbreak."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from gdl_teach.core.cache import cache_dir
from gdl_teach.epidemics import vaccination
from tests.epidemics.conftest import GAMMA, TAU


def _states(n: int, infectious: int = 3) -> np.ndarray:
    states = np.zeros(n, dtype=np.int64)
    states[:infectious] = 1
    return states


def test_vaccination_targets(small_town: nx.Graph) -> None:
    n = small_town.number_of_nodes()
    states = np.zeros(n, dtype=int)
    states[:5] = 1
    states[5:10] = 2
    rnd = vaccination.vaccination_targets(small_town, states, 10, "random", seed=3)
    assert rnd == vaccination.vaccination_targets(small_town, states, 10, "random", seed=3) and len(rnd) == 10
    assert all(states[v] == 0 for v in rnd)
    deg = vaccination.vaccination_targets(small_town, states, 5, "degree")
    degrees = np.array([small_town.degree(v) for v in range(n)])
    assert min(degrees[deg]) >= max(np.delete(degrees, deg + list(range(10))))
    scores = np.arange(n, dtype=float)
    assert vaccination.vaccination_targets(small_town, states, 3, "gnn risk", scores=scores) == [n - 3, n - 2, n - 1]
    assert vaccination.vaccination_targets(small_town, torch.as_tensor(states), 3, "gnn risk",
                                           scores=torch.as_tensor(scores)) == [n - 3, n - 2, n - 1]
    assert len(vaccination.vaccination_targets(small_town, states, 10 * n, "random")) == n - 10
    with pytest.raises(ValueError, match="scores"):
        vaccination.vaccination_targets(small_town, states, 3, "gnn risk")
    with pytest.raises(ValueError, match="scores must have shape"):
        vaccination.vaccination_targets(small_town, states, 3, "gnn risk", scores=scores[:4])
    with pytest.raises(ValueError, match="strategy"):
        vaccination.vaccination_targets(small_town, states, 3, "oldest")
    with pytest.raises(ValueError, match="k must be"):
        vaccination.vaccination_targets(small_town, states, -1, "random")


def test_vaccination_study(small_town: nx.Graph) -> None:
    n = small_town.number_of_nodes()
    scores = np.random.default_rng(0).random(n)
    study = vaccination.vaccination_study(small_town, _states(n), scores, ks=(0, 40), tau=TAU, gamma=GAMMA,
                                          num_runs=4, seed=0, progress=False)
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


@pytest.mark.parametrize("kwargs, match", [
    ({"states": "none infectious"}, "infectious"),
    ({"ks": ()}, "ks"),
    ({"ks": (0, 50, 50)}, "each once"),
    ({"ks": (0, 2.5)}, "ks"),
    ({"strategies": ("random", "oldest")}, "strategies"),
    ({"scores": None}, "scores"),
    ({"num_runs": 0}, "num_runs"),
])
def test_vaccination_study_validates(small_town: nx.Graph, kwargs: dict, match: str) -> None:
    n = small_town.number_of_nodes()
    args = {"states": _states(n), "scores": np.zeros(n), "ks": (0, 10), "num_runs": 2, **kwargs}
    if isinstance(args["states"], str):
        args["states"] = np.zeros(n, dtype=np.int64)
    states, scores = args.pop("states"), args.pop("scores")
    with pytest.raises((ValueError, TypeError), match=match):
        vaccination.vaccination_study(small_town, states, scores, tau=TAU, gamma=GAMMA, progress=False, **args)


def test_vaccination_study_round_trips_through_the_cache(small_town: nx.Graph, tmp_path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    n = small_town.number_of_nodes()
    scores = torch.rand(n, generator=torch.Generator().manual_seed(0))
    kwargs = {"ks": (0, 10), "tau": TAU, "gamma": GAMMA, "num_runs": 3, "progress": False}
    built = vaccination.vaccination_study(small_town, _states(n), scores, **kwargs)
    (path,) = sorted(cache_dir().glob("vaccination_study-*.pt"))
    torch.load(path, weights_only=True)  # plain data only
    loaded = vaccination.vaccination_study(small_town, _states(n), scores, **kwargs)
    assert (loaded.ks, loaded.strategies, loaded.people) == (built.ks, built.strategies, built.people)
    assert np.array_equal(loaded.t_grid, built.t_grid) and loaded.final_size.keys() == built.final_size.keys()
    for key in built.final_size:
        assert np.array_equal(loaded.final_size[key], built.final_size[key])
        assert np.array_equal(loaded.infectious[key], built.infectious[key])
    back = vaccination.VaccinationStudy.from_plain(built.to_plain())
    assert back.table(10).equals(built.table(10))


def test_ring_vaccination_takes_the_contacts_of_the_cases_first(small_town: nx.Graph) -> None:
    n = small_town.number_of_nodes()
    states = _states(n, infectious=2)
    exposure = {v: sum(d["weight"] for u, d in small_town[v].items() if states[u] == 1) for v in range(n)}
    ring = [v for v in range(n) if states[v] == 0 and exposure[v] > 0]
    chosen = vaccination.vaccination_targets(small_town, states, len(ring), "ring")
    assert sorted(chosen) == sorted(ring)
    first = vaccination.vaccination_targets(small_town, states, 1, "ring")
    assert exposure[first[0]] == max(exposure[v] for v in ring)
    more = vaccination.vaccination_targets(small_town, states, len(ring) + 3, "ring")
    extra = sorted(set(more) - set(ring), key=lambda v: -small_town.degree(v))
    outside = [small_town.degree(v) for v in range(n) if states[v] == 0 and v not in more]
    assert len(extra) == 3 and min(small_town.degree(v) for v in extra) >= max(outside)


def test_studies_of_other_strategies_combine_and_risk_repeats_over_models(small_town: nx.Graph) -> None:
    n = small_town.number_of_nodes()
    kwargs = {"tau": TAU, "gamma": GAMMA, "num_runs": 3, "seed": 0}
    others = vaccination.vaccination_study(small_town, _states(n), None, ks=(0, 10, 20),
                                           strategies=("random", "degree", "ring"), progress=False, **kwargs)
    scores = {s: torch.rand(n, generator=torch.Generator().manual_seed(s)) for s in (0, 1)}
    by_seed = vaccination.risk_strategy_over_seeds(small_town, _states(n), scores, ks=(10, 20), progress=False,
                                                   **kwargs)
    assert set(by_seed) == {0, 1} and by_seed[0].strategies == ["gnn risk"]
    alone = vaccination.vaccination_study(small_town, _states(n), scores[1], ks=(0, 10, 20), progress=False, **kwargs)
    assert np.array_equal(by_seed[1].final_size[("gnn risk", 20)], alone.final_size[("gnn risk", 20)])
    both = others.with_strategies(by_seed[0])
    assert both.strategies == ["random", "degree", "ring", "gnn risk"] and both.ks == [0, 10, 20]
    assert np.array_equal(both.final_size[("gnn risk", 0)], others.final_size[("random", 0)])
    assert both.table(0).shape[0] == 4 and both.table(20).shape[0] == 4
    table = vaccination.over_seeds_table(both, by_seed)
    assert list(table.columns) == ["10 doses", "20 doses"]
    means = [by_seed[s].final_size[("gnn risk", 20)].mean() for s in (0, 1)]
    assert table.loc["gnn risk, mean of 2 models", "20 doses"] == pytest.approx(np.mean(means), abs=1e-3)
    assert table.loc["gnn risk, worst model", "20 doses"] == pytest.approx(max(means), abs=1e-3)
    assert table.loc["ring", "10 doses"] == pytest.approx(others.final_size[("ring", 10)].mean(), abs=1e-3)
    with pytest.raises(ValueError, match="new strategies"):
        others.with_strategies(others)
    with pytest.raises(ValueError, match="scores_by_seed"):
        vaccination.risk_strategy_over_seeds(small_town, _states(n), {}, ks=(10,), progress=False, **kwargs)
