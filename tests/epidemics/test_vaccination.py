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
