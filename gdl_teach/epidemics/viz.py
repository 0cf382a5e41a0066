"""Plots for lesson 04: contact networks, epidemic curves, SIR vs SEIR, risk maps, model comparison, vaccination."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from gdl_teach.epidemics.outbreaks import SEIR_STATES, SIR_STATES, Outbreak
from gdl_teach.epidemics.town import AGE_GROUPS, SETTINGS, check_graph
from gdl_teach.epidemics.vaccination import VaccinationStudy
from gdl_teach.viz.layout import spring_layout

STATE_COLORS = {"S": "#4c72b0", "E": "#f2a33a", "I": "#d62728", "R": "#6f6f6f"}
SETTING_COLORS = {"household": "#d62728", "school": "#2ca02c", "work": "#1f77b4", "community": "#b0b0b0"}
AGE_COLORS = ("#8fd14f", "#5a5a5a", "#a05195")
STRATEGY_COLORS = {"none": "#444444", "random": "#8c8c8c", "degree": "#1f77b4", "ring": "#2ca02c",
                   "gnn risk": "#d62728"}
MODEL_COLORS = {"global rate": "#b0b0b0", "person features": "#8c8c8c", "contact counts, 1 hop": "#9ecae1",
                "contact counts, 2 hops": "#1f77b4", "hazard model": "#2ca02c", "GNN": "#d62728"}


def _numpy(a: Any) -> np.ndarray:
    """A NumPy copy of an array, list or tensor on any device (results go to the CPU before plotting)."""
    return a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)


def _positions(G: nx.Graph, pos: Any) -> np.ndarray:
    num_nodes = check_graph("G", G)
    if pos is None:
        pos = spring_layout(G, seed=0)
    if isinstance(pos, dict):
        pos = np.stack([_numpy(pos[v]).astype(float) for v in range(num_nodes)])
    pos = _numpy(pos).astype(float)
    if pos.shape != (num_nodes, 2):
        raise ValueError(f"pos must have shape ({num_nodes}, 2) or be a dict node -> (2,), got {pos.shape}")
    return pos


def _draw_edges(ax: plt.Axes, G: nx.Graph, pos: np.ndarray, color: Any = "#999999", alpha: float = 0.15,
                width: float = 0.4) -> None:
    edges = np.array(list(G.edges()), dtype=int).reshape(-1, 2)
    if edges.size:
        ax.add_collection(LineCollection(pos[edges], colors=color, linewidths=width, alpha=alpha, zorder=1))


def _node_size(n: int) -> float:
    return float(np.clip(3000 / n, 4, 160))


def plot_town(G: nx.Graph, pos: Any = None, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """The contact network: edges coloured by setting, people by age group.

    Args:
        G: a town from :func:`~gdl_teach.epidemics.town.make_town` (nodes ``0..N-1``).
        pos: (N, 2) positions or a dict; default the kit's seeded spring layout.
        ax: Axes to draw on; a new figure if ``None``.
        title: Axes title.

    Returns:
        The Axes.
    """
    pos = _positions(G, pos)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 6.5))
    alpha = {"work": 0.08, "community": 0.35, "school": 0.25, "household": 0.9}
    for setting in ("work", "community", "school", "household"):  # long work lines first, underneath
        sub = [(a, b) for a, b, d in G.edges(data=True) if d.get("setting", "community") == setting]
        if sub:
            ax.add_collection(LineCollection(pos[np.array(sub)], colors=SETTING_COLORS[setting], linewidths=0.6,
                                             alpha=alpha[setting], zorder=1))
    ages = np.array([G.nodes[v].get("age_group", 1) for v in range(len(pos))])
    ax.scatter(pos[:, 0], pos[:, 1], s=_node_size(len(pos)), c=[AGE_COLORS[a] for a in ages], zorder=2,
               linewidths=0)
    handles = [Line2D([], [], color=SETTING_COLORS[s], label=f"{s} contact") for s in SETTINGS]
    handles += [Line2D([], [], ls="", marker="o", color=c, label=a) for a, c in zip(AGE_GROUPS, AGE_COLORS)]
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, frameon=False)
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_axis_off()
    ax.set_title(title or f"synthetic town: {len(pos)} people, {G.number_of_edges()} contacts", fontsize=10)
    return ax


def plot_states(G: nx.Graph, states: np.ndarray | torch.Tensor, pos: Any = None, ax: plt.Axes | None = None,
                model: str = "SIR", title: str | None = None, legend: bool = True) -> plt.Axes:
    """The network with each person coloured by state: S blue, E orange, I red, R grey.

    Args:
        G: contact network on ``0..N-1``.
        states: (N,) state codes (indices into ``SIR_STATES`` or ``SEIR_STATES``).
        pos: (N, 2) positions or a dict; default the kit's seeded spring layout.
        ax: Axes to draw on; a new figure if ``None``.
        model: ``"SIR"`` or ``"SEIR"``.
        title: Axes title.
        legend: draw the colour legend.

    Returns:
        The Axes.
    """
    pos = _positions(G, pos)
    names = SEIR_STATES if model == "SEIR" else SIR_STATES
    states = _numpy(states)
    if states.shape != (len(pos),) or (states < 0).any() or (states >= len(names)).any():
        raise ValueError(f"states must be ({len(pos)},) codes in [0, {len(names) - 1}] for {model}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    small = len(pos) < 200
    _draw_edges(ax, G, pos, color="#777777" if small else "#999999", alpha=0.5 if small else 0.07,
                width=1.0 if small else 0.4)
    colors = np.array([STATE_COLORS[names[s]] for s in states])
    order = np.argsort(states == names.index("I"), kind="stable")  # infectious people drawn last, on top
    size = _node_size(len(pos))
    ax.scatter(pos[order, 0], pos[order, 1], s=np.where(states[order] == names.index("I"), 2 * size, size),
               c=colors[order], zorder=2, linewidths=0)
    if legend:
        counts = np.bincount(states, minlength=len(names))
        handles = [Line2D([], [], ls="", marker="o", color=STATE_COLORS[s], label=f"{s} ({c})")
                   for s, c in zip(names, counts)]
        ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(names),
                  frameon=False)
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_epidemic_curve(outbreaks: Outbreak | Sequence[Outbreak], ax: plt.Axes | None = None,
                        t_max: float | None = None, marker: float | None = None, title: str | None = None) -> plt.Axes:
    """Number of people in each state over time; several outbreaks are overlaid thinly.

    Args:
        outbreaks: one :class:`Outbreak` or a list of them (same model).
        ax: Axes to draw on; a new figure if ``None``.
        t_max: last day shown; default the end of the longest outbreak.
        marker: draw a vertical line at this day (the explorer's slider).
        title: Axes title.

    Returns:
        The Axes.
    """
    runs = [outbreaks] if isinstance(outbreaks, Outbreak) else list(outbreaks)
    if not runs or not all(isinstance(r, Outbreak) for r in runs):
        raise TypeError("outbreaks must be an Outbreak or a non-empty list of them")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.2))
    end = t_max if t_max is not None else max(r.end for r in runs)
    grid = np.linspace(runs[0].t_min, max(end, runs[0].t_min + 1e-9), 200)
    thin = len(runs) > 1
    for i, run in enumerate(runs):
        counts = run.counts(grid)
        for name, values in counts.items():
            ax.plot(grid, values, color=STATE_COLORS[name], lw=0.8 if thin else 2, alpha=0.35 if thin else 1,
                    label=name if i == 0 else None)
    if marker is not None:
        ax.axvline(marker, color="black", lw=1, ls="--")
    ax.set_xlabel("day")
    ax.set_ylabel("people")
    ax.legend(fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_risk_map(G: nx.Graph, states: np.ndarray | torch.Tensor, risk: np.ndarray | torch.Tensor,
                  infected_next: np.ndarray | torch.Tensor, pos: Any = None) -> plt.Figure:
    """Two panels: predicted risk of each susceptible person, and who was in fact infected next.

    Args:
        G: contact network on ``0..N-1``.
        states: (N,) SIR codes at the snapshot.
        risk: (N,) predicted probabilities.
        infected_next: (N,) bool, infected within the horizon in the simulation.
        pos: (N, 2) positions.

    Returns:
        The Figure.
    """
    pos = _positions(G, pos)
    n = len(pos)
    states, risk, nxt = (_numpy(a) for a in (states, risk, infected_next))
    for name, arr in (("states", states), ("risk", risk), ("infected_next", nxt)):
        if arr.shape != (n,):
            raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    fig, axes = plt.subplots(1, 2, figsize=(11, 5))
    size = _node_size(n)
    sus = states == 0
    for ax in axes:
        _draw_edges(ax, G, pos, alpha=0.08)
        ax.scatter(pos[states == 1, 0], pos[states == 1, 1], s=2 * size, c=STATE_COLORS["I"], marker="x",
                   zorder=3, linewidths=1, label="infectious now")
        ax.set_aspect("equal")
        ax.set_axis_off()
    order = np.flatnonzero(sus)[np.argsort(risk[sus])]
    sc = axes[0].scatter(pos[order, 0], pos[order, 1], s=size * (1 + 4 * risk[order] / max(risk[sus].max(), 1e-9)),
                         c=risk[order], cmap="magma_r", vmin=0, vmax=max(float(risk[sus].max()), 1e-3),
                         zorder=2, linewidths=0)
    fig.colorbar(sc, ax=axes[0], fraction=0.04, label="predicted risk")
    axes[0].set_title("GNN: predicted risk of each susceptible person", fontsize=10)
    axes[1].scatter(pos[sus & ~nxt, 0], pos[sus & ~nxt, 1], s=size, c="#cfd8e8", zorder=2, linewidths=0)
    axes[1].scatter(pos[sus & nxt, 0], pos[sus & nxt, 1], s=3 * size, c="#ff7f0e", zorder=4, linewidths=0,
                    label="infected within the horizon")
    axes[1].set_title("EoN: who was in fact infected next", fontsize=10)
    axes[1].legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def plot_risk_vs_monte_carlo(mc_risk: Sequence[np.ndarray], predicted: dict[str, Sequence[np.ndarray]],
                             ax: plt.Axes | None = None) -> plt.Axes:
    """Scatter of predicted risk against EoN's Monte Carlo risk, susceptible people of a few states.

    Args:
        mc_risk: per state, (M_s,) Monte Carlo infection frequencies.
        predicted: model name -> per state, (M_s,) predicted probabilities.
        ax: Axes to draw on; a new figure if ``None``.

    Returns:
        The Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 4.4))
    mc = np.concatenate([_numpy(m) for m in mc_risk])
    for name, preds in predicted.items():
        p = np.concatenate([_numpy(q) for q in preds])
        if p.shape != mc.shape:
            raise ValueError(f"predicted[{name!r}] must match mc_risk in length, got {p.shape} and {mc.shape}")
        ax.scatter(mc, p, s=6, alpha=0.5, label=name, color=MODEL_COLORS.get(name, None), linewidths=0)
    top = float(max(mc.max(), max(np.concatenate([_numpy(q) for q in v]).max() for v in predicted.values())))
    ax.plot([0, top], [0, top], color="black", lw=0.8, ls="--", label="perfect")
    ax.set_xlabel("Monte Carlo risk (EoN reruns from the same state)")
    ax.set_ylabel("predicted probability")
    ax.legend(fontsize=8, frameon=False)
    return ax


def plot_vaccination(study: VaccinationStudy, k: int, axes: Sequence[plt.Axes] | None = None,
                     title: str = "") -> plt.Figure:
    """Infectious people over time (mean and 10-90% band) and final sizes per strategy, at ``k`` doses.

    Args:
        study: from :func:`~gdl_teach.epidemics.vaccination.vaccination_study` (must include ``k = 0``
            for the "no vaccination" reference).
        k: doses, one of ``study.ks``.
        axes: two Axes; a new figure if ``None``.
        title: figure title.

    Returns:
        The Figure.
    """
    if not isinstance(study, VaccinationStudy):
        raise TypeError(f"study must be a VaccinationStudy, got {type(study).__name__}")
    if k not in study.ks:
        raise ValueError(f"k must be one of the studied doses {study.ks}, got {k}")
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [1.6, 1]})
    else:
        fig = axes[0].figure
    ax, bx = axes
    rows = []
    if 0 in study.ks:
        rows.append(("none", study.infectious[(study.strategies[0], 0)], study.final_size[(study.strategies[0], 0)]))
    if k != 0:
        rows += [(s, study.infectious[(s, k)], study.final_size[(s, k)]) for s in study.strategies]
    for name, curves, _ in rows:
        color = STRATEGY_COLORS.get(name, None)
        ax.plot(study.t_grid, curves.mean(0), color=color, lw=2, ls="--" if name == "none" else "-",
                label="no vaccination" if name == "none" else name)
        ax.fill_between(study.t_grid, np.quantile(curves, 0.1, axis=0), np.quantile(curves, 0.9, axis=0),
                        color=color, alpha=0.15)
    ax.set_xlabel("days after vaccination")
    ax.set_ylabel("infectious people")
    ax.legend(fontsize=8, frameon=False)
    labels = ["no vaccination" if r[0] == "none" else r[0] for r in rows]
    data = [r[2] for r in rows]
    try:  # matplotlib >= 3.10 names it orientation; older versions only know vert
        bx.boxplot(data, orientation="horizontal", widths=0.6, showfliers=True)
    except TypeError:
        bx.boxplot(data, vert=False, widths=0.6, showfliers=True)
    bx.set_yticks(range(1, len(rows) + 1), labels)
    for i, (name, _, f) in enumerate(rows, start=1):
        bx.scatter([f.mean()], [i], color=STRATEGY_COLORS.get(name, "k"), zorder=3, s=30)
    bx.set_xlabel("final size (fraction of town ever infected)")
    bx.set_xlim(0, 1)
    fig.suptitle(title or f"{k} doses", fontsize=10)
    fig.tight_layout()
    return fig


def plot_sir_seir(runs: dict[str, dict[str, np.ndarray]], take_off: float = 0.05) -> plt.Figure:
    """Histograms of final size (all runs) and of the infectious peak's day (runs that took off), SIR vs SEIR.

    Args:
        runs: from :func:`~gdl_teach.epidemics.sir_seir.sir_seir_runs`.
        take_off: final size above which a run counts as having taken off.

    Returns:
        The Figure.
    """
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 3.2))
    colors = {"SIR": "#d62728", "SEIR": "#f2a33a"}
    for model, r in runs.items():
        kw = {"histtype": "step", "lw": 2, "color": colors.get(model)}
        ax.hist(r["final_size"], bins=np.linspace(0, 1, 41), label=f"{model} ({r['final_size'].size} runs)", **kw)
        took_off = r["final_size"] > take_off
        bx.hist(r["peak_day"][took_off], bins=np.linspace(0, 200, 41), label=model, **kw)
    ax.set_xlabel("final size (fraction of the town ever infected)")
    ax.set_ylabel("runs")
    ax.legend(fontsize=8, frameon=False)
    bx.set_xlabel("day of the infectious peak (runs that took off)")
    bx.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def plot_model_comparison(scores: Any, metrics: Sequence[str] = ("ROC-AUC", "Brier")) -> plt.Figure:
    """Each model's score on each seed (dots; one line per seed joins its models) and the mean (black bar).

    Args:
        scores: a DataFrame with columns ``seed``, ``model`` and the ``metrics``
            (``ModelComparison.scores``), models in the order to draw.
        metrics: columns to plot, one panel each.

    Returns:
        The Figure.
    """
    models = list(dict.fromkeys(scores["model"]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 0.45 * len(models) + 1.4), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, metric in zip(axes, metrics):
        table = scores.pivot(index="seed", columns="model", values=metric)[models]
        y = np.arange(len(models))
        for _, row in table.iterrows():
            ax.plot(row.to_numpy(), y, color="#bbbbbb", lw=0.8, zorder=1)
        for i, name in enumerate(models):
            ax.scatter(table[name], np.full(len(table), i), s=18, color=MODEL_COLORS.get(name, "#444444"), zorder=2)
            ax.plot([table[name].mean()] * 2, [i - 0.3, i + 0.3], color="black", lw=2, zorder=3)
        better = "higher is better" if metric == "ROC-AUC" else "lower is better"
        ax.set_xlabel(f"{metric} on the test runs ({better})")
        ax.set_yticks(y, models)
    axes[0].invert_yaxis()  # shared y: inverting once turns every panel
    axes[0].set_title("each dot one split, grey lines join one split's models; black: mean", fontsize=9, loc="left")
    fig.tight_layout()
    return fig
