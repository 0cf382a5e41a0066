"""Explorers for lesson 04: an outbreak over time, and vaccination strategies side by side."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from gdl_teach.epidemics.data import SEIR_STATES, SIR_STATES, Outbreak, VaccinationStudy, check_graph
from gdl_teach.epidemics.viz import plot_epidemic_curve, plot_states, plot_vaccination
from gdl_teach.viz.explorer import Explorer


class OutbreakExplorer(Explorer):
    """A day slider: the network coloured by everyone's state that day, beside the epidemic curve.

    ``last_result`` is a dict ``{"day": t, "S": ..., "I": ..., "R": ...}`` of
    the counts shown.

    Args:
        G: contact network on ``0..N-1``.
        outbreak: a simulated :class:`~gdl_teach.epidemics.data.Outbreak` on ``G``.
        pos: (N, 2) positions or a dict node -> (2,).
        step: slider step in days.
        title: header above the controls.
    """

    def __init__(self, G: nx.Graph, outbreak: Outbreak, pos: Any, step: float = 0.5, title: str = "") -> None:
        n = check_graph("G", G)
        if not isinstance(outbreak, Outbreak):
            raise TypeError(
                f"outbreak must be an Outbreak (from simulate_sir/simulate_seir), got {type(outbreak).__name__}")
        if outbreak.num_nodes != n:
            raise ValueError(f"outbreak must be simulated on G: it has {outbreak.num_nodes} people, G has {n}")
        self.G, self.outbreak, self.pos = G, outbreak, pos
        self.names = SEIR_STATES if outbreak.model == "SEIR" else SIR_STATES
        end = float(np.ceil(outbreak.end))
        slider = widgets.FloatSlider(value=0.0, min=outbreak.tmin, max=max(end, outbreak.tmin + step), step=step,
                                     description="day", continuous_update=False,
                                     layout=widgets.Layout(width="420px"))
        super().__init__({"day": slider}, title=title or f"{outbreak.model} outbreak: move the day")

    def draw(self, day: float) -> tuple[plt.Figure, dict[str, float]]:
        """Network states and the curve with a marker at ``day``."""
        states = self.outbreak.states_at(min(day, self.outbreak.tmax))
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [1, 1.2]})
        plot_states(self.G, states, self.pos, ax=ax, model=self.outbreak.model, title=f"day {day:g}")
        plot_epidemic_curve(self.outbreak, ax=bx, marker=day)
        fig.tight_layout()
        counts = np.bincount(states, minlength=len(self.names))
        return fig, {"day": day, **{s: int(c) for s, c in zip(self.names, counts)}}


class VaccinationExplorer(Explorer):
    """Doses slider and moment buttons: epidemic curves and final sizes of each vaccination strategy.

    Everything is precomputed by :func:`~gdl_teach.epidemics.data.vaccination_study`,
    so moving a control only redraws. ``last_result`` is the table of final
    sizes (a pandas DataFrame) for the chosen doses and moment.

    Args:
        studies: moment name -> :class:`~gdl_teach.epidemics.data.VaccinationStudy`
            (all with the same ``ks``).
        title: header above the controls.
    """

    def __init__(self, studies: dict[str, VaccinationStudy],
                 title: str = "Vaccinate k people, then let EoN finish the outbreak") -> None:
        if not isinstance(studies, dict) or not studies:
            raise TypeError("studies must be a non-empty dict name -> VaccinationStudy")
        for name, st in studies.items():
            if not isinstance(st, VaccinationStudy):
                raise TypeError(f"studies[{name!r}] must be a VaccinationStudy, got {type(st).__name__}")
        ks = next(iter(studies.values())).ks
        if any(st.ks != ks for st in studies.values()):
            raise ValueError("studies must all use the same doses ks")
        self.studies = studies
        doses = widgets.SelectionSlider(options=ks, value=ks[min(2, len(ks) - 1)], description="doses k",
                                        continuous_update=False)
        moment = widgets.ToggleButtons(options=list(studies), value=next(iter(studies)), description="when")
        super().__init__({"doses": doses, "moment": moment}, title=title)

    def draw(self, doses: int, moment: str) -> tuple[plt.Figure, Any]:
        """Curves and final sizes for ``doses`` at ``moment``."""
        study = self.studies[moment]
        runs = study.final_size[(study.strategies[0], doses)].size
        fig = plot_vaccination(study, doses, title=f"{moment}: {doses} doses, {runs} EoN runs per strategy")
        return fig, study.table(doses)
