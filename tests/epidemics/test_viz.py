"""gdl_teach.epidemics.viz: the plots draw and check their inputs."""
from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pytest

from gdl_teach.epidemics import outbreaks, town, vaccination, viz
from tests.epidemics.conftest import GAMMA, TAU


def test_plots_validate_and_draw(small_town: nx.Graph) -> None:
    run = outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=[0], seed=1)
    pos = town.town_layout(small_town)
    viz.plot_town(small_town, pos)
    viz.plot_town(town.karate_town())  # no map: the kit's spring layout
    viz.plot_epidemic_curve([run, run], marker=2.0)
    n = small_town.number_of_nodes()
    states = run.states_at(1.0)
    viz.plot_states(small_town, states, {v: pos[v] for v in range(n)})
    fig = viz.plot_risk_map(small_town, states, np.linspace(0, 1, n), np.zeros(n, dtype=bool), pos)
    assert len(fig.axes) >= 2
    viz.plot_risk_vs_monte_carlo([np.array([0.1, 0.2])], {"GNN": [np.array([0.2, 0.1])]})
    with pytest.raises(ValueError, match="states must be"):
        viz.plot_states(small_town, np.full(n, 7), pos)
    with pytest.raises(ValueError, match="pos must have shape"):
        viz.plot_states(small_town, states, np.zeros((3, 2)))
    with pytest.raises(TypeError, match="outbreaks"):
        viz.plot_epidemic_curve([])
    with pytest.raises(ValueError, match="must match mc_risk"):
        viz.plot_risk_vs_monte_carlo([np.array([0.1, 0.2])], {"GNN": [np.array([0.2])]})
    plt.close("all")


def test_plot_vaccination(small_town: nx.Graph) -> None:
    n = small_town.number_of_nodes()
    states = np.zeros(n, dtype=np.int64)
    states[:3] = 1
    study = vaccination.vaccination_study(small_town, states, np.zeros(n), ks=(0, 10), tau=TAU, gamma=GAMMA,
                                          num_runs=2, progress=False)
    fig = viz.plot_vaccination(study, 10)
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="k must be one of"):
        viz.plot_vaccination(study, 5)
    with pytest.raises(TypeError, match="study"):
        viz.plot_vaccination({"not": "a study"}, 10)
    plt.close("all")


def test_plot_sir_seir_and_model_comparison() -> None:
    import pandas as pd

    rng = np.random.default_rng(0)
    runs = {m: {"final_size": rng.random(10), "peak_day": rng.random(10) * 100, "peak": rng.random(10) / 10}
            for m in ("SIR", "SEIR")}
    fig = viz.plot_sir_seir(runs)
    assert len(fig.axes) == 2
    scores = pd.DataFrame([{"seed": s, "model": m, "ROC-AUC": rng.random(), "Brier": rng.random() / 50}
                           for s in range(3) for m in ("global rate", "hazard model", "GNN")])
    fig = viz.plot_model_comparison(scores)
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["global rate", "hazard model", "GNN"]
    assert fig.axes[0].yaxis_inverted()  # the first model on top
    plt.close("all")
