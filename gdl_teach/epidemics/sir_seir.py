"""SIR against SEIR on the same town, over many runs: what a latent period changes and what it does not (lesson 04).

One run of each model says little: outbreaks are random, and two single runs
differ by chance. :func:`sir_seir_runs` simulates many of each from the same
index cases and records, per run, the final size, the day of the infectious
peak and the height of that peak; :func:`sir_seir_table` and
:func:`final_size_test` compare the two distributions.

What to expect: an exposed (latent) period delays transmission but does not
change who can infect whom, nor with what probability (each contact of an
infectious person is infected with probability ``T = tau w / (tau w +
gamma)`` in both models), so the final size has the same distribution; the
epidemic is slower, so its peak comes later and is lower.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
from tqdm.auto import tqdm

from gdl_teach.core.cache import cached
from gdl_teach.core.validate import check_float, check_int
from gdl_teach.epidemics.eon_adapter import node_ids
from gdl_teach.epidemics.outbreaks import (
    SIMULATION_LIBRARIES,
    Outbreak,
    simulate_seir,
    simulate_sir,
    simulation_fingerprint,
)
from gdl_teach.epidemics.town import check_graph, graph_fingerprint

#: A run "takes off" when it infects more than this fraction of the town; peak timing is compared on those.
TAKE_OFF = 0.05


def peak_of(outbreak: Outbreak) -> tuple[float, int]:
    """Day and height of the infectious peak: ``(t, number infectious)`` at the first event where it is largest.

    Args:
        outbreak: a simulated :class:`~gdl_teach.epidemics.outbreaks.Outbreak` (SIR or SEIR).
    """
    events = np.unique(outbreak.t_infected[np.isfinite(outbreak.t_infected)])
    if events.size == 0:
        return float(outbreak.t_min), 0
    counts = outbreak.infectious_at(events).sum(1)  # (T,)
    return float(events[int(np.argmax(counts))]), int(counts.max())


def sir_seir_runs(G: nx.Graph, tau: float, sigma: float, gamma: float, *, index_cases: Sequence[int],
                  num_runs: int = 50, seed: int = 0, progress: bool = True) -> dict[str, dict[str, np.ndarray]]:
    """``num_runs`` SIR and ``num_runs`` SEIR outbreaks from the same index cases, cached on disk.

    Run ``r`` of either model uses seed ``seed * 100_003 + r``.

    Args:
        G: contact network on ``0..N-1`` (edge attribute ``weight``).
        tau: transmission rate per edge (times its weight).
        sigma: SEIR's rate E -> I (mean latent period ``1 / sigma``).
        gamma: recovery rate (the same infectious period in both models).
        index_cases: who is infectious at day 0.
        num_runs: runs per model.
        seed: base seed.
        progress: show a tqdm bar.

    Returns:
        ``{"SIR": {...}, "SEIR": {...}}``, each with (num_runs,) arrays ``final_size``
        (fraction of the town), ``peak_day`` and ``peak`` (fraction infectious at the peak).
    """
    num_nodes = check_graph("G", G)
    index_cases = node_ids("index_cases", index_cases, num_nodes)
    if not index_cases:
        raise ValueError("index_cases must name at least one person")
    params = {"graph": graph_fingerprint(G), "tau": check_float("tau", tau, min_value=0.0),
              "sigma": check_float("sigma", sigma, min_value=0.0, strict_min=True),
              "gamma": check_float("gamma", gamma, min_value=0.0, strict_min=True), "index_cases": index_cases,
              "num_runs": check_int("num_runs", num_runs, min_value=2), "seed": check_int("seed", seed, min_value=0),
              "simulator": simulation_fingerprint()}

    def build() -> dict[str, dict[str, np.ndarray]]:
        out = {}
        for model in ("SIR", "SEIR"):
            rows = []
            for r in tqdm(range(num_runs), desc=f"{model} runs", disable=not progress, leave=False):
                run_seed = params["seed"] * 100_003 + r
                run = (simulate_sir(G, tau, gamma, initial_infecteds=index_cases, seed=run_seed) if model == "SIR"
                       else simulate_seir(G, tau, sigma, gamma, initial_infecteds=index_cases, seed=run_seed))
                day, height = peak_of(run)
                rows.append((run.final_size / num_nodes, day, height / num_nodes))
            final, day, peak = (np.array(col, dtype=float) for col in zip(*rows))
            out[model] = {"final_size": final, "peak_day": day, "peak": peak}
        return out

    return cached("sir_seir_runs", params, build, libraries=SIMULATION_LIBRARIES)


def sir_seir_table(runs: dict[str, dict[str, np.ndarray]]) -> Any:
    """A pandas DataFrame per model: the share of runs that take off and, over those, final size, peak day
    and peak height (mean and standard deviation).

    Args:
        runs: from :func:`sir_seir_runs`.
    """
    import pandas as pd

    rows = []
    for model, r in runs.items():
        took_off = r["final_size"] > TAKE_OFF
        rows.append({"model": model, "runs": r["final_size"].size, "took off": took_off.mean(),
                     "final size": r["final_size"][took_off].mean(), "± final size": r["final_size"][took_off].std(ddof=1),
                     "peak day": r["peak_day"][took_off].mean(), "± peak day": r["peak_day"][took_off].std(ddof=1),
                     "peak height": r["peak"][took_off].mean()})
    return pd.DataFrame(rows).set_index("model").round(3)


def final_size_test(runs: dict[str, dict[str, np.ndarray]], key: str = "final_size") -> dict[str, float]:
    """Do SIR and SEIR differ in ``key``? Mann-Whitney U (two-sided) and the difference of means.

    Only runs that took off are compared (the others end within days in
    both models; their share is compared by the table).

    Args:
        runs: from :func:`sir_seir_runs`.
        key: ``"final_size"``, ``"peak_day"`` or ``"peak"``.

    Returns:
        ``{"mean_diff": SEIR - SIR, "p": p-value of scipy.stats.mannwhitneyu}``.
    """
    from scipy.stats import mannwhitneyu

    if key not in ("final_size", "peak_day", "peak"):
        raise ValueError(f"key must be 'final_size', 'peak_day' or 'peak', got {key!r}")
    a, b = runs["SIR"], runs["SEIR"]
    x, y = a[key][a["final_size"] > TAKE_OFF], b[key][b["final_size"] > TAKE_OFF]
    if x.size < 2 or y.size < 2:
        raise ValueError("fewer than two runs of a model took off; simulate more runs")
    return {"mean_diff": float(y.mean() - x.mean()), "p": float(mannwhitneyu(x, y, alternative="two-sided").pvalue)}
