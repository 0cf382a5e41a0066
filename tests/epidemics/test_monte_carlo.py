"""gdl_teach.epidemics.monte_carlo: the true risk by rerunning EoN, and models next to it."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from gdl_teach.core.cache import cache_dir
from gdl_teach.epidemics import monte_carlo


def _pair() -> nx.Graph:
    G = nx.Graph([(0, 1)])
    nx.set_edge_attributes(G, 1.0, "weight")
    return G


def test_monte_carlo_risk_matches_the_two_person_formula() -> None:
    G = _pair()
    tau, gamma, h = 0.5, 0.5, 2.0
    risk = monte_carlo.monte_carlo_risk(G, np.array([1, 0]), h, tau=tau, gamma=gamma, num_sims=400, seed=0)
    exact = tau / (tau + gamma) * (1 - np.exp(-(tau + gamma) * h))  # infection before recovery and before h
    assert risk[0] == 0.0 and abs(risk[1] - exact) < 0.07
    again = monte_carlo.monte_carlo_risk(G, torch.tensor([1, 0]), h, tau=tau, gamma=gamma, num_sims=400, seed=0)
    assert np.array_equal(risk, again), "a tensor of states is the same state (and the same cache entry)"
    assert (monte_carlo.monte_carlo_risk(G, np.array([0, 0]), h, tau=tau, gamma=gamma, num_sims=5) == 0).all()


@pytest.mark.parametrize("states, error, match", [
    (np.array([1, 7]), ValueError, "states"),
    (np.array([1]), ValueError, "states"),
    (np.array([1.0, 0.0]), TypeError, "states"),
])
def test_monte_carlo_risk_validates(states: np.ndarray, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        monte_carlo.monte_carlo_risk(_pair(), states, 1.0, tau=0.5, gamma=0.5)
    with pytest.raises(ValueError, match="num_sims"):
        monte_carlo.monte_carlo_risk(_pair(), np.array([1, 0]), 1.0, tau=0.5, gamma=0.5, num_sims=0)


def test_monte_carlo_risk_is_cached_as_plain_data(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDL_TEACH_CACHE", str(tmp_path))
    risk = monte_carlo.monte_carlo_risk(_pair(), np.array([1, 0]), 1.0, tau=0.5, gamma=0.5, num_sims=20)
    (path,) = sorted(cache_dir().glob("mc_risk-*.pt"))
    assert "EoN" in torch.load(path, weights_only=True)["stamp"]["versions"]
    path.write_bytes(b"\x00broken")
    again = monte_carlo.monte_carlo_risk(_pair(), np.array([1, 0]), 1.0, tau=0.5, gamma=0.5, num_sims=20)
    assert np.array_equal(risk, again)


def test_monte_carlo_comparison_lines_up_models_and_truth(small_town: nx.Graph, snapshots) -> None:
    chosen = [snapshots[0], snapshots[1]]
    constant = {"half": lambda d: torch.full((d.num_nodes,), 0.5), "numpy": lambda d: np.zeros(d.num_nodes)}
    mc, predicted = monte_carlo.monte_carlo_comparison(small_town, chosen, constant, horizon=2.0, tau=0.3,
                                                       gamma=0.2, num_sims=5)
    assert len(mc) == 2 and set(predicted) == {"half", "numpy"}
    for j, snap in enumerate(chosen):
        m = int(snap.mask.sum())
        assert mc[j].shape == predicted["half"][j].shape == predicted["numpy"][j].shape == (m,)
        assert ((mc[j] >= 0) & (mc[j] <= 1)).all() and (predicted["half"][j] == 0.5).all()
    with pytest.raises(ValueError, match="snapshots"):
        monte_carlo.monte_carlo_comparison(small_town, [], constant, horizon=2.0, tau=0.3, gamma=0.2)
    with pytest.raises(ValueError, match="scorers"):
        monte_carlo.monte_carlo_comparison(small_town, chosen, {}, horizon=2.0, tau=0.3, gamma=0.2)
