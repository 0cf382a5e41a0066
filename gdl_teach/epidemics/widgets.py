"""Explorers for lesson 04: an outbreak over time, and vaccination strategies side by side."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from gdl_teach.core.validate import check_float, check_int
from gdl_teach.epidemics.outbreaks import SEIR_STATES, SIR_STATES, Outbreak
from gdl_teach.epidemics.town import check_graph
from gdl_teach.epidemics.vaccination import VaccinationStudy
from gdl_teach.epidemics.viz import plot_epidemic_curve, plot_states, plot_vaccination
from gdl_teach.viz.explorer import Explorer


class OutbreakExplorer(Explorer):
    """A day slider: the network coloured by everyone's state that day, beside the epidemic curve.

    The slider runs from the outbreak's start to its end (rounded up to a
    whole day) in steps of ``step``. ``last_result`` is a dict
    ``{"day": t, "S": ..., "I": ..., "R": ...}`` of the counts shown.

    Args:
        G: contact network on ``0..N-1``.
        outbreak: a simulated :class:`~gdl_teach.epidemics.outbreaks.Outbreak` on ``G``.
        pos: (N, 2) positions or a dict node -> (2,).
        step: slider step in days (> 0, at most the length of the outbreak).
        day: the day shown first, a value the slider can show; default the start.
        title: header above the controls.
    """

    def __init__(self, G: nx.Graph, outbreak: Outbreak, pos: Any, step: float = 0.5, day: float | None = None,
                 title: str = "") -> None:
        num_nodes = check_graph("G", G)
        if not isinstance(outbreak, Outbreak):
            raise TypeError(
                f"outbreak must be an Outbreak (from simulate_sir/simulate_seir), got {type(outbreak).__name__}")
        if outbreak.num_nodes != num_nodes:
            raise ValueError(f"outbreak must be simulated on G: it has {outbreak.num_nodes} people, G has {num_nodes}")
        start, stop, step = _day_range(outbreak, step)
        day = start if day is None else check_float("day", day, min_value=start, max_value=stop)
        if not np.isclose((day - start) / step, round((day - start) / step)):
            raise ValueError(f"day must be a step of the slider: {start:g} + a multiple of step={step:g}, got {day:g}")
        self.G, self.outbreak, self.pos = G, outbreak, pos
        self.names = SEIR_STATES if outbreak.model == "SEIR" else SIR_STATES
        slider = widgets.FloatSlider(value=day, min=start, max=stop, step=step, description="day",
                                     continuous_update=False, layout=widgets.Layout(width="420px"))
        super().__init__({"day": slider}, title=title or f"{outbreak.model} outbreak: move the day")

    def draw(self, day: float) -> tuple[plt.Figure, dict[str, float]]:
        """Network states and the curve with a marker at ``day``.

        Args:
            day: the slider's value.
        """
        states = self.outbreak.states_at(min(day, self.outbreak.t_max))
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [1, 1.2]})
        plot_states(self.G, states, self.pos, ax=ax, model=self.outbreak.model, title=f"day {day:g}")
        plot_epidemic_curve(self.outbreak, ax=bx, marker=day)
        fig.tight_layout()
        counts = np.bincount(states, minlength=len(self.names))
        return fig, {"day": day, **{s: int(c) for s, c in zip(self.names, counts)}}


def _day_range(outbreak: Outbreak, step: Any) -> tuple[float, float, float]:
    """First and last day of the slider and its step; the last day is a whole number of steps from the first."""
    step = check_float("step", step, min_value=0.0, strict_min=True)
    start = float(outbreak.t_min)
    length = float(np.ceil(outbreak.end)) - start
    if length > 0 and step > length:
        raise ValueError(f"step must be at most the length of the outbreak ({length:g} days), got {step:g}")
    return start, start + max(1, int(np.ceil(length / step - 1e-9))) * step, step


class VaccinationExplorer(Explorer):
    """Doses slider and moment buttons: epidemic curves and final sizes of each vaccination strategy.

    Everything is precomputed by :func:`~gdl_teach.epidemics.vaccination.vaccination_study`,
    so moving a control only redraws. ``last_result`` is the table of final
    sizes (a pandas DataFrame) for the chosen doses and moment.

    Args:
        studies: moment name -> :class:`~gdl_teach.epidemics.vaccination.VaccinationStudy`
            (all with the same ``ks``).
        doses: the doses shown first, one of the studies' ``ks``; default the third (or the last).
        moment: the moment shown first, a key of ``studies``; default the first.
        title: header above the controls.
    """

    def __init__(self, studies: dict[str, VaccinationStudy], doses: int | None = None, moment: str | None = None,
                 title: str = "Vaccinate k people, then let EoN finish the outbreak") -> None:
        if not isinstance(studies, dict) or not studies:
            raise TypeError("studies must be a non-empty dict name -> VaccinationStudy")
        for name, st in studies.items():
            if not isinstance(name, str):
                raise TypeError(f"studies must be keyed by moment names (str), got {name!r}")
            if not isinstance(st, VaccinationStudy):
                raise TypeError(f"studies[{name!r}] must be a VaccinationStudy, got {type(st).__name__}")
        ks = next(iter(studies.values())).ks
        if any(st.ks != ks for st in studies.values()):
            raise ValueError("studies must all use the same doses ks")
        doses = ks[min(2, len(ks) - 1)] if doses is None else check_int("doses", doses)
        moment = next(iter(studies)) if moment is None else moment
        if doses not in ks:
            raise ValueError(f"doses must be one of the studied doses {ks}, got {doses!r}")
        if moment not in studies:
            raise ValueError(f"moment must be one of {list(studies)}, got {moment!r}")
        self.studies = studies
        slider = widgets.SelectionSlider(options=ks, value=doses, description="doses k", continuous_update=False)
        buttons = widgets.ToggleButtons(options=list(studies), value=moment, description="when")
        super().__init__({"doses": slider, "moment": buttons}, title=title)

    def draw(self, doses: int, moment: str) -> tuple[plt.Figure, Any]:
        """Curves and final sizes for ``doses`` at ``moment``.

        Args:
            doses: one of the studies' ``ks``.
            moment: a key of the studies.
        """
        study = self.studies[moment]
        runs = study.final_size[(study.strategies[0], doses)].size
        fig = plot_vaccination(study, doses, title=f"{moment}: {doses} doses, {runs} EoN runs per strategy")
        return fig, study.table(doses)
