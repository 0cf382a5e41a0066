"""gdl_teach.epidemics.widgets: the explorers redraw when moved and refuse values their controls cannot show."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from gdl_teach.epidemics import outbreaks, town, vaccination, widgets
from tests.epidemics.conftest import GAMMA, TAU


@pytest.fixture(scope="module")
def run(small_town: nx.Graph) -> outbreaks.Outbreak:
    return outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=[0, 1, 2], seed=2)


@pytest.fixture(scope="module")
def studies(small_town: nx.Graph) -> dict[str, vaccination.VaccinationStudy]:
    n = small_town.number_of_nodes()
    scores = np.random.default_rng(0).random(n)
    early = vaccination.vaccination_study(small_town, np.where(np.arange(n) < 3, 1, 0), scores, ks=(0, 10, 40),
                                          tau=TAU, gamma=GAMMA, num_runs=3, progress=False)
    later = vaccination.vaccination_study(small_town, np.where(np.arange(n) < 8, 1, 0), scores, ks=(0, 10, 40),
                                          tau=TAU, gamma=GAMMA, num_runs=3, progress=False)
    return {"early": early, "later": later}


def test_outbreak_explorer_moves_with_the_day(small_town: nx.Graph, run: outbreaks.Outbreak) -> None:
    explorer = widgets.OutbreakExplorer(small_town, run, pos=town.town_layout(small_town))
    assert explorer.last_result["day"] == 0.0 and explorer.last_result["I"] == 3
    first_figure, draws = explorer.last_figure, explorer.draw_count
    explorer.controls["day"].value = explorer.controls["day"].max
    assert explorer.draw_count == draws + 1 and explorer.last_figure is not first_figure
    assert explorer.last_result["I"] == 0 and explorer.last_result["R"] == run.final_size
    assert explorer.controls["day"].max >= run.end


def test_outbreak_explorer_slider_starts_at_the_outbreak_start(small_town: nx.Graph) -> None:
    later = outbreaks.simulate_sir(small_town, TAU, GAMMA, initial_infecteds=[0], t_min=5.0, seed=0)
    explorer = widgets.OutbreakExplorer(small_town, later, pos=None, step=1.0)
    slider = explorer.controls["day"]
    assert slider.min == slider.value == 5.0 == explorer.last_result["day"]
    assert (slider.max - slider.min) % 1.0 == 0 and slider.max >= later.end
    shown = widgets.OutbreakExplorer(small_town, later, pos=None, step=1.0, day=7.0)
    assert shown.controls["day"].value == 7.0 == shown.last_result["day"]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"step": 0.0}, ValueError, "step"),
    ({"step": -1.0}, ValueError, "step"),
    ({"step": float("nan")}, ValueError, "step"),
    ({"step": 10_000.0}, ValueError, "step must be at most"),
    ({"step": "1"}, TypeError, "step"),
    ({"day": -1.0}, ValueError, "day"),
    ({"day": 10_000.0}, ValueError, "day"),
    ({"day": 0.25}, ValueError, "day must be a step"),
])
def test_outbreak_explorer_refuses_what_its_slider_cannot_show(small_town: nx.Graph, run: outbreaks.Outbreak,
                                                               kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        widgets.OutbreakExplorer(small_town, run, pos=None, **kwargs)


def test_outbreak_explorer_checks_its_outbreak(small_town: nx.Graph, run: outbreaks.Outbreak) -> None:
    with pytest.raises(ValueError, match="outbreak must be simulated on G"):
        widgets.OutbreakExplorer(town.karate_town(), run, pos=None)
    with pytest.raises(TypeError, match="outbreak must be an Outbreak"):
        widgets.OutbreakExplorer(small_town, "run", pos=None)


def test_vaccination_explorer_callback(studies: dict) -> None:
    explorer = widgets.VaccinationExplorer(studies)
    strategies = len(vaccination.VACCINATION_STRATEGIES)
    assert explorer.last_result["doses"].tolist() == [40] * strategies
    explorer.controls["doses"].value = 10
    assert explorer.last_result["doses"].tolist() == [10] * strategies
    assert explorer.last_result.equals(studies["early"].table(10))
    explorer.controls["moment"].value = "later"
    assert explorer.draw_count == 3
    assert explorer.last_result.equals(studies["later"].table(10))
    chosen = widgets.VaccinationExplorer(studies, doses=0, moment="later")
    assert chosen.last_result.equals(studies["later"].table(0))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"doses": 25}, ValueError, "doses must be one of"),
    ({"doses": 10.0}, TypeError, "doses"),
    ({"doses": True}, TypeError, "doses"),
    ({"moment": "never"}, ValueError, "moment must be one of"),
])
def test_vaccination_explorer_refuses_what_its_controls_cannot_show(studies: dict, kwargs: dict, error: type,
                                                                     match: str) -> None:
    with pytest.raises(error, match=match):
        widgets.VaccinationExplorer(studies, **kwargs)


def test_vaccination_explorer_checks_its_studies(small_town: nx.Graph, studies: dict) -> None:
    with pytest.raises(TypeError, match="studies"):
        widgets.VaccinationExplorer({"x": 1})
    with pytest.raises(TypeError, match="studies"):
        widgets.VaccinationExplorer({})
    n = small_town.number_of_nodes()
    other = vaccination.vaccination_study(small_town, np.where(np.arange(n) < 3, 1, 0), np.zeros(n), ks=(0, 5),
                                          tau=TAU, gamma=GAMMA, num_runs=2, progress=False)
    with pytest.raises(ValueError, match="same doses"):
        widgets.VaccinationExplorer({**studies, "other": other})
